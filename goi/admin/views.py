"""Admin area: the dashboard, verification queue, users, audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from goi.accounts import services as account_services
from goi.accounts.models import User
from goi.admin import figures as admin_figures
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.core.errors import DomainError
from goi.core.forms import ActionForm, Form, run_button_action
from goi.core.pagination import paginate
from goi.core.policy import PLATFORM_ADMIN, route
from goi.extensions import db
from goi.orgs import services as org_services
from goi.orgs.models import VerificationRequest, VerificationStatus

bp = Blueprint("admin", __name__, url_prefix="/admin")


class DecisionForm(Form):
    reason = TextAreaField(
        _l("Reason (required for a rejection, sent to the applicant)"),
        validators=[Optional(), Length(max=2000)],
    )


@route(bp, "/", PLATFORM_ADMIN)
def dashboard():
    return render_template("admin/dashboard.html", figures=admin_figures.dashboard(), now=clock.now())


@route(bp, "/verifications", PLATFORM_ADMIN)
def verifications():
    status = request.args.get("status", VerificationStatus.PENDING.value)
    if status not in {s.value for s in VerificationStatus}:
        abort(404)
    query = (
        select(VerificationRequest)
        .options(selectinload(VerificationRequest.organization), selectinload(VerificationRequest.submitted_by))
        .where(VerificationRequest.status == VerificationStatus(status))
        .order_by(VerificationRequest.created_at, VerificationRequest.id)
    )
    return render_template("admin/verifications.html", page=paginate(query), status=status)


@route(bp, "/verifications/<int:request_id>", PLATFORM_ADMIN, methods=["GET", "POST"])
def verification(request_id: int):
    verification_request = db.session.get(VerificationRequest, request_id)
    if verification_request is None:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        approve = request.form.get("decision") == "approve"
        if request.form.get("decision") not in {"approve", "reject"}:
            abort(400)
        try:
            org_services.decide_verification(
                current_user._get_current_object(), verification_request, approve, form.reason.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, error.message]
        else:
            db.session.commit()
            flash(_("Decision saved and sent to the applicant."), "success")
            return redirect(url_for("admin.verifications"))
    return render_template("admin/verification.html", item=verification_request, form=form)


@route(bp, "/users", PLATFORM_ADMIN)
def users():
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    term = request.args.get("q", "").strip()
    if term:
        pattern = f"%{term.lower()}%"
        query = query.where(or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))
    return render_template("admin/users.html", page=paginate(query, per_page=50), q=term, action_form=ActionForm())


@route(bp, "/users/<int:user_id>/disable", PLATFORM_ADMIN, methods=["POST"])
def disable_user(user_id: int):
    return _set_disabled(user_id, True)


@route(bp, "/users/<int:user_id>/enable", PLATFORM_ADMIN, methods=["POST"])
def enable_user(user_id: int):
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return run_button_action(
        lambda: account_services.set_disabled(current_user._get_current_object(), user, disabled),
        redirect_to=url_for("admin.users", q=request.args.get("q", "")),
        done=_("Account disabled.") if disabled else _("Account enabled."),
    )


@route(bp, "/audit", PLATFORM_ADMIN)
def audit_log():
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    page = paginate(query, per_page=50)
    actor_ids = {event.actor_id for event in page.items if event.actor_id}
    actors = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))} if actor_ids else {}
    )
    return render_template("admin/audit.html", page=page, actors=actors, action=action)


@route(bp, "/verifications/<int:request_id>/letter", PLATFORM_ADMIN)
def verification_letter(request_id: int):
    verification_request = db.session.get(VerificationRequest, request_id)
    if verification_request is None:
        abort(404)
    return redirect(
        url_for(
            "orgs.verification_letter",
            slug=verification_request.organization.slug,
            request_id=verification_request.id,
        )
    )
