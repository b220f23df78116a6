"""The review's settings, the owner's decision on the last round's proposals (published as the results), and the
reviewers' comments a proposer may read once the results are out."""

import enum
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeOutcome, ChallengeStatus, Criterion
from goi.core import audit
from goi.core.errors import DomainError
from goi.extensions import db
from goi.proposals.models import Proposal
from goi.reviews import panel, rounds, services
from goi.reviews.forms import AWARD_LABELS
from goi.reviews.models import (
    Assignment,
    AwardLabel,
    Blindness,
    ChallengeResult,
    CriterionScore,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)

MIN_REVIEWS = (1, 10)
DISAGREEMENT_SPREAD = (5, 100)
MAX_REASON = services.MAX_CITATION


# --- settings ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsValues:
    blindness: Blindness
    min_reviews: int
    disagreement_spread: int
    share_comments: bool


def any_review_submitted(challenge: Challenge) -> bool:
    """Whether a review of the challenge was submitted: from then on its blindness is fixed."""
    return (
        db.session.scalar(
            select(Review.id)
            .join(Assignment, Assignment.id == Review.assignment_id)
            .join(ReviewRound, ReviewRound.id == Assignment.round_id)
            .where(ReviewRound.challenge_id == challenge.id, Review.submitted_at.is_not(None))
            .limit(1)
        )
        is not None
    )


def save_settings(actor: User, challenge: Challenge, values: SettingsValues) -> ReviewSettings:
    """Store the challenge's review settings (the row is made on the first save); the blindness may not change once
    a review has been submitted, since its reviewer may have read what the new setting would hide or show."""
    low, high = MIN_REVIEWS
    if not low <= values.min_reviews <= high:
        raise DomainError(_("Between %(low)d and %(high)d reviews.", low=low, high=high), field="min_reviews")
    low, high = DISAGREEMENT_SPREAD
    if not low <= values.disagreement_spread <= high:
        raise DomainError(_("Between %(low)d and %(high)d points.", low=low, high=high), field="disagreement_spread")
    settings = db.session.get(ReviewSettings, challenge.id)
    current = settings.blindness if settings is not None else Blindness.OPEN
    if values.blindness != current and any_review_submitted(challenge):
        raise DomainError(
            _("Reviews have been submitted under the current blindness; it can no longer change."), field="blindness"
        )
    if settings is None:
        settings = ReviewSettings(challenge_id=challenge.id)
        db.session.add(settings)
    settings.blindness = values.blindness
    settings.min_reviews = values.min_reviews
    settings.disagreement_spread = values.disagreement_spread
    settings.share_comments = values.share_comments
    db.session.flush()
    audit.record(
        "review.settings_saved",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        blindness=values.blindness.value,
        min_reviews=values.min_reviews,
        disagreement_spread=values.disagreement_spread,
        share_comments=values.share_comments,
    )
    return settings


# --- the decision ----------------------------------------------------------------------------------------------------


class Decision(enum.StrEnum):
    WINNER = AwardLabel.WINNER.value
    RUNNER_UP = AwardLabel.RUNNER_UP.value
    HONOURABLE_MENTION = AwardLabel.HONOURABLE_MENTION.value
    NOT_SELECTED = "not_selected"


DECISION_LABELS = {
    Decision.WINNER: AWARD_LABELS[AwardLabel.WINNER],
    Decision.RUNNER_UP: AWARD_LABELS[AwardLabel.RUNNER_UP],
    Decision.HONOURABLE_MENTION: AWARD_LABELS[AwardLabel.HONOURABLE_MENTION],
    Decision.NOT_SELECTED: _l("Not selected"),
}


@dataclass(frozen=True, slots=True)
class DecisionChoice:
    """The owner's decision on one proposal of the last round, and why."""

    proposal_id: int
    decision: Decision
    reason: str


