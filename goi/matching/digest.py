"""The weekly message of recommended challenges: to each solver, the open challenges published in the last seven
days that fit their profile best, with why, once a week (`flask goi notify recommendations`, run weekly by cron).

A user is told by their channel for the kind `recommended_challenges` (the daily digest unless they chose
otherwise in their notification settings); a week with nothing new that fits sends nothing.
"""

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import or_, select

from goi.accounts.models import User
from goi.core import clock
from goi.core.links import absolute_path, path_for
from goi.extensions import db
from goi.matching import recommend
from goi.notify.services import notify
from goi.orgs.models import Membership, Organization, OrgKind

WEEK = timedelta(days=7)
PER_MESSAGE = 5


def solver_ids() -> list[int]:
    """Active, confirmed users with something to match: a profile that says what they do, or a solver organization."""
    in_solver_organization = (
        select(Membership.user_id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Organization.kind != OrgKind.GOVERNMENT)
    )
    return list(
        db.session.scalars(
            select(User.id)
            .where(
                User.is_disabled.is_(False),
                User.email_confirmed_at.is_not(None),
                or_(User.expertise != "", User.sectors != "", User.id.in_(in_solver_organization)),
            )
            .order_by(User.id)
        )
    )


def send_weekly_recommendations() -> int:
    """Tell each solver of this week's new challenges that fit them; returns how many were told."""
    now = clock.now()
    year, week, _day = now.isocalendar()
    key = f"recommended_challenges:{year}-W{week:02d}"
    told = 0
    for user_id in solver_ids():
        user = db.session.get(User, user_id)
        # The reasons are worded in the recipient's language.
        with force_locale(user.locale or "id"):
            suggestions = recommend.challenges_for_user(db.session, user, limit=20)
        fresh = [
            suggestion
            for suggestion in suggestions
            if suggestion.facts.get("published_at") and suggestion.facts["published_at"] > now - WEEK
        ][:PER_MESSAGE]
        if fresh:
            told += notify(
                [user.id],
                "recommended_challenges",
                path_for("matching.recommendations"),
                dedupe_key=key,
                suggestions=fresh,
                links={s.slug: absolute_path(path_for("challenges.show", slug=s.slug)) for s in fresh},
            )
    return told
