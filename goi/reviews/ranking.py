"""A round's ranking: each proposal's figures over its submitted reviews, the calibrated score beside the raw mean,
the panel's agreement and each reviewer's leniency; the shortlist of the round.

Everything is read in a constant number of statements for the whole round (its proposals, its submitted reviews with
their reviewers, the published decisions), then computed here.
"""

import statistics
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.core.errors import DomainError
from goi.extensions import db
from goi.proposals.models import Proposal
from goi.reviews import calibration, panel, rounds
from goi.reviews.models import (
    Assignment,
    AwardLabel,
    ChallengeResult,
    PanelMember,
    ResultEntry,
    Review,
    ReviewRound,
    ReviewStatus,
    RoundProposal,
)

SORTS = ("mean", "calibrated")
# Below this Krippendorff's alpha, a panel's scores are not reliable enough to decide by alone (Krippendorff's own
# threshold for tentative conclusions).
RELIABLE_ALPHA = 0.667
NOT_SELECTED = "not_selected"


@dataclass(frozen=True, slots=True)
class ProposalFigures:
    """One row of the ranking: a proposal of the round and the figures of its submitted reviews."""

    proposal_id: int
    title: str
    team: str
    count: int
    mean: float | None
    median: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None
    calibrated: float | None
    calibrated_stderr: float | None
    disagreement: bool
    ranked: bool
    shortlisted: bool
    decision: str | None  # an AwardLabel value, NOT_SELECTED once results are published without it, or None
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class Leniency:
    """How much more (positive) or less a reviewer scores than the panel, with its uncertainty."""

    member_id: int
    name: str
    reviews: int
    offset: float
    stderr: float


@dataclass(frozen=True, slots=True)
class SubmittedReview:
    """A submitted review of the round, with what the ranking and the export need of it."""

    review: Review
    proposal_id: int
    member_id: int
    reviewer_name: str


@dataclass(frozen=True)
class RoundRanking:
    round: ReviewRound
    rows: list[ProposalFigures]  # the ranked ones in order, then those without enough reviews
    agreement: float | None
    leniencies: list[Leniency]
    min_reviews: int
    disagreement_spread: int

    @property
    def reliable(self) -> bool | None:
        return None if self.agreement is None else self.agreement >= RELIABLE_ALPHA


def round_proposals(review_round: ReviewRound) -> list[RoundProposal]:
    """The round's proposals with their proposal, organization and lead, in order of id."""
    return list(
        db.session.scalars(
            select(RoundProposal)
            .options(
                joinedload(RoundProposal.proposal).joinedload(Proposal.organization),
                joinedload(RoundProposal.proposal).joinedload(Proposal.lead_user),
            )
            .where(RoundProposal.round_id == review_round.id)
            .order_by(RoundProposal.proposal_id)
        )
    )


def submitted_reviews(review_round: ReviewRound) -> list[SubmittedReview]:
    """The round's submitted reviews with a weighted score, with their reviewers, in one statement."""
    query = (
        select(Review, Assignment.proposal_id, Assignment.member_id, User.name, PanelMember.email)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(PanelMember, PanelMember.id == Assignment.member_id)
        .outerjoin(User, User.id == PanelMember.user_id)
        .where(
            Assignment.round_id == review_round.id,
            Review.status == ReviewStatus.SUBMITTED,
            Review.weighted_score.is_not(None),
        )
        .order_by(Assignment.proposal_id, Assignment.member_id, Review.id)
    )
    return [
        SubmittedReview(review, proposal_id, member_id, name or email)
        for review, proposal_id, member_id, name, email in db.session.execute(query)
    ]


def decisions_of(challenge: Challenge) -> dict[int, str] | None:
    """The published award of each named proposal by id (others are not selected), or None before publication."""
    rows = db.session.execute(
        select(ChallengeResult.id, ResultEntry.proposal_id, ResultEntry.award)
        .outerjoin(ResultEntry, ResultEntry.result_id == ChallengeResult.id)
        .where(ChallengeResult.challenge_id == challenge.id)
        .order_by(ResultEntry.position)
    ).all()
    if not rows:
        return None
    return {proposal_id: AwardLabel(award).value for _id, proposal_id, award in rows if proposal_id is not None}