def decidable_round(challenge: Challenge) -> ReviewRound | None:
    """The round the owner decides on: the last one, while the challenge waits for its results."""
    if challenge.status not in (ChallengeStatus.UNDER_REVIEW, ChallengeStatus.DECIDED):
        return None
    if services.is_published(challenge):
        return None
    all_rounds = rounds.rounds_of(challenge)
    return all_rounds[-1] if all_rounds else None


def _check_choices(review_round: ReviewRound, choices: list[DecisionChoice]) -> list[DecisionChoice]:
    expected = set(
        db.session.scalars(select(RoundProposal.proposal_id).where(RoundProposal.round_id == review_round.id))
    )
    cleaned = []
    for choice in choices:
        reason = (choice.reason or "").strip()
        if not reason:
            raise DomainError(_("Give the reason for every decision."), field="decisions")
        if len(reason) > MAX_REASON:
            raise DomainError(_("A reason is at most %(limit)d characters.", limit=MAX_REASON), field="decisions")
        cleaned.append(DecisionChoice(choice.proposal_id, Decision(choice.decision), reason))
    if sorted(choice.proposal_id for choice in cleaned) != sorted(expected):
        raise DomainError(_("Decide on every proposal of the last round, once."), field="decisions")
    return cleaned


def decide(actor: User, challenge: Challenge, summary: str, choices: list[DecisionChoice]) -> ChallengeResult:
    """Decide on each proposal of the last (locked) round with a reason, and publish the results from it.

    A winner makes the challenge awarded, no winner not awarded (then every proposal is not selected). The winners,
    runners-up and honourable mentions are named in the published results with their reason as the public citation;
    every reason, those of the proposals not selected too, stays in the audit log for the owner to account for.
    """
    review_round = decidable_round(challenge)
    if review_round is None:
        raise DomainError(_("There is nothing to decide: no round waits for a decision."))
    if review_round.locked_at is None:
        raise DomainError(_("Lock round %(number)d before deciding.", number=review_round.number))
    choices = _check_choices(review_round, choices)
    named = [choice for choice in choices if choice.decision != Decision.NOT_SELECTED]
    awarded = any(choice.decision == Decision.WINNER for choice in choices)
    if named and not awarded:
        raise DomainError(_("Name at least one winner, or decide that no proposal is selected."), field="decisions")
    outcome = ChallengeOutcome.AWARDED if awarded else ChallengeOutcome.NOT_AWARDED
    if challenge.status == ChallengeStatus.UNDER_REVIEW:
        lifecycle.decide(actor, challenge, outcome)
    elif challenge.outcome != outcome:
        raise DomainError(_("These decisions do not match the outcome already recorded for the challenge."))
    audit.record(
        "review.decided",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        number=review_round.number,
        decisions=[[choice.proposal_id, choice.decision.value, choice.reason] for choice in choices],
    )
    entries = [
        services.EntryChoice(choice.proposal_id, AwardLabel(choice.decision.value), choice.reason) for choice in named
    ]
    return services.publish_results(actor, challenge, summary, entries)


# --- what a proposer reads -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SharedComment:
    criterion: str
    comment: str


def shared_comments(proposal: Proposal) -> list[SharedComment]:
    """The reviewers' comments on the proposal's criteria, without names or scores, once the results are published
    and if the owner chose to share them; else nothing. Panel notes and discussion are never shared."""
    challenge = proposal.challenge
    if not panel.settings_of(challenge).share_comments or not services.is_published(challenge):
        return []
    query = (
        select(Criterion.name, CriterionScore.comment)
        .join(CriterionScore, CriterionScore.criterion_id == Criterion.id)
        .join(Review, Review.id == CriterionScore.review_id)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .where(
            Assignment.proposal_id == proposal.id,
            Review.status == ReviewStatus.SUBMITTED,
            CriterionScore.comment != "",
        )
        .order_by(Criterion.position, Criterion.id, CriterionScore.id)
    )
    return [SharedComment(name, comment.strip()) for name, comment in db.session.execute(query) if comment.strip()]
