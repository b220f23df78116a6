"""The rows each corpus reads from the database, analysed once: challenges, solver organizations, people."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goi.accounts.models import User, split_list
from goi.challenges.models import Challenge, ChallengeStatus, SolverKind
from goi.matching.corpus import Corpus, Entry
from goi.matching.text import text_profile
from goi.orgs.models import Organization, OrgKind, PastProject
from goi.search.documents import plain_text

# Challenges that say something about a city's problem: every one published once (a cancelled one is left out).
LISTED_STATUSES = (
    ChallengeStatus.PUBLISHED,
    ChallengeStatus.CLOSED,
    ChallengeStatus.UNDER_REVIEW,
    ChallengeStatus.DECIDED,
    ChallengeStatus.ARCHIVED,
)
CHUNK = 500  # ids per IN (...) list
# The keywords a profile names itself by say more than its prose: they count this many times.
EXPERTISE_WEIGHT = 2


def organization_texts(organization: Organization) -> list[str]:
    """What an organization says it does: its description and, weighted, its expertise."""
    return [plain_text(organization.description_html), *organization.expertise_list * EXPERTISE_WEIGHT]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _rows(session: Session, statement, model, ids: list[int] | None, since: datetime | None):
    if since is not None:
        yield from session.execute(statement.where(model.updated_at >= since))
    elif ids is not None:
        for chunk in _chunks(ids):
            yield from session.execute(statement.where(model.id.in_(chunk)))
    else:
        yield from session.execute(statement)


def challenge_text(title: str, summary: str, *html_parts: str) -> list[str]:
    """What a challenge says about its problem; the title counts twice."""
    return [title, title, summary, *(plain_text(part) for part in html_parts)]


def _load_challenges(session: Session, ids: list[int] | None, since: datetime | None) -> list[Entry]:
    statement = select(
        Challenge.id,
        Challenge.ref,
        Challenge.slug,
        Challenge.title,
        Challenge.summary,
        Challenge.problem_html,
        Challenge.outcomes_html,
        Challenge.sector,
        Challenge.province_code,
        Challenge.regency_code,
        Challenge.metro_code,
        Challenge.status,
        Challenge.opens_at,
        Challenge.closes_at,
        Challenge.owner_org_id,
        Challenge.trl,
        Challenge.published_at,
        *(getattr(Challenge, f"allow_{kind.value}") for kind in SolverKind),
    ).where(Challenge.status.in_(LISTED_STATUSES))
    entries = []
    for row in _rows(session, statement, Challenge, ids, since):
        allowed = frozenset(kind.value for kind in SolverKind if getattr(row, f"allow_{kind.value}"))
        entries.append(
            Entry(
                id=row.id,
                profile=text_profile(*challenge_text(row.title, row.summary, row.problem_html, row.outcomes_html)),
                facts={
                    "ref": row.ref,
                    "slug": row.slug,
                    "title": row.title,
                    "sector": row.sector,
                    "province": row.province_code,
                    "regency": row.regency_code,
                    "metro": row.metro_code,
                    "status": row.status.value,
                    "opens_at": row.opens_at,
                    "closes_at": row.closes_at,
                    "owner": row.owner_org_id,
                    "trl": row.trl,
                    "published_at": row.published_at,
                    "allowed": allowed,
                },
            )
        )
    return entries


def _projects(session: Session, column, owner_ids: list[int]) -> dict[int, list[PastProject]]:
    """The past projects that count for matching, per owner."""
    found: dict[int, list[PastProject]] = defaultdict(list)
    for chunk in _chunks(owner_ids):
        for project in session.scalars(
            select(PastProject)
            .where(column.in_(chunk), PastProject.counts_for_matching.is_(True))
            .order_by(PastProject.id)
        ):
            found[getattr(project, column.key)].append(project)
    return found


def _project_facts(projects: list[PastProject]) -> list[dict]:
    return [
        {"title": project.title, "year": project.year, "profile": text_profile(project.title, project.description)}
        for project in projects
    ]


def _load_organizations(session: Session, ids: list[int] | None, since: datetime | None) -> list[Entry]:
    statement = select(Organization).where(Organization.kind != OrgKind.GOVERNMENT)
    organizations = [row[0] for row in _rows(session, statement, Organization, ids, since)]
    projects = _projects(session, PastProject.organization_id, [organization.id for organization in organizations])
    entries = []
    for organization in organizations:
        own = projects.get(organization.id, [])
        texts = organization_texts(organization)
        texts += [f"{project.title} {project.description}" for project in own]
        entries.append(
            Entry(
                id=organization.id,
                profile=text_profile(*texts),
                seeking=text_profile(*organization.seeking_list),
                facts={
                    "ref": organization.ref,
                    "slug": organization.slug,
                    "name": organization.name,
                    "kind": organization.kind.value,
                    "province": organization.province_code,
                    "regency": organization.regency_code,
                    "sectors": frozenset(organization.sector_list),
                    "regions": frozenset(organization.regions_served_list),
                    "trl": organization.trl,
                    "expertise": organization.expertise_list,
                    "projects": _project_facts(own),
                    "verified": organization.verified_at is not None,
                },
            )
        )
    return entries


def _load_people(session: Session, ids: list[int] | None, since: datetime | None) -> list[Entry]:
    statement = select(User).where(User.is_public_profile.is_(True), User.is_disabled.is_(False))
    people = [row[0] for row in _rows(session, statement, User, ids, since)]
    projects = _projects(session, PastProject.user_id, [person.id for person in people])
    entries = []
    for person in people:
        own = projects.get(person.id, [])
        texts = [person.headline, plain_text(person.bio_html), *person.expertise_list]
        texts += [f"{project.title} {project.description}" for project in own]
        entries.append(
            Entry(
                id=person.id,
                profile=text_profile(*texts),
                seeking=text_profile(*split_list(person.seeking)),
                facts={
                    "name": person.name,
                    "kind": SolverKind.CITIZEN.value,
                    "province": person.province_code,
                    "regency": person.regency_code,
                    "sectors": frozenset(person.sector_list),
                    "regions": frozenset(person.regions_served_list),
                    "trl": person.trl,
                    "expertise": person.expertise_list,
                    "projects": _project_facts(own),
                },
            )
        )
    return entries


def make_corpora() -> dict[str, Corpus]:
    return {
        "challenges": Corpus("challenges", Challenge, lambda: Challenge.status.in_(LISTED_STATUSES), _load_challenges),
        "organizations": Corpus(
            "organizations", Organization, lambda: Organization.kind != OrgKind.GOVERNMENT, _load_organizations
        ),
        "people": Corpus(
            "people",
            User,
            lambda: User.is_public_profile.is_(True) & User.is_disabled.is_(False),
            _load_people,
        ),
    }
