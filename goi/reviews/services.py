"""Publishing a challenge's results: the rules of the last step of the review."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Subquery, select
from sqlalchemy.orm import object_session, selectinload

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeOutcome, ChallengeStatus
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus
from goi.proposals.permissions import is_published_in_results
from goi.reviews import signals
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry

MAX_SUMMARY = 20000
MAX_CITATION = 2000
# The order of the published list: awards first, then the form's order within an award.
AWARD_ORDER = (AwardLabel.WINNER, AwardLabel.RUNNER_UP, AwardLabel.HONOURABLE_MENTION, AwardLabel.SHORTLISTED)


@dataclass(frozen=True, slots=True)
class EntryChoice:
    """One proposal the owner names in the results."""

    proposal_id: int
    award: AwardLabel
    citation: str = ""


@dataclass(frozen=True, slots=True)
class PublicEntry:
    """What everyone may see of a proposal named in published results, and nothing more."""

    position: int
    award: AwardLabel
    citation: str
    title: str
    team: str
    summary: str


def result_of(challenge: Challenge) -> ChallengeResult | None:
    """The published results of challenge, entries and their proposals loaded, or None."""
    return db.session.scalar(
        select(ChallengeResult)
        .options(
            selectinload(ChallengeResult.entries)
            .selectinload(ResultEntry.proposal)
            .selectinload(Proposal.organization),
            selectinload(ChallengeResult.entries).selectinload(ResultEntry.proposal).selectinload(Proposal.lead_user),
        )
        .where(ChallengeResult.challenge_id == challenge.id)
    )


def public_entries(result: ChallengeResult) -> list[PublicEntry]:
    """The entries of published results as the public sees them: the public part of each named proposal."""
    return [
        PublicEntry(
            position=entry.position,
            award=entry.award,
            citation=entry.citation,
            title=entry.proposal.title,
            team=entry.proposal.team_name,
            summary=entry.proposal.summary,
        )
        for entry in result.entries
        if is_published_in_results(entry.proposal)
    ]


def is_published(challenge: Challenge) -> bool:
    return db.session.scalar(select(ChallengeResult.id).where(ChallengeResult.challenge_id == challenge.id)) is not None


def published_results(challenge_ids) -> Subquery:
    """The challenges of challenge_ids (an expanding bind parameter or a select of ids) whose results are published:
    the owners' dashboard joins it (app.extensions["published_results"]) to offer "publish the results" only where
    they are not."""
    return select(ChallengeResult.challenge_id).where(ChallengeResult.challenge_id.in_(challenge_ids)).subquery()


def is_in_published_results(proposal: Proposal) -> bool:
    """Whether published results name this proposal (the lookup behind proposals.permissions)."""
    # The proposal's own session: the search writer builds documents in a session of its own.
    session = object_session(proposal) or db.session
    return session.scalar(select(ResultEntry.id).where(ResultEntry.proposal_id == proposal.id).limit(1)) is not None


def eligible_proposals(challenge: Challenge) -> list[Proposal]:
    """The proposals results may name: the challenge's submitted ones, in order of submission."""
    return list(
        db.session.scalars(
            select(Proposal)
            .options(selectinload(Proposal.organization), selectinload(Proposal.lead_user))
            .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
            .order_by(Proposal.submitted_at, Proposal.id)
        )
    )


def awaiting_results(challenge: Challenge) -> bool:
    """The state allows publishing: decided, and nothing published yet."""
    return challenge.status == ChallengeStatus.DECIDED and not is_published(challenge)


def _check_state(challenge: Challenge) -> None:
    if challenge.status != ChallengeStatus.DECIDED:
        raise DomainError(_("Results are published once the challenge is decided."))
    if is_published(challenge):
        raise DomainError(_("The results of this challenge are already published; they cannot be changed."))


def _check_entries(challenge: Challenge, entries: list[EntryChoice]) -> None:
    eligible = {proposal.id for proposal in eligible_proposals(challenge)}
    seen: set[int] = set()
    for entry in entries:
        if entry.proposal_id not in eligible:
            raise DomainError(_("Results name only submitted proposals of this challenge."), field="entries")
        if entry.proposal_id in seen:
            raise DomainError(_("A proposal is named twice."), field="entries")
        seen.add(entry.proposal_id)
        if len(entry.citation) > MAX_CITATION:
            raise DomainError(_("A citation is at most %(limit)d characters.", limit=MAX_CITATION), field="entries")
    if challenge.outcome == ChallengeOutcome.AWARDED:
        if not entries:
            raise DomainError(_("The challenge was awarded: name at least one proposal."), field="entries")
        if not any(entry.award == AwardLabel.WINNER for entry in entries):
            raise DomainError(_("The challenge was awarded: name at least one winner."), field="entries")
    elif entries:
        raise DomainError(_("The challenge was not awarded: the results name no proposal."), field="entries")


def publish_results(actor: User, challenge: Challenge, summary: str, entries: list[EntryChoice]) -> ChallengeResult:
    """Publish the results of a decided challenge: a Markdown summary and the proposals named, with awards.

    Only submitted proposals of this challenge may be named; an awarded challenge names at least one winner, a
    challenge not awarded names none. Once published, the entries' title, team, summary, award and citation are
    public (the proposals themselves are not). Results are published once and never changed: a correction
    would be a later feature (a numbered, announced erratum, like an addendum), not an edit.
    """
    _check_state(challenge)
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(_("Write the summary of the results."), field="summary")
    if len(summary) > MAX_SUMMARY:
        raise DomainError(_("The summary is at most %(limit)d characters.", limit=MAX_SUMMARY), field="summary")
    try:
        cleaned = [EntryChoice(e.proposal_id, AwardLabel(e.award), (e.citation or "").strip()) for e in entries]
    except ValueError:
        raise DomainError(_("Choose an award for every proposal named."), field="entries") from None
    _check_entries(challenge, cleaned)
    ordered = sorted(cleaned, key=lambda entry: AWARD_ORDER.index(entry.award))
    result = ChallengeResult(
        challenge_id=challenge.id,
        summary_source=summary,
        summary_html=render_markdown(summary),
        published_at=clock.now(),
        published_by_id=actor.id,
        entries=[
            ResultEntry(proposal_id=entry.proposal_id, award=entry.award, position=position, citation=entry.citation)
            for position, entry in enumerate(ordered, start=1)
        ],
    )
    db.session.add(result)
    db.session.flush()
    audit.record(
        "challenge.results_published",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        entries=[[entry.proposal_id, entry.award.value] for entry in ordered],
    )
    signals.results_published.send(challenge, result=result, actor=actor)
    return result
