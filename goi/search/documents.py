"""What the index holds of each record, built from the database, and who may see it.

Types: challenge, organization, profile, question, addendum, proposal, result. A builder returns None when the
record must not be in the index at all (a private profile, an unanswered question, a deleted row).

A proposal named in published results stays a team-only "proposal" document; only the challenge's "result"
document, which is public, carries the public part of it (title, team name, citation).

Visibility is written into each document as principals: "public", "user:<id>" (a proposal's team), and
"manages:<org id>" (admins of a verified owner organization). A submitted proposal names its challenge's owners as
delayed principals, visible from the deadline when the challenge is sealed and from submission otherwise.
"""

import html
import re
from collections.abc import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from goi.accounts.models import User
from goi.challenges.models import Addendum, Challenge, ChallengeStatus, Question
from goi.core.links import path_for
from goi.data import regions, taxonomy
from goi.orgs.models import Membership, Organization, PastProject
from goi.proposals.models import Proposal, ProposalStatus, TeamMemberStatus
from goi.proposals.permissions import is_published_in_results
from goi.reviews.models import ChallengeResult, ResultEntry
from goi.search.types import SearchDocument

PUBLIC = ("public",)
# Relevance is multiplied by this: open work first, finished work behind it.
CHALLENGE_BOOSTS = {
    ChallengeStatus.PUBLISHED: 1.0,
    ChallengeStatus.DRAFT: 1.0,
    ChallengeStatus.CLOSED: 0.85,
    ChallengeStatus.UNDER_REVIEW: 0.85,
    ChallengeStatus.DECIDED: 0.7,
    ChallengeStatus.ARCHIVED: 0.6,
    ChallengeStatus.CANCELLED: 0.6,
}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(stored_html: str | None) -> str:
    """The text of sanitized HTML, tags removed and entities decoded."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", stored_html or ""))).strip()


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def region_name(province_code: str | None, regency_code: str | None) -> str:
    if regency_code and (regency := regions.regency(regency_code)):
        return regency.name
    if province_code and (province := regions.province(province_code)):
        return province.name
    return ""


def sector_labels(codes: list[str]) -> str:
    """The sectors' labels in both languages, so that either language's word finds them."""
    labels = []
    for code in codes:
        if sector := taxonomy.sector(code):
            labels += [sector.label_id, sector.label_en]
    return ", ".join(labels)


def counted_projects(session: Session, owner_column, owner_id: int) -> list[str]:
    """Title and description of each past project of an owner that counts for matching (the others are private
    to the owner's choice and stay out of the index)."""
    rows = session.execute(
        select(PastProject.title, PastProject.description)
        .where(owner_column == owner_id, PastProject.counts_for_matching.is_(True))
        .order_by(PastProject.id)
    )
    return [_join(title, description) for title, description in rows]


def owner_principals(challenge: Challenge) -> tuple[str, ...]:
    """manages:<id> of the owner and co-owner organizations."""
    ids = {challenge.owner_org_id, *(co_owner.organization_id for co_owner in challenge.co_owners)}
    return tuple(f"manages:{organization_id}" for organization_id in sorted(ids))


def challenge_principals(challenge: Challenge) -> tuple[str, ...]:
    return owner_principals(challenge) if challenge.status == ChallengeStatus.DRAFT else PUBLIC


def challenge_document(session: Session, object_id: int) -> SearchDocument | None:
    challenge = session.get(Challenge, object_id)
    if challenge is None:
        return None
    criteria = [_join(criterion.name, criterion.description) for criterion in challenge.criteria]
    return SearchDocument(
        key=f"challenge:{challenge.id}",
        type="challenge",
        object_id=challenge.id,
        ref=challenge.ref,
        title=challenge.title,
        summary=challenge.summary,
        body=_join(
            plain_text(challenge.problem_html),
            plain_text(challenge.context_html),
            plain_text(challenge.outcomes_html),
            *criteria,
        ),
        url=path_for("challenges.show", slug=challenge.slug),
        sector=challenge.sector,
        province=challenge.province_code,
        status=challenge.status.value,
        org_kind=challenge.owner_org.kind.value,
        owner=challenge.owner_org.name,
        region=region_name(challenge.province_code, challenge.regency_code),
        deadline=challenge.closes_at,
        created_at=challenge.published_at or challenge.created_at,
        principals=challenge_principals(challenge),
        boost=CHALLENGE_BOOSTS.get(challenge.status, 1.0),
    )


def organization_document(session: Session, object_id: int) -> SearchDocument | None:
    organization = session.get(Organization, object_id)
    if organization is None:
        return None
    return SearchDocument(
        key=f"organization:{organization.id}",
        type="organization",
        object_id=organization.id,
        ref=organization.ref,
        title=organization.name,
        summary=organization.website,
        body=_join(
            plain_text(organization.description_html),
            organization.expertise,
            organization.seeking,
            sector_labels(organization.sector_list),
            *counted_projects(session, PastProject.organization_id, organization.id),
        ),
        url=path_for("orgs.show", slug=organization.slug),
        province=organization.province_code,
        status="verified" if organization.is_verified else None,
        org_kind=organization.kind.value,
        region=region_name(organization.province_code, organization.regency_code),
        created_at=organization.created_at,
    )


def profile_document(session: Session, object_id: int) -> SearchDocument | None:
    user = session.get(User, object_id)
    if user is None or user.is_disabled or not user.is_public_profile:
        return None
    organizations = session.scalars(
        select(Organization.name)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id, Membership.is_public.is_(True))
        .order_by(Organization.name)
    )
    return SearchDocument(
        key=f"profile:{user.id}",
        type="profile",
        object_id=user.id,
        title=user.name,
        summary=user.headline,
        body=_join(
            user.expertise,
            user.seeking,
            plain_text(user.bio_html),
            ", ".join(organizations),
            *counted_projects(session, PastProject.user_id, user.id),
        ),
        url=path_for("site.person", user_id=user.id),
        province=user.province_code,
        region=region_name(user.province_code, user.regency_code),
        created_at=user.created_at,
    )


