"""Who is on a challenge's review panel and what a round allows: the questions every review page asks first.

Each answer is read once per request (kept on `g`), so that a page asking it for several proposals reads it once.
"""

from flask import g
from sqlalchemy import select

from goi.challenges.models import Challenge, ChallengeStatus
from goi.challenges.permissions import can_manage_challenge
from goi.core import clock
from goi.extensions import db
from goi.reviews.models import Blindness, PanelMember, PanelRole, PanelStatus, ReviewRound, ReviewSettings

MAX_ROUNDS = 3
# A challenge's proposals are reviewed once its deadline has passed, or at once when they are not sealed.
REVIEWABLE_STATES = frozenset({ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW})


def _cached(key: str, compute):
    cache = g.setdefault("review_panel", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def membership(user, challenge: Challenge) -> PanelMember | None:
    """The user's accepted place on the challenge's panel, or None."""
    if not getattr(user, "is_authenticated", False):
        return None

    def read():
        return db.session.scalar(
            select(PanelMember).where(
                PanelMember.challenge_id == challenge.id,
                PanelMember.user_id == user.id,
                PanelMember.status == PanelStatus.ACCEPTED,
            )
        )

    return _cached(f"member:{challenge.id}:{user.id}", read)


def is_panel_member(user, challenge: Challenge) -> bool:
    return membership(user, challenge) is not None


def is_chair(user, challenge: Challenge) -> bool:
    member = membership(user, challenge)
    return member is not None and member.role == PanelRole.CHAIR


def can_manage_review(user, challenge: Challenge) -> bool:
    """The challenge's owners and the panel's chairs run the review (chairs see everything but their conflicts)."""
    return can_manage_challenge(user, challenge) or is_chair(user, challenge)


def settings_of(challenge: Challenge) -> ReviewSettings:
    """The challenge's review settings; the defaults (open, 2 reviews, spread 25) until the owner changes them."""

    def read():
        found = db.session.get(ReviewSettings, challenge.id)
        return found or ReviewSettings(
            challenge_id=challenge.id, blindness=Blindness.OPEN, min_reviews=2, disagreement_spread=25
        )

    return _cached(f"settings:{challenge.id}", read)


def is_blind(challenge: Challenge) -> bool:
    return settings_of(challenge).blindness == Blindness.SINGLE_BLIND


def rounds_of(challenge: Challenge) -> list[ReviewRound]:
    """The challenge's rounds, first to last."""

    def read():
        query = select(ReviewRound).where(ReviewRound.challenge_id == challenge.id).order_by(ReviewRound.number)
        return list(db.session.scalars(query))

    return _cached(f"rounds:{challenge.id}", read)


def current_round(challenge: Challenge) -> ReviewRound | None:
    """The last round: the one being reviewed, or the last one locked."""
    rounds = rounds_of(challenge)
    return rounds[-1] if rounds else None


def review_may_start(challenge: Challenge) -> bool:
    """Reviewing happens after the deadline, or at once when the proposals are not sealed."""
    if challenge.status not in REVIEWABLE_STATES:
        return False
    return challenge.deadline_passed or not challenge.is_sealed


def round_is_open(review_round: ReviewRound) -> bool:
    """Reviews are written and revised until the owner locks the round (the round's deadline is for reminders)."""
    return review_round.locked_at is None


def round_is_late(review_round: ReviewRound) -> bool:
    return review_round.locked_at is None and clock.now() > review_round.deadline
