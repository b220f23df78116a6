"""Who may act for an organization."""

from flask import abort, g
from sqlalchemy import select

from goi.core.policy import Rule
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization


def organization_by_slug(slug: str) -> Organization | None:
    """The organization with slug, loaded once per request."""
    cache = g.setdefault("organizations_by_slug", {})
    if slug not in cache:
        cache[slug] = db.session.scalar(select(Organization).where(Organization.slug == slug))
    return cache[slug]


def organization_or_404(slug: str) -> Organization:
    """The organization with slug, else the request ends with 404."""
    organization = organization_by_slug(slug)
    if organization is None:
        abort(404)
    return organization


def membership_of(user, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = g.setdefault("memberships", {})
    key = (user.id, organization.id)
    if key not in cache:
        cache[key] = db.session.scalar(
            select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
        )
    return cache[key]


def can_manage_organization(user, organization: Organization) -> bool:
    """Owners and admins edit the organization and manage its members."""
    membership = membership_of(user, organization)
    return membership is not None and membership.can_manage


def can_manage_owners(user, organization: Organization) -> bool:
    membership = membership_of(user, organization)
    return membership is not None and membership.role == MemberRole.OWNER


def can_leave_organization(user, organization: Organization) -> bool:
    return membership_of(user, organization) is not None


def can_request_verification(user, organization: Organization) -> bool:
    return organization.is_government and not organization.is_verified and can_manage_organization(user, organization)


def can_own_challenges(user, organization: Organization) -> bool:
    """Only admins of a verified government organization act as challenge owners."""
    return organization.is_government and organization.is_verified and can_manage_organization(user, organization)


def _org_rule(name: str, check) -> Rule:
    def allowed(user, args: dict) -> bool:
        organization = organization_by_slug(args.get("slug", ""))
        # A missing organization passes here so that the view answers 404.
        return organization is None or check(user, organization)

    return Rule(name, allowed)


ORG_MANAGER = _org_rule("organization owner or admin", can_manage_organization)
ORG_MEMBER = _org_rule("organization member", can_leave_organization)