def _figures(values: list[float]) -> tuple:
    if not values:
        return None, None, None, None, None
    sd = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), statistics.median(values), sd, min(values), max(values)


def ranking_of(
    challenge: Challenge, review_round: ReviewRound, sort: str = "mean", hidden_proposal_ids=frozenset()
) -> RoundRanking:
    """The round's ranking sorted by the raw mean or the calibrated score (highest first); the proposals with fewer
    than the settings' minimum of reviews are listed after the ranked ones, unranked. The calibration, agreement and
    leniencies are the panel's, over every submitted review of the round; hidden proposals (a chair's conflicts) have
    no row."""
    settings = panel.settings_of(challenge)
    reviews = submitted_reviews(review_round)
    triples = [(item.member_id, item.proposal_id, float(item.review.weighted_score)) for item in reviews]
    fitted = calibration.calibrate(triples)
    decisions = decisions_of(challenge)

    values: dict[int, list[float]] = {}
    for _member, proposal_id, value in triples:
        values.setdefault(proposal_id, []).append(value)
    rows = []
    for entry in round_proposals(review_round):
        if entry.proposal_id in hidden_proposal_ids:
            continue
        scores = values.get(entry.proposal_id, [])
        mean, median, sd, low, high = _figures(scores)
        decision = None
        if decisions is not None:
            decision = decisions.get(entry.proposal_id, NOT_SELECTED)
        rows.append(
            ProposalFigures(
                proposal_id=entry.proposal_id,
                title=entry.proposal.title,
                team=entry.proposal.team_name,
                count=len(scores),
                mean=mean,
                median=median,
                sd=sd,
                minimum=low,
                maximum=high,
                calibrated=fitted.scores.get(entry.proposal_id),
                calibrated_stderr=fitted.stderr.get(entry.proposal_id),
                disagreement=bool(scores) and high - low > settings.disagreement_spread,
                ranked=len(scores) >= settings.min_reviews,
                shortlisted=entry.shortlisted,
                decision=decision,
            )
        )
    key = "calibrated" if sort == "calibrated" else "mean"

    def order(row: ProposalFigures):
        value = getattr(row, key)
        return (not row.ranked, value is None, -(value or 0.0), row.proposal_id)

    rows.sort(key=order)
    ranked = [row for row in rows if row.ranked]
    rows = [_with_rank(row, position) for position, row in enumerate(ranked, start=1)] + rows[len(ranked) :]

    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for item in reviews:
        counts[item.member_id] = counts.get(item.member_id, 0) + 1
        names[item.member_id] = item.reviewer_name
    leniencies = sorted(
        (
            Leniency(member_id, names[member_id], counts[member_id], offset, fitted.offset_stderr[member_id])
            for member_id, offset in fitted.offsets.items()
        ),
        key=lambda item: (item.name.casefold(), item.member_id),
    )
    return RoundRanking(
        round=review_round,
        rows=rows,
        agreement=calibration.agreement(triples),
        leniencies=leniencies,
        min_reviews=settings.min_reviews,
        disagreement_spread=settings.disagreement_spread,
    )


def _with_rank(row: ProposalFigures, rank: int) -> ProposalFigures:
    values = {name: getattr(row, name) for name in ProposalFigures.__slots__}
    values["rank"] = rank
    return ProposalFigures(**values)


def set_shortlist(actor: User, review_round: ReviewRound, proposal_ids, hidden_proposal_ids=frozenset()) -> None:
    """The round's shortlist, chosen from its ranking while the round is open (locking it fixes the shortlist).

    The proposals hidden from the actor (a chair's conflicts) keep their place: the actor could neither see nor
    change it."""
    if review_round.locked_at is not None:
        raise DomainError(_("This round is locked; its shortlist cannot change."))
    wanted = set(proposal_ids) - set(hidden_proposal_ids)
    kept = {
        proposal_id
        for proposal_id in db.session.scalars(
            select(RoundProposal.proposal_id).where(
                RoundProposal.round_id == review_round.id, RoundProposal.shortlisted.is_(True)
            )
        )
        if proposal_id in hidden_proposal_ids
    }
    rounds.set_shortlisted(actor, review_round, wanted | kept)
