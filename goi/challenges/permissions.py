"""Who may see and change challenges, their questions and documents."""

from flask import abort, g
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from goi.challenges.models import Challenge, ChallengeStatus, Question
from goi.core.policy import Rule
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind
from goi.orgs.permissions import can_own_challenges


def challenge_by_slug(slug: str) -> Challenge | None:
    """The challenge with slug, loaded once per request."""
    cache = g.setdefault("challenges_by_slug", {})
    if slug not in cache:
        # The owner and the co-owners come in the same statement: every page of a challenge names the owner, and
        # every check of who manages it asks for the co-owners (a lazy load of them cost a logged-in page 7%).
        cache[slug] = db.session.execute(_BY_SLUG, {"slug": slug}).unique().scalar_one_or_none()
    return cache[slug]


def visible_challenge_or_404(user, slug: str) -> Challenge:
    """The challenge, or 404 when it does not exist or the user may not see it (a draft)."""
    challenge = challenge_by_slug(slug)
    if challenge is None or not can_view_challenge(user, challenge):
        abort(404)
    return challenge


# Built once: every page of a logged-in user asks it (building a statement costs more than running it).
_MEMBERSHIPS = (
    select(Membership.organization_id, Membership.role, Organization.kind, Organization.verified_at)
    .join(Organization, Organization.id == Membership.organization_id)
    .where(Membership.user_id == bindparam("user_id"))
)
_BY_SLUG = (
    select(Challenge)
    .where(Challenge.slug == bindparam("slug"))
    .options(joinedload(Challenge.owner_org), joinedload(Challenge.co_owners))
)


def _memberships(user) -> dict[int, bool]:
    """Each organization the user is a member of, and whether the user administers it as a verified government
    (owner or admin role): read once per request in one statement, which both questions below answer from."""
    cache = g.setdefault("memberships_of", {})
    if user.id not in cache:
        rows = db.session.execute(_MEMBERSHIPS, {"user_id": user.id})
        cache[user.id] = {
            organization_id: role in (MemberRole.OWNER, MemberRole.ADMIN)
            and kind == OrgKind.GOVERNMENT
            and verified_at is not None
            for organization_id, role, kind, verified_at in rows
        }
    return cache[user.id]


def managed_organization_ids(user) -> set[int]:
    """Ids of the verified government organizations the user administers (read once per request)."""
    if not user.is_authenticated:
        return set()
    return {organization_id for organization_id, manages in _memberships(user).items() if manages}


def owner_organization_ids(challenge: Challenge) -> set[int]:
    """The owner and co-owners (the co-owners collection is loaded once per challenge and session, and is what
    goi.challenges.services changes)."""
    return {challenge.owner_org_id, *(row.organization_id for row in challenge.co_owners)}


def belongs_to_owner(user, challenge: Challenge) -> bool:
    """Whether the user is a member (any role) of an owner or co-owner organization: a conflict of interest."""
    if not user.is_authenticated:
        return False
    return not owner_organization_ids(challenge).isdisjoint(_memberships(user))


def can_create_challenge(user, organization: Organization) -> bool:
    return can_own_challenges(user, organization)


def can_manage_challenge(user, challenge: Challenge) -> bool:
    """Admins of the owner or a co-owner organization (verified governments) manage the challenge."""
    return bool(managed_organization_ids(user) & owner_organization_ids(challenge))


def is_challenge_owner(user) -> bool:
    """An admin of at least one verified government organization, so an owner of its challenges."""
    return bool(managed_organization_ids(user))


def can_view_challenge(user, challenge: Challenge) -> bool:
    return challenge.status != ChallengeStatus.DRAFT or can_manage_challenge(user, challenge)


def can_ask_question(user, challenge: Challenge) -> bool:
    return (
        user.is_authenticated
        and challenge.status == ChallengeStatus.PUBLISHED
        and not challenge.deadline_passed
        and not can_manage_challenge(user, challenge)
    )


def can_view_question(user, question: Question) -> bool:
    if question.is_public and question.answered_at is not None:
        return True
    if not user.is_authenticated:
        return False
    return question.asker_id == user.id or can_manage_challenge(user, question.challenge)


def can_answer_question(user, question: Question) -> bool:
    return can_manage_challenge(user, question.challenge)


def challenge_rule(name: str, check) -> Rule:
    def allowed(user, args: dict) -> bool:
        challenge = challenge_by_slug(args.get("slug", ""))
        # A missing challenge and one the user may not see (another's draft) answer the same 404, here for every
        # route of the rule: a 403 would confirm that the draft exists.
        if challenge is None or not can_view_challenge(user, challenge):
            abort(404)
        return check(user, challenge)

    return Rule(name, allowed)


CHALLENGE_MANAGER = challenge_rule("challenge owner (admin of a verified owner organization)", can_manage_challenge)
