"""The `flask goi …` commands."""

from pathlib import Path

import click
from flask.cli import AppGroup

from goi.core.errors import DomainError
from goi.extensions import db
from goi.search.cli import search_cli

goi_cli = AppGroup("goi", help="GOI administration commands.")
mail_cli = AppGroup("mail", help="The outgoing mail queue.")
goi_cli.add_command(mail_cli)
goi_cli.add_command(search_cli)


@goi_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Platform Admin", show_default=True)
@click.password_option(help="Password for a new account (asked when not given).")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Make EMAIL a platform admin, creating the account when needed."""
    from goi.accounts.services import create_admin

    try:
        user = create_admin(email, name, password)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"{user.email} is a platform admin.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True, help="At most this many messages.")
def send_mail_command(limit: int) -> None:
    """Deliver pending mail from the outbox (retrying failures later)."""
    from goi.core.mail import send_pending

    try:
        sent, failed = send_pending(limit)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"sent {sent}, failed {failed}")
    if failed:
        raise SystemExit(1)


@goi_cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo organizations and users once (does nothing when they exist)."""
    from goi.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data

    created = load_demo_data()
    db.session.commit()
    state = "loaded" if created else "already present"
    click.echo(f"Demo data {state}. Demo logins (password for all: {DEMO_PASSWORD}):")

    for user in DEMO_USERS:
        click.echo(f"  {user['email']:<36} {user['role']}")


notify_cli = AppGroup("notify", help="Reminders and digests.")
goi_cli.add_command(notify_cli)


@notify_cli.command("reminders")
def reminders_command() -> None:
    """Send the 3-day and 24-hour deadline reminders, the owners' reminders of questions waiting more than 3 days and
    the reminders of review panel invitations unanswered for more than 3 days that are due (each only once)."""
    from goi.notify.handlers import send_deadline_reminders, send_question_reminders
    from goi.reviews.panel_admin import send_invitation_reminders

    told = send_deadline_reminders() + send_question_reminders() + send_invitation_reminders()
    db.session.commit()
    click.echo(f"reminded {told}")


@notify_cli.command("recommendations")
def recommendations_command() -> None:
    """Tell each solver of the week's new challenges that fit their profile (run once a week)."""
    from goi.matching.digest import send_weekly_recommendations

    told = send_weekly_recommendations()
    db.session.commit()
    click.echo(f"told {told}")


@notify_cli.command("digest")
def digest_command() -> None:
    """Queue the daily digest email for users who chose it."""
    from goi.notify.services import send_digests

    queued = send_digests()
    db.session.commit()
    click.echo(f"digests queued {queued}")


webhooks_cli = AppGroup("webhooks", help="The webhook deliveries' outbox.")
goi_cli.add_command(webhooks_cli)


@webhooks_cli.command("deliver")
@click.option("--limit", default=100, show_default=True, help="At most this many deliveries.")
def deliver_webhooks_command(limit: int) -> None:
    """Send the due webhook deliveries (retrying failures later, with back-off)."""
    from goi.api.webhooks import deliver_due

    delivered, failed = deliver_due(limit)
    click.echo(f"delivered {delivered}, failed {failed}")


@goi_cli.command("close-expired")
def close_expired_command() -> None:
    """Close published challenges whose deadline has passed (requests do this too)."""
    from goi.challenges.lifecycle import close_expired_challenges

    closed = close_expired_challenges()
    db.session.commit()
    click.echo(f"closed {closed}")


@goi_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Create or update organizations and challenges from a JSON file, keyed by ref (all or nothing)."""
    from goi.challenges.exchange import ImportFileError, import_file

    try:
        counts = import_file(path)
    except ImportFileError as error:
        db.session.rollback()
        for line in error.errors:
            click.echo(f"error: {line}", err=True)
        raise click.ClickException(f"nothing was imported ({len(error.errors)} error(s))") from None
    db.session.commit()
    click.echo(", ".join(f"{key.replace('_', ' ')} {value}" for key, value in counts.items()))


@goi_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    """Write organizations and published challenges to a JSON file in the import format."""
    from goi.challenges.export import export_file

    counts = export_file(path)
    click.echo(f"exported {counts['organizations']} organizations, {counts['challenges']} challenges to {path}")