def question_document(session: Session, object_id: int) -> SearchDocument | None:
    question = session.get(Question, object_id)
    # The asker is never part of the document: only the question and its public answer.
    if question is None or not question.is_public or question.answered_at is None:
        return None
    challenge = question.challenge
    return SearchDocument(
        key=f"question:{question.id}",
        type="question",
        object_id=question.id,
        title=question.body[:160],
        summary=challenge.title,
        body=_join(question.body, plain_text(question.answer_html)),
        url=path_for("challenges.show", slug=challenge.slug) + f"#question-{question.id}",
        sector=challenge.sector,
        province=challenge.province_code,
        created_at=question.answered_at,
        principals=challenge_principals(challenge),
    )


def addendum_document(session: Session, object_id: int) -> SearchDocument | None:
    addendum = session.get(Addendum, object_id)
    if addendum is None:
        return None
    challenge = addendum.challenge
    return SearchDocument(
        key=f"addendum:{addendum.id}",
        type="addendum",
        object_id=addendum.id,
        title=f"Addendum {addendum.number}: {challenge.title}",
        summary=challenge.summary,
        body=addendum.summary,
        url=path_for("challenges.show", slug=challenge.slug) + f"#addendum-{addendum.number}",
        sector=challenge.sector,
        province=challenge.province_code,
        owner=challenge.owner_org.name,
        created_at=addendum.published_at,
        principals=challenge_principals(challenge),
    )


def proposal_document(session: Session, object_id: int) -> SearchDocument | None:
    proposal = session.get(Proposal, object_id)
    if proposal is None:
        return None
    challenge = proposal.challenge
    team = {proposal.lead_user_id}
    team |= {
        member.user_id
        for member in proposal.members
        if member.status == TeamMemberStatus.ACCEPTED and member.user_id is not None
    }
    delayed: tuple[str, ...] = ()
    visible_from = None
    # Drafts and withdrawn proposals stay with the team; the sealing rule is goi.proposals.permissions'.
    if proposal.status == ProposalStatus.SUBMITTED:
        delayed = owner_principals(challenge)
        visible_from = challenge.closes_at if challenge.is_sealed else proposal.submitted_at
    return SearchDocument(
        key=f"proposal:{proposal.id}",
        type="proposal",
        object_id=proposal.id,
        title=proposal.title,
        summary=proposal.summary,
        body=_join(
            plain_text(proposal.approach_html),
            plain_text(proposal.workplan_html),
            *(plain_text(section.body_html) for section in proposal.sections),
        ),
        url=path_for("proposals.show", proposal_id=proposal.id),
        sector=challenge.sector,
        province=challenge.province_code,
        status=proposal.status.value,
        owner=proposal.team_name,
        created_at=proposal.submitted_at or proposal.created_at,
        principals=tuple(f"user:{user_id}" for user_id in sorted(team)),
        delayed_principals=delayed,
        visible_from=visible_from,
    )


