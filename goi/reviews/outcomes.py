"""What became of a submitted proposal, as its team sees it: an award, not selected, no award, or still open."""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from goi.challenges.models import ChallengeOutcome, ChallengeStatus
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry


class OutcomeKind(enum.StrEnum):
    IN_REVIEW = "in_review"  # the deadline passed; nothing decided yet
    AWARDED = "awarded"  # named in the published results
    NOT_SELECTED = "not_selected"  # results published without it
    NO_AWARD = "no_award"  # the owner decided to award nothing
    DECIDED = "decided"  # decided, results not yet published
    CANCELLED = "cancelled"  # the challenge was cancelled


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: OutcomeKind
    award: AwardLabel | None = None
    citation: str = ""
    decided_at: datetime | None = None


def outcomes_of(proposals: list[Proposal]) -> dict[int, Outcome]:
    """The outcome of each submitted proposal whose challenge is past its call, by proposal id; in two statements
    whatever the number of proposals (their challenges loaded with them)."""
    submitted = [proposal for proposal in proposals if proposal.status == ProposalStatus.SUBMITTED]
    if not submitted:
        return {}
    entries = {
        proposal_id: (award, citation, published_at)
        for proposal_id, award, citation, published_at in db.session.execute(
            select(ResultEntry.proposal_id, ResultEntry.award, ResultEntry.citation, ChallengeResult.published_at)
            .join(ChallengeResult, ChallengeResult.id == ResultEntry.result_id)
            .where(ResultEntry.proposal_id.in_(sorted(proposal.id for proposal in submitted)))
        )
    }
    published = dict(
        db.session.execute(
            select(ChallengeResult.challenge_id, ChallengeResult.published_at).where(
                ChallengeResult.challenge_id.in_(sorted({proposal.challenge_id for proposal in submitted}))
            )
        ).all()
    )
    outcomes = {}
    for proposal in submitted:
        outcome = _outcome(proposal, entries.get(proposal.id), published.get(proposal.challenge_id))
        if outcome is not None:
            outcomes[proposal.id] = outcome
    return outcomes


def _outcome(proposal: Proposal, entry, results_published_at: datetime | None) -> Outcome | None:
    challenge = proposal.challenge
    if entry is not None:
        award, citation, published_at = entry
        return Outcome(OutcomeKind.AWARDED, award=award, citation=citation, decided_at=published_at)
    if results_published_at is not None:
        return Outcome(OutcomeKind.NOT_SELECTED, decided_at=results_published_at)
    if challenge.status == ChallengeStatus.CANCELLED:
        return Outcome(OutcomeKind.CANCELLED)
    if challenge.status in (ChallengeStatus.DECIDED, ChallengeStatus.ARCHIVED) and challenge.outcome is not None:
        no_award = challenge.outcome == ChallengeOutcome.NOT_AWARDED
        return Outcome(OutcomeKind.NO_AWARD if no_award else OutcomeKind.DECIDED)
    if challenge.status in (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW):
        return Outcome(OutcomeKind.IN_REVIEW)
    return None
