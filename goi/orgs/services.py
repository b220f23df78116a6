"""Organization rules: creation, members, invitations, verification."""

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from goi.accounts.models import User
from goi.accounts.services import apply_matching_profile
from goi.core import audit, clock, slugs
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.core.links import absolute_url
from goi.core.mail import queue_mail
from goi.core.storage import StoredFile
from goi.core.tokens import hash_token
from goi.extensions import db
from goi.orgs.models import (
    Invitation,
    MemberRole,
    Membership,
    Organization,
    OrgKind,
    VerificationRequest,
    VerificationStatus,
)


def unique_slug(name: str) -> str:
    return slugs.unique_slug(Organization.slug, name, fallback="organisasi")


def _apply_fields(organization: Organization, values: dict) -> None:
    organization.name = values["name"].strip()
    organization.kind = OrgKind(values["kind"])
    organization.government_kind = values["government_kind"] if organization.is_government else None
    organization.description_source = values["description"]
    organization.description_html = render_markdown(values["description"])
    organization.website = values["website"].strip()
    organization.province_code = values["province_code"] or None
    organization.regency_code = values["regency_code"] or None
    apply_matching_profile(organization, values)
    if "languages" in values:
        organization.languages = ",".join(values["languages"])


def create_organization(creator: User, values: dict) -> Organization:
    """A new organization whose creator is its owner."""
    if values["kind"] == OrgKind.GOVERNMENT and not values.get("government_kind"):
        raise DomainError(_("Choose the kind of government body."), field="government_kind")
    organization = Organization(slug=unique_slug(values["name"]))
    _apply_fields(organization, values)
    organization.memberships.append(Membership(user=creator, role=MemberRole.OWNER))
    db.session.add(organization)
    db.session.flush()
    audit.record("org.created", actor_id=creator.id, object_type="organization", object_id=organization.id)
    return organization


def update_organization(actor: User, organization: Organization, values: dict) -> None:
    if organization.is_verified and values["kind"] != organization.kind:
        raise DomainError(_("A verified organization cannot change its kind."), field="kind")
    if values["kind"] == OrgKind.GOVERNMENT and not values.get("government_kind"):
        raise DomainError(_("Choose the kind of government body."), field="government_kind")
    _apply_fields(organization, values)
    audit.record("org.updated", actor_id=actor.id, object_type="organization", object_id=organization.id)


def public_members(organization: Organization) -> list[Membership]:
    query = (
        select(Membership)
        .join(Membership.user)
        .options(selectinload(Membership.user))
        .where(Membership.organization_id == organization.id, Membership.is_public, User.is_disabled.is_(False))
        .order_by(Membership.role, User.name, Membership.id)
    )
    return list(db.session.scalars(query))


def all_members(organization: Organization) -> list[Membership]:
    query = (
        select(Membership)
        .join(Membership.user)
        .options(selectinload(Membership.user))
        .where(Membership.organization_id == organization.id)
        .order_by(Membership.role, User.name, Membership.id)
    )
    return list(db.session.scalars(query))


def public_memberships_of(user: User) -> list[Membership]:
    query = (
        select(Membership)
        .options(selectinload(Membership.organization))
        .where(Membership.user_id == user.id, Membership.is_public)
        .order_by(Membership.id)
    )
    return list(db.session.scalars(query))


def memberships_of(user: User) -> list[Membership]:
    query = (
        select(Membership)
        .options(selectinload(Membership.organization))
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    )
    return list(db.session.scalars(query))


def _owner_count(organization: Organization) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == organization.id, Membership.role == MemberRole.OWNER)
    )


def _actor_membership(actor: User, organization: Organization) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == actor.id)
    )
    if membership is None or not membership.can_manage:
        raise DomainError(_("Only owners and admins manage members."))
    return membership