def result_document(session: Session, object_id: int) -> SearchDocument | None:
    result = session.get(ChallengeResult, object_id)
    if result is None:
        return None
    challenge = result.challenge
    named = [
        _join(entry.proposal.title, entry.proposal.team_name, entry.citation)
        for entry in result.entries
        if is_published_in_results(entry.proposal)
    ]
    return SearchDocument(
        key=f"result:{result.id}",
        type="result",
        object_id=result.id,
        ref=challenge.ref,
        title=f"Results: {challenge.title}",
        summary=challenge.summary,
        body=_join(plain_text(result.summary_html), *named),
        url=path_for("challenges.show", slug=challenge.slug) + "#results",
        sector=challenge.sector,
        province=challenge.province_code,
        owner=challenge.owner_org.name,
        region=region_name(challenge.province_code, challenge.regency_code),
        created_at=result.published_at,
        principals=challenge_principals(challenge),
    )


BUILDERS: dict[str, Callable[[Session, int], SearchDocument | None]] = {
    "challenge": challenge_document,
    "organization": organization_document,
    "profile": profile_document,
    "question": question_document,
    "addendum": addendum_document,
    "proposal": proposal_document,
    "result": result_document,
}


def build(session: Session, doc_type: str, object_id: int) -> SearchDocument | None:
    """The document of (doc_type, object_id), or None when it must not be in the index."""
    builder = BUILDERS.get(doc_type)
    return builder(session, object_id) if builder else None


def dependent_targets(session: Session, doc_type: str, object_id: int) -> list[tuple[str, int]]:
    """Other documents that show something of this one: a challenge's addenda, questions, proposals and results
    (visibility and deadline), an organization's challenges (the owner's name), a named proposal's results."""
    if doc_type == "challenge":
        found = [
            ("addendum", i) for i in session.scalars(select(Addendum.id).where(Addendum.challenge_id == object_id))
        ]
        found += [
            ("question", i) for i in session.scalars(select(Question.id).where(Question.challenge_id == object_id))
        ]
        found += [
            ("proposal", i) for i in session.scalars(select(Proposal.id).where(Proposal.challenge_id == object_id))
        ]
        found += [
            ("result", i)
            for i in session.scalars(select(ChallengeResult.id).where(ChallengeResult.challenge_id == object_id))
        ]
        return found
    if doc_type == "organization":
        return [
            ("challenge", i) for i in session.scalars(select(Challenge.id).where(Challenge.owner_org_id == object_id))
        ]
    if doc_type == "proposal":
        # A named proposal's title and team name are part of its results' document.
        return [
            ("result", i)
            for i in session.scalars(select(ResultEntry.result_id).where(ResultEntry.proposal_id == object_id))
        ]
    return []


TARGET_MODELS = (
    ("challenge", Challenge),
    ("organization", Organization),
    ("profile", User),
    ("question", Question),
    ("addendum", Addendum),
    ("proposal", Proposal),
    ("result", ChallengeResult),
)
# What each builder reads beyond its row, loaded for a whole chunk in a few statements (not a few per document).
PRELOADS = {
    "challenge": (
        selectinload(Challenge.criteria),
        selectinload(Challenge.owner_org),
        selectinload(Challenge.co_owners),
    ),
    "question": (selectinload(Question.challenge).selectinload(Challenge.co_owners),),
    "addendum": (
        selectinload(Addendum.challenge).selectinload(Challenge.co_owners),
        selectinload(Addendum.challenge).selectinload(Challenge.owner_org),
    ),
    "proposal": (
        selectinload(Proposal.challenge).selectinload(Challenge.co_owners),
        selectinload(Proposal.members),
        selectinload(Proposal.sections),
        selectinload(Proposal.organization),
        selectinload(Proposal.lead_user),
    ),
}
REBUILD_CHUNK = 500


def all_documents(session: Session) -> Iterator[SearchDocument]:
    """Every document the database says the index should hold.

    A chunk of rows at a time, with what their builders read loaded beforehand, so that the builders find it in the
    session; the session is emptied after each chunk, so memory stays that of one chunk at any size.
    """
    for doc_type, model in TARGET_MODELS:
        ids = list(session.scalars(select(model.id).order_by(model.id)))
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            # Held while the chunk is built: the session keeps its rows only as long as something refers to them.
            rows = select(model).where(model.id.in_(chunk)).options(*PRELOADS.get(doc_type, ()))
            loaded = session.scalars(rows).all()
            for object_id in chunk:
                document = build(session, doc_type, object_id)
                if document is not None:
                    yield document
            del loaded
            session.expunge_all()
