"""The challenge state machine: the allowed moves, each move logged and announced, and the actions that make them."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges import signals
from goi.challenges.models import Challenge, ChallengeEvent, ChallengeStatus
from goi.challenges.services import validate_criteria
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.extensions import db

# The only moves a challenge can make; CLOSED is also reached by the clock (close_expired_challenges).
TRANSITIONS: dict[ChallengeStatus, frozenset[ChallengeStatus]] = {
    ChallengeStatus.DRAFT: frozenset({ChallengeStatus.PUBLISHED, ChallengeStatus.CANCELLED}),
    ChallengeStatus.PUBLISHED: frozenset({ChallengeStatus.CLOSED, ChallengeStatus.CANCELLED}),
    ChallengeStatus.CLOSED: frozenset({ChallengeStatus.UNDER_REVIEW, ChallengeStatus.CANCELLED}),
    ChallengeStatus.UNDER_REVIEW: frozenset({ChallengeStatus.DECIDED, ChallengeStatus.CANCELLED}),
    ChallengeStatus.DECIDED: frozenset({ChallengeStatus.ARCHIVED}),
    ChallengeStatus.ARCHIVED: frozenset(),
    ChallengeStatus.CANCELLED: frozenset({ChallengeStatus.ARCHIVED}),
}
PUBLIC_STATES = frozenset(set(ChallengeStatus) - {ChallengeStatus.DRAFT})


def transition(challenge: Challenge, target: ChallengeStatus, actor: User | None, note: str = "") -> None:
    """Move a challenge to target if the state machine allows it; logged and announced."""
    current = challenge.status
    if target not in TRANSITIONS[current]:
        raise DomainError(
            _("A challenge cannot go from %(old)s to %(new)s.", old=status_label(current), new=status_label(target))
        )
    challenge.status = target
    db.session.add(
        ChallengeEvent(
            challenge_id=challenge.id,
            from_status=current.value,
            to_status=target.value,
            actor_id=actor.id if actor else None,
            note=note,
            created_at=clock.now(),
        )
    )
    audit.record(
        f"challenge.{target.value}",
        actor_id=actor.id if actor else None,
        object_type="challenge",
        object_id=challenge.id,
        old=current.value,
        note=note,
    )
    signals.challenge_status_changed.send(challenge, old_status=current, new_status=target, actor=actor)


def publish(actor: User, challenge: Challenge) -> None:
    if challenge.closes_at <= clock.now():
        raise DomainError(_("The deadline has already passed; move it later before publishing."), field="closes_at")
    validate_criteria([{"name": c.name, "weight": c.weight, "description": c.description} for c in challenge.criteria])
    transition(challenge, ChallengeStatus.PUBLISHED, actor)
    challenge.published_at = clock.now()


def close_expired_challenges() -> int:
    """Close every published challenge whose deadline has passed; returns how many."""
    now = clock.now()
    expired = list(
        db.session.scalars(
            select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED, Challenge.closes_at <= now)
        )
    )
    for challenge in expired:
        transition(challenge, ChallengeStatus.CLOSED, None, note="deadline")
        challenge.closed_at = now
    return len(expired)


def start_review(actor: User, challenge: Challenge) -> None:
    transition(challenge, ChallengeStatus.UNDER_REVIEW, actor)


def decide(actor: User, challenge: Challenge, outcome, note: str = "") -> None:
    challenge.outcome = outcome
    transition(challenge, ChallengeStatus.DECIDED, actor, note=note)


def archive(actor: User, challenge: Challenge) -> None:
    transition(challenge, ChallengeStatus.ARCHIVED, actor)


def cancel(actor: User, challenge: Challenge, reason: str) -> None:
    """Cancel with a public reason."""
    if not reason.strip():
        raise DomainError(_("Give the public reason for the cancellation."), field="reason")
    challenge.cancel_reason = reason.strip()
    transition(challenge, ChallengeStatus.CANCELLED, actor, note=reason.strip())


STATUS_LABELS = {
    ChallengeStatus.DRAFT: _l("Draft"),
    ChallengeStatus.PUBLISHED: _l("Open"),
    ChallengeStatus.CLOSED: _l("Closed"),
    ChallengeStatus.UNDER_REVIEW: _l("Under review"),
    ChallengeStatus.DECIDED: _l("Decided"),
    ChallengeStatus.ARCHIVED: _l("Archived"),
    ChallengeStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: ChallengeStatus) -> str:
    """The state's name in the current language (one catalogue lookup: a list shows it on every row)."""
    return str(STATUS_LABELS[status])