def invite_member(actor: User, organization: Organization, email: str, role: MemberRole) -> Invitation:
    """Record an invitation and queue its email; only owners invite owners."""
    acting = _actor_membership(actor, organization)
    if role == MemberRole.OWNER and acting.role != MemberRole.OWNER:
        raise DomainError(_("Only an owner can invite another owner."), field="role")
    email = email.strip().lower()
    already = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.organization_id == organization.id, func.lower(User.email) == email)
    )
    if already is not None:
        raise DomainError(_("This person is already a member."), field="email")
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.organization_id == organization.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        old.revoked_at = clock.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by_id=actor.id,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    invitee = db.session.scalar(select(User).where(func.lower(User.email) == email))
    link = absolute_url("orgs.invitation", token=token)
    queue_mail(
        email,
        "org_invitation",
        invitee.locale if invitee else "id",
        organization=organization,
        inviter=actor,
        role=role,
        link=link,
    )
    audit.record(
        "org.member_invited",
        actor_id=actor.id,
        object_type="organization",
        object_id=organization.id,
        email=email,
        role=role.value,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def accept_invitation(user: User, token: str) -> Membership:
    invitation = invitation_for_token(token)
    if invitation is None or not invitation.is_open:
        raise DomainError(_("This invitation is invalid, was withdrawn or has expired."))
    if invitation.email != user.email.lower():
        raise DomainError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.", email=invitation.email)
        )
    organization = invitation.organization
    membership = db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
    )
    if membership is None:
        membership = Membership(organization=organization, user=user, role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = clock.now()
    db.session.flush()
    audit.record(
        "org.member_joined",
        actor_id=user.id,
        object_type="organization",
        object_id=organization.id,
        role=membership.role.value,
    )
    return membership


def revoke_invitation(actor: User, organization: Organization, invitation: Invitation) -> None:
    _actor_membership(actor, organization)
    if invitation.organization_id != organization.id:
        raise DomainError(_("This invitation belongs to another organization."))
    invitation.revoked_at = invitation.revoked_at or clock.now()
    audit.record("org.invitation_revoked", actor_id=actor.id, object_type="organization", object_id=organization.id)


def open_invitations(organization: Organization) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(
            Invitation.organization_id == organization.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > clock.now(),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(db.session.scalars(query))


def change_role(actor: User, membership: Membership, role: MemberRole) -> None:
    """Owners change any role; admins change members and admins; the last owner stays an owner."""
    organization = membership.organization
    acting = _actor_membership(actor, organization)
    touches_owner = MemberRole.OWNER in (membership.role, role)
    if touches_owner and acting.role != MemberRole.OWNER:
        raise DomainError(_("Only an owner can grant or take away the owner role."))
    if membership.role == MemberRole.OWNER and role != MemberRole.OWNER and _owner_count(organization) <= 1:
        raise DomainError(_("The last owner cannot step down; make someone else an owner first."))
    old = membership.role
    membership.role = role
    audit.record(
        "org.role_changed",
        actor_id=actor.id,
        object_type="organization",
        object_id=organization.id,
        user_id=membership.user_id,
        old=old.value,
        new=role.value,
    )


def remove_member(actor: User, membership: Membership) -> None:
    organization = membership.organization
    acting = _actor_membership(actor, organization)
    if membership.role == MemberRole.OWNER and acting.role != MemberRole.OWNER:
        raise DomainError(_("Only an owner can remove an owner."))
    if membership.role == MemberRole.OWNER and _owner_count(organization) <= 1:
        raise DomainError(_("The last owner cannot be removed."))
    db.session.delete(membership)
    audit.record(
        "org.member_removed",
        actor_id=actor.id,
        object_type="organization",
        object_id=organization.id,
        user_id=membership.user_id,
    )


def leave_organization(user: User, organization: Organization) -> None:
    membership = db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
    )
    if membership is None:
        raise DomainError(_("You are not a member of this organization."))
    if membership.role == MemberRole.OWNER and _owner_count(organization) <= 1:
        raise DomainError(_("You are the last owner; make someone else an owner before you leave."))
    db.session.delete(membership)
    audit.record("org.member_left", actor_id=user.id, object_type="organization", object_id=organization.id)


def set_member_visibility(user: User, organization: Organization, is_public: bool) -> None:
    membership = db.session.scalar(
        select(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user.id)
    )
    if membership is None:
        raise DomainError(_("You are not a member of this organization."))
    membership.is_public = is_public


def pending_verification(organization: Organization) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest).where(
            VerificationRequest.organization_id == organization.id,
            VerificationRequest.status == VerificationStatus.PENDING,
        )
    )


def latest_verification(organization: Organization) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest)
        .where(VerificationRequest.organization_id == organization.id)
        .order_by(VerificationRequest.id.desc())
        .limit(1)
    )


def request_verification(
    actor: User, organization: Organization, email_domain: str, letter: StoredFile
) -> VerificationRequest:
    """Queue a government organization for verification by a platform admin."""
    _actor_membership(actor, organization)
    if not organization.is_government:
        raise DomainError(_("Only government organizations are verified."))
    if organization.is_verified:
        raise DomainError(_("This organization is already verified."))
    if pending_verification(organization) is not None:
        raise DomainError(_("A verification request is already waiting for a decision."))
    if letter.file_type != "pdf":
        raise DomainError(_("The official letter must be a PDF file."), field="letter")
    request = VerificationRequest(
        organization=organization,
        submitted_by_id=actor.id,
        official_email_domain=email_domain.strip().lower().lstrip("@"),
        letter_stored_name=letter.stored_name,
        letter_filename=letter.original_name,
        letter_size=letter.size,
        created_at=clock.now(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record("org.verification_requested", actor_id=actor.id, object_type="organization", object_id=organization.id)
    return request


def decide_verification(admin: User, request: VerificationRequest, approve: bool, reason: str) -> None:
    """Approve or reject a pending request; the decision is emailed and logged."""
    if request.status != VerificationStatus.PENDING:
        raise DomainError(_("This request has already been decided."))
    if not approve and not reason.strip():
        raise DomainError(_("Give the reason for the rejection."), field="reason")
    request.status = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
    request.reason = reason.strip()
    request.decided_at = clock.now()
    request.decided_by_id = admin.id
    organization = request.organization
    if approve:
        organization.verified_at = clock.now()
        organization.verified_by_id = admin.id
    submitter = request.submitted_by
    queue_mail(
        submitter.email,
        "verification_decision",
        submitter.locale,
        user=submitter,
        organization=organization,
        approved=approve,
        reason=request.reason,
        link=absolute_url("orgs.show", slug=organization.slug),
    )
    audit.record(
        "admin.verification_approved" if approve else "admin.verification_rejected",
        actor_id=admin.id,
        object_type="organization",
        object_id=organization.id,
        request_id=request.id,
        reason=request.reason,
    )
