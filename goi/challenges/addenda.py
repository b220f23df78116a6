"""Addenda: the numbered, recorded changes to a challenge after its publication."""

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from goi.accounts.models import User
from goi.challenges import signals
from goi.challenges.models import Addendum, Challenge, ChallengeStatus
from goi.challenges.services import replace_criteria, validate_timeline
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.core.transactions import lock_row
from goi.extensions import db


def publish_addendum(actor: User, challenge: Challenge, summary: str, changes: dict) -> Addendum:
    """A numbered change after publication: a later deadline, other criteria or timeline, new rules text."""
    # First, so that two editors publishing at once take turns and the second checks and numbers its addendum
    # against the first's: it would otherwise read the same maximum number, or replace criteria already replaced.
    lock_row(challenge)
    if challenge.status not in (ChallengeStatus.PUBLISHED,):
        raise DomainError(_("Addenda are published while a challenge is open."))
    if not summary.strip():
        raise DomainError(_("Summarise what changes."), field="summary")
    recorded: dict = {}
    new_closes_at: datetime | None = changes.get("closes_at")
    if new_closes_at is not None and new_closes_at != challenge.closes_at:
        if new_closes_at < challenge.closes_at:
            raise DomainError(_("A published deadline can only move later."), field="closes_at")
        recorded["closes_at"] = [challenge.closes_at.isoformat(), new_closes_at.isoformat()]
        challenge.closes_at = new_closes_at
    for field_name in ("review_until", "decision_at"):
        value = changes.get(field_name)
        if value is not None and value != getattr(challenge, field_name):
            recorded[field_name] = [_iso(getattr(challenge, field_name)), value.isoformat()]
            setattr(challenge, field_name, value)
    validate_timeline(
        {
            "opens_at": challenge.opens_at,
            "closes_at": challenge.closes_at,
            "review_until": challenge.review_until,
            "decision_at": challenge.decision_at,
        }
    )
    for part in ("problem", "context", "outcomes"):
        source = changes.get(part)
        if source is not None and source != getattr(challenge, f"{part}_source"):
            recorded[part] = True
            setattr(challenge, f"{part}_source", source)
            setattr(challenge, f"{part}_html", render_markdown(source))
    if changes.get("criteria"):
        old = [[c.name, c.weight] for c in challenge.criteria]
        new = [[c["name"].strip(), int(c["weight"])] for c in changes["criteria"]]
        if old != new or [c.description for c in challenge.criteria] != [
            c.get("description", "").strip() for c in changes["criteria"]
        ]:
            replace_criteria(challenge, changes["criteria"])
            recorded["criteria"] = [old, new]
    if not recorded:
        raise DomainError(_("The addendum changes nothing."), field="summary")
    number = (
        db.session.scalar(select(func.max(Addendum.number)).where(Addendum.challenge_id == challenge.id)) or 0
    ) + 1
    addendum = Addendum(
        challenge=challenge,
        number=number,
        summary=summary.strip(),
        changes_json=json.dumps(recorded, sort_keys=True),
        published_by_id=actor.id,
        published_at=clock.now(),
    )
    db.session.add(addendum)
    db.session.flush()
    audit.record(
        "challenge.addendum", actor_id=actor.id, object_type="challenge", object_id=challenge.id, number=number
    )
    signals.addendum_published.send(challenge, addendum=addendum)
    return addendum


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
