"""Organization pages: directory, profile, members, invitations, verification."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from goi.core.errors import DomainError
from goi.core.forms import ActionForm, run_button_action
from goi.core.pagination import paginate
from goi.core.policy import AUTHENTICATED, PUBLIC, Rule, route
from goi.core.storage import UploadError, remove_upload, save_upload, send_upload
from goi.extensions import db
from goi.orgs import services
from goi.orgs.forms import InviteForm, OrganizationForm, RoleForm, VerificationForm, VisibilityForm
from goi.orgs.models import Invitation, MemberRole, Membership, Organization, OrgKind, VerificationRequest
from goi.orgs.permissions import (
    ORG_MANAGER,
    ORG_MEMBER,
    can_manage_organization,
    can_request_verification,
    membership_of,
    organization_by_slug,
    organization_or_404,
)

bp = Blueprint("orgs", __name__)


def _membership_or_404(organization: Organization, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organization_id != organization.id:
        abort(404)
    return membership


def _can_read_letter(user, args: dict) -> bool:
    organization = organization_by_slug(args.get("slug", ""))
    return organization is None or user.is_platform_admin or can_manage_organization(user, organization)


LETTER_READER = Rule("organization admin or platform admin", _can_read_letter)


@route(bp, "/orgs", PUBLIC)
def index():
    query = select(Organization).order_by(Organization.name, Organization.id)
    kind = request.args.get("kind", "")
    if kind:
        if kind not in {k.value for k in OrgKind}:
            abort(404)
        query = query.where(Organization.kind == OrgKind(kind))
    if request.args.get("verified") == "1":
        query = query.where(Organization.verified_at.is_not(None))
    return render_template("orgs/index.html", page=paginate(query, per_page=24), kind=kind)


@route(bp, "/orgs/new", AUTHENTICATED, methods=["GET", "POST"])
def create():
    form = OrganizationForm()
    if form.validate_on_submit():
        try:
            organization = services.create_organization(current_user._get_current_object(), form.values())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The organization is created. You are its owner."), "success")
            return redirect(url_for("orgs.show", slug=organization.slug))
    return render_template("orgs/form.html", form=form, organization=None)


@route(bp, "/orgs/<slug>", PUBLIC)
def show(slug: str):
    organization = organization_or_404(slug)
    return render_template(
        "orgs/show.html",
        organization=organization,
        members=services.public_members(organization),
        membership=membership_of(current_user, organization),
    )


@route(bp, "/orgs/<slug>/edit", ORG_MANAGER, methods=["GET", "POST"])
def edit(slug: str):
    organization = organization_or_404(slug)
    form = OrganizationForm(obj=organization) if request.method == "GET" else OrganizationForm()
    if request.method == "GET":
        form.fill(organization)
    if form.validate_on_submit():
        try:
            services.update_organization(current_user._get_current_object(), organization, form.values())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.show", slug=organization.slug))
    return render_template("orgs/form.html", form=form, organization=organization)


@route(bp, "/orgs/<slug>/members", ORG_MANAGER, methods=["GET", "POST"])
def members(slug: str):
    organization = organization_or_404(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_member(
                current_user._get_current_object(), organization, form.email.data, MemberRole(form.role.data)
            )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("orgs.members", slug=slug))
    return render_template(
        "orgs/members.html",
        organization=organization,
        members=services.all_members(organization),
        invitations=services.open_invitations(organization),
        form=form,
        role_form=RoleForm(),
        action_form=ActionForm(),
    )


@route(bp, "/orgs/<slug>/members/<int:membership_id>/role", ORG_MANAGER, methods=["POST"])
def change_role(slug: str, membership_id: int):
    organization = organization_or_404(slug)
    membership = _membership_or_404(organization, membership_id)
    form = RoleForm()
    return run_button_action(
        lambda: services.change_role(current_user._get_current_object(), membership, MemberRole(form.role.data)),
        redirect_to=url_for("orgs.members", slug=slug),
        done=_("Role changed."),
        form=form,
    )


@route(bp, "/orgs/<slug>/members/<int:membership_id>/remove", ORG_MANAGER, methods=["POST"])
def remove_member(slug: str, membership_id: int):
    organization = organization_or_404(slug)
    membership = _membership_or_404(organization, membership_id)
    return run_button_action(
        lambda: services.remove_member(current_user._get_current_object(), membership),
        redirect_to=url_for("orgs.members", slug=slug),
        done=_("Member removed."),
    )


@route(bp, "/orgs/<slug>/invitations/<int:invitation_id>/revoke", ORG_MANAGER, methods=["POST"])
def revoke_invitation(slug: str, invitation_id: int):
    organization = organization_or_404(slug)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != organization.id:
        abort(404)
    return run_button_action(
        lambda: services.revoke_invitation(current_user._get_current_object(), organization, invitation),
        redirect_to=url_for("orgs.members", slug=slug),
        done=_("Invitation withdrawn."),
    )


@route(bp, "/orgs/<slug>/leave", ORG_MEMBER, methods=["POST"])
def leave(slug: str):
    organization = organization_or_404(slug)
    return run_button_action(
        lambda: services.leave_organization(current_user._get_current_object(), organization),
        redirect_to=url_for("orgs.mine"),
        done=_("You left %(name)s.", name=organization.name),
        redirect_on_error=url_for("orgs.show", slug=slug),
    )


@route(bp, "/orgs/<slug>/visibility", ORG_MEMBER, methods=["POST"])
def visibility(slug: str):
    organization = organization_or_404(slug)
    form = VisibilityForm()
    return run_button_action(
        lambda: services.set_member_visibility(current_user._get_current_object(), organization, form.is_public.data),
        redirect_to=url_for("orgs.show", slug=slug),
        done=_("Saved."),
        form=form,
    )


@route(bp, "/account/organizations", AUTHENTICATED)
def mine():
    return render_template("orgs/mine.html", memberships=services.memberships_of(current_user))


@route(bp, "/invitations/<token>", AUTHENTICATED, methods=["GET", "POST"])
def invitation(token: str):
    invitation = services.invitation_for_token(token)
    form = ActionForm()
    if invitation is None or not invitation.is_open:
        return render_template("orgs/invitation.html", invitation=None, form=form), 404
    if form.validate_on_submit():
        try:
            services.accept_invitation(current_user._get_current_object(), token)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Welcome to %(name)s.", name=invitation.organization.name), "success")
            return redirect(url_for("orgs.show", slug=invitation.organization.slug))
    return render_template("orgs/invitation.html", invitation=invitation, form=form)


@route(bp, "/orgs/<slug>/verification", ORG_MANAGER, methods=["GET", "POST"])
def verification(slug: str):
    organization = organization_or_404(slug)
    form = VerificationForm()
    pending = services.pending_verification(organization)
    latest = services.latest_verification(organization)
    allowed = can_request_verification(current_user, organization) and pending is None
    if request.method == "POST" and not allowed:
        abort(403)
    if form.validate_on_submit():
        try:
            letter = save_upload(form.letter.data, allowed=frozenset({"pdf"}))
        except UploadError as error:
            form.letter.errors = [*form.letter.errors, str(error)]
        else:
            try:
                services.request_verification(
                    current_user._get_current_object(), organization, form.official_email_domain.data, letter
                )
            except DomainError as error:
                db.session.rollback()
                remove_upload(letter.stored_name)
                flash(error.message, "danger")
            else:
                db.session.commit()
                flash(_("Your request is in the queue. We will email you the decision."), "success")
                return redirect(url_for("orgs.verification", slug=slug))
    status = 200 if request.method == "GET" or form.errors == {} else 422
    return (
        render_template(
            "orgs/verification.html",
            organization=organization,
            form=form,
            pending=pending,
            latest=latest,
            allowed=allowed,
        ),
        status,
    )


@route(bp, "/orgs/<slug>/verification/<int:request_id>/letter", LETTER_READER)
def verification_letter(slug: str, request_id: int):
    organization = organization_or_404(slug)
    verification_request = db.session.get(VerificationRequest, request_id)
    if verification_request is None or verification_request.organization_id != organization.id:
        abort(404)
    try:
        return send_upload(verification_request.letter_stored_name, verification_request.letter_filename, "pdf")
    except FileNotFoundError:
        abort(404)
