"""`flask goi search sync|rebuild|check`."""

import click
from flask.cli import AppGroup

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("sync")
def sync_command() -> None:
    """Apply pending index changes from the outbox (those a busy or crashed writer left)."""
    from goi.search.backend import IndexBusy
    from goi.search.outbox import apply_pending, purge_indexed
    from goi.search.service import REBUILD_LOCK_TIMEOUT, backend

    applied = apply_pending(timeout=REBUILD_LOCK_TIMEOUT)
    purged = purge_indexed()
    # Writes after each commit add small segments; sync merges them into one when the index is free.
    try:
        backend().optimize(timeout=REBUILD_LOCK_TIMEOUT)
        merged = "index merged"
    except IndexBusy:
        merged = "index busy, not merged (the next sync merges it)"
    click.echo(f"applied {applied} outbox rows, purged {purged} old ones, {merged}")


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Rebuild the whole index from the database."""
    from goi.search.service import rebuild

    click.echo(f"indexed {rebuild()} documents")


@search_cli.command("check")
def check_command() -> None:
    """Compare the index with the database; exit 1 and list the differences when they disagree."""
    from goi.search.service import check

    differences = check()
    for line in differences:
        click.echo(line)
    if differences:
        click.echo(f"{len(differences)} difference(s); run `flask goi search rebuild` to repair", err=True)
        raise SystemExit(1)
    click.echo("index and database agree")
