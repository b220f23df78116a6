"""The public showcase of solutions: the winning proposals of published results, with their team, organizations,
summary, challenge and city; searchable by words of the title, summary or challenge."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select

from goi.accounts.models import User
from goi.challenges.display import region_name
from goi.challenges.models import Challenge
from goi.core.pagination import Page, paginate
from goi.extensions import db
from goi.orgs.models import Organization
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry

PER_PAGE = 20
MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class Solution:
    """What everyone may see of a winning proposal: its public part in the results, its challenge and place."""

    title: str
    team: str
    organizations: list[str]
    summary: str
    citation: str
    challenge_slug: str
    challenge_title: str
    place: str
    province_code: str | None
    regency_code: str | None
    metro_code: str | None
    published_at: datetime


def _query(words: str) -> Select:
    query = (
        select(ResultEntry.id)
        .join(ChallengeResult, ChallengeResult.id == ResultEntry.result_id)
        .join(Proposal, Proposal.id == ResultEntry.proposal_id)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .where(ResultEntry.award == AwardLabel.WINNER, Proposal.status == ProposalStatus.SUBMITTED)
    )
    for word in words.split()[:10]:
        # lower() on both sides: the same case-insensitive match on SQLite and PostgreSQL.
        pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                *(
                    func.lower(column).like(pattern, escape="\\")
                    for column in (Proposal.title, Proposal.summary, Challenge.title)
                )
            )
        )
    return query


def solutions(words: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of winning proposals, the most recently published first, in a constant number of statements."""
    words = (words or "").strip()[:MAX_QUERY]
    ids = _query(words).order_by(ChallengeResult.published_at.desc(), ResultEntry.id.desc())
    found = paginate(ids, per_page=per_page, page=page)
    return Page(page=found.page, per_page=found.per_page, total=found.total, _items=_solutions(found.items))


def _solutions(entry_ids: list[int]) -> list[Solution]:
    if not entry_ids:
        return []
    rows = db.session.execute(
        select(ResultEntry, Proposal, Challenge, ChallengeResult.published_at, Organization.name, User.name)
        .join(ChallengeResult, ChallengeResult.id == ResultEntry.result_id)
        .join(Proposal, Proposal.id == ResultEntry.proposal_id)
        .join(Challenge, Challenge.id == ChallengeResult.challenge_id)
        .join(User, User.id == Proposal.lead_user_id)
        .outerjoin(Organization, Organization.id == Proposal.organization_id)
        .where(ResultEntry.id.in_(entry_ids))
    ).all()
    partners: dict[int, list[str]] = {}
    for proposal_id, name in db.session.execute(
        select(TeamMember.proposal_id, Organization.name)
        .join(Organization, Organization.id == TeamMember.organization_id)
        .where(
            TeamMember.proposal_id.in_(sorted(proposal.id for _entry, proposal, *_rest in rows)),
            TeamMember.status == TeamMemberStatus.ACCEPTED,
        )
        .order_by(TeamMember.proposal_id, Organization.name, TeamMember.id)
    ):
        partners.setdefault(proposal_id, []).append(name)
    by_id = {}
    for entry, proposal, challenge, published_at, organization_name, lead_name in rows:
        organizations = [name for name in [organization_name, *partners.get(proposal.id, [])] if name]
        by_id[entry.id] = Solution(
            title=proposal.title,
            # the team's name as the results show it (Proposal.team_name): its organization, else its lead
            team=organization_name or lead_name,
            organizations=list(dict.fromkeys(organizations)),
            summary=proposal.summary,
            citation=entry.citation,
            challenge_slug=challenge.slug,
            challenge_title=challenge.title,
            place=region_name(challenge.province_code, challenge.regency_code, challenge.metro_code),
            province_code=challenge.province_code,
            regency_code=challenge.regency_code,
            metro_code=challenge.metro_code,
            published_at=published_at,
        )
    return [by_id[entry_id] for entry_id in entry_ids if entry_id in by_id]
