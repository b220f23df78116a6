"""Who may see and change challenges, their questions and documents."""

from flask import abort, g
from sqlalchemy import select

from goi.challenges.models import Challenge, ChallengeStatus, Question
from goi.core.policy import Rule
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind
from goi.orgs.permissions import can_own_challenges


def challenge_by_slug(slug: str) -> Challenge | None:
    """The challenge with slug, loaded once per request."""
    cache = g.setdefault("challenges_by_slug", {})
    if slug not in cache:
        cache[slug] = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    return cache[slug]


def visible_challenge_or_404(user, slug: str) -> Challenge:
    """The challenge, or 404 when it does not exist or the user may not see it (a draft)."""
    challenge = challenge_by_slug(slug)
    if challenge is None or not can_view_challenge(user, challenge):
        abort(404)
    return challenge


def managed_organization_ids(user) -> set[int]:
    """Ids of the verified government organizations the user administers (cached per request)."""
    if not user.is_authenticated:
        return set()
    cache = g.setdefault("managed_government_ids", {})
    if user.id not in cache:
        cache[user.id] = set(
            db.session.scalars(
                select(Membership.organization_id)
                .join(Organization, Organization.id == Membership.organization_id)
                .where(
                    Membership.user_id == user.id,
                    Membership.role.in_((MemberRole.OWNER, MemberRole.ADMIN)),
                    Organization.kind == OrgKind.GOVERNMENT,
                    Organization.verified_at.is_not(None),
                )
            )
        )
    return cache[user.id]


def owner_organization_ids(challenge: Challenge) -> set[int]:
    """The owner and co-owners (the co-owners collection is loaded once per challenge and session, and is what
    goi.challenges.services changes)."""
    return {challenge.owner_org_id, *(row.organization_id for row in challenge.co_owners)}


def belongs_to_owner(user, challenge: Challenge) -> bool:
    """Whether the user is a member (any role) of an owner or co-owner organization: a conflict of interest.

    Asked once per user and challenge in a request (a challenge page asks it for several of its parts).
    """
    if not user.is_authenticated:
        return False
    cache = g.setdefault("belongs_to_owner", {})
    key = (user.id, challenge.id, frozenset(owner_organization_ids(challenge)))
    if key not in cache:
        cache[key] = (
            db.session.scalar(
                select(Membership.id)
                .where(Membership.user_id == user.id, Membership.organization_id.in_(key[2]))
                .limit(1)
            )
            is not None
        )
    return cache[key]


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


def _challenge_rule(name: str, check) -> Rule:
    def allowed(user, args: dict) -> bool:
        challenge = challenge_by_slug(args.get("slug", ""))
        # A missing challenge passes here so that the view answers 404.
        return challenge is None or check(user, challenge)

    return Rule(name, allowed)


CHALLENGE_MANAGER = _challenge_rule("challenge owner (admin of a verified owner organization)", can_manage_challenge)
