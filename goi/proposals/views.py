"""Proposal pages: start, show and receipt, edit, submit, withdraw, the owner's list, my proposals.

Also the `proposals` blueprint and the helpers its other view modules share: attachment_views and team_views add
their routes to `bp`, and goi.register_blueprints imports them all before it registers the blueprint.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from goi.challenges.models import Challenge
from goi.challenges.permissions import (
    CHALLENGE_MANAGER,
    visible_challenge_or_404,
)
from goi.core import clock
from goi.core.errors import DomainError
from goi.core.forms import ActionForm
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db
from goi.orgs.models import Organization
from goi.proposals import attachments, dashboard, permissions, services, submission
from goi.proposals import team as teams
from goi.proposals.forms import (
    AttachmentForm,
    InvitationAnswerForm,
    StartProposalForm,
    proposal_form_for,
)
from goi.proposals.models import Proposal, ProposalStatus
from goi.proposals.permissions import (
    PROPOSAL_LEAD,
    PROPOSAL_TEAM,
    PROPOSAL_VIEWER,
    can_view_proposal,
    is_team_member,
    proposal_by_id,
)

bp = Blueprint("proposals", __name__)

for _function in (
    permissions.can_view_proposal,
    permissions.can_edit_proposal,
    permissions.can_submit_proposal,
    permissions.can_withdraw_proposal,
    permissions.can_manage_team,
    permissions.can_start_proposal,
    permissions.can_see_submitted_proposals,
    permissions.own_proposal_for,
    permissions.visible_submitted_count,
    permissions.is_team_member,
    permissions.is_team_lead,
    permissions.sealing_lifted,
    permissions.proposal_is_open,
):
    bp.add_app_template_global(_function)


@bp.app_template_global()
def proposal_status_label(status: ProposalStatus) -> str:
    return {
        ProposalStatus.DRAFT: _("Draft"),
        ProposalStatus.SUBMITTED: _("Submitted"),
        ProposalStatus.WITHDRAWN: _("Withdrawn"),
    }[status]


# --- helpers shared by the proposal view modules ---------------------------------------------------------------------


def current_actor():
    return current_user._get_current_object()


def proposal_or_404(proposal_id: int) -> Proposal:
    """The proposal if the current user may see it; 404 otherwise, so ids reveal nothing."""
    proposal = proposal_by_id(proposal_id)
    if proposal is None or not can_view_proposal(current_user, proposal):
        abort(404)
    return proposal


def edit_form_from_proposal(proposal: Proposal):
    """The edit form filled from the proposal, as on GET."""
    form = proposal_form_for(proposal.challenge, formdata=None)
    form.title.data = proposal.title
    form.summary.data = proposal.summary
    form.approach.data = proposal.approach_source
    form.workplan.data = proposal.workplan_source
    form.budget_estimate.data = proposal.budget_estimate
    form.trl.data = proposal.trl
    form.team_roles.data = proposal.team_roles
    for field in form.section_fields():
        section = services.section_for(proposal, int(field.name.removeprefix("section_")))
        field.data = section.body_source if section else ""
    return form


def render_edit(proposal: Proposal, form, upload_form, status: int = 200):
    return (
        render_template(
            "proposals/edit.html",
            proposal=proposal,
            challenge=proposal.challenge,
            form=form,
            upload_form=upload_form,
            max_total_mb=attachments.proposal_max_bytes() // (1024 * 1024),
            action_form=ActionForm(),
        ),
        status,
    )


# --- starting ---------------------------------------------------------------------------------------------------------


def _challenge_link(challenge: Challenge) -> str:
    # The challenge page belongs to the challenges blueprint; fall back to the list of my proposals meanwhile.
    try:
        return url_for("challenges.show", slug=challenge.slug)
    except BuildError:
        return url_for("proposals.mine")


@route(bp, "/challenges/<slug>/proposals/new", AUTHENTICATED, methods=["GET", "POST"])
def start(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    user = current_actor()
    form = StartProposalForm()
    form.set_teams(*services.eligible_teams(user, challenge))
    if not challenge.is_accepting_proposals:
        return render_template("proposals/start.html", challenge=challenge, form=form, closed=True), 409
    if not form.team.choices:
        # Neither as an individual nor for any of the user's organizations: say so instead of a form that refuses.
        status = 422 if request.method == "POST" else 200
        return render_template("proposals/start.html", challenge=challenge, form=form, closed=False), status
    if form.validate_on_submit():
        organization = db.session.get(Organization, form.organization_id()) if form.organization_id() else None
        try:
            proposal = services.start_proposal(user, challenge, organization, form.title.data)
        except DomainError as error:
            db.session.rollback()
            form.team.errors = [*form.team.errors, error.message]
        else:
            if not is_team_member(user, proposal):
                db.session.rollback()
                flash(_("Your organization already has a proposal for this challenge; ask its lead to invite you."))
                return redirect(_challenge_link(challenge))
            db.session.commit()
            return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    status = 422 if request.method == "POST" else 200
    return render_template("proposals/start.html", challenge=challenge, form=form, closed=False), status


# --- reading ----------------------------------------------------------------------------------------------------------


def render_show(proposal: Proposal, status: int = 200, upload_form=None, refusal: str | None = None):
    """The proposal page; a refused submission or upload re-renders it, with the refusal or the failed form."""
    user = current_actor()
    team_view = is_team_member(user, proposal)
    problems = submission.submission_problems(proposal) if team_view else []
    if upload_form is None and permissions.can_edit_proposal(user, proposal):
        upload_form = AttachmentForm(formdata=None)
    return (
        render_template(
            "proposals/show.html",
            proposal=proposal,
            challenge=proposal.challenge,
            content=submission.display_content(proposal, submitted_only=not team_view),
            team_view=team_view,
            partner_organizations=teams.partner_organizations(proposal),
            problems=problems,
            refusal=refusal,
            unsubmitted_changes=team_view and submission.has_unsubmitted_changes(proposal),
            action_form=ActionForm(),
            upload_form=upload_form,
            max_total_mb=attachments.proposal_max_bytes() // (1024 * 1024),
        ),
        status,
    )


@route(bp, "/proposals/<int:proposal_id>", PROPOSAL_VIEWER)
def show(proposal_id: int):
    return render_show(proposal_or_404(proposal_id))


@route(bp, "/proposals/<int:proposal_id>/receipt", PROPOSAL_TEAM)
def receipt(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if not is_team_member(current_user, proposal) or not proposal.versions:
        abort(404)
    zone = proposal.challenge.timezone
    versions = [
        {
            "version": version,
            "utc": f"{version.submitted_at:%Y-%m-%d %H:%M:%S} UTC",
            "local": f"{clock.in_zone(version.submitted_at, zone):%Y-%m-%d %H:%M:%S} "
            f"{clock.ZONE_ABBREVIATIONS.get(zone, zone)} ({zone})",
        }
        for version in reversed(proposal.versions)
    ]
    return render_template("proposals/receipt.html", proposal=proposal, challenge=proposal.challenge, versions=versions)


@route(bp, "/account/proposals", AUTHENTICATED)
def mine():
    """The solver's dashboard: what waits for them, their proposals by group (?state=), followed deadlines."""
    group = request.args.get("state", "all")
    if group not in dashboard.GROUPS:
        abort(404)
    user = current_actor()
    counts = dashboard.group_counts(user)
    return render_template(
        "proposals/mine.html",
        group=group,
        counts=counts,
        page=dashboard.proposals_page(user, group, counts),
        invitations=dashboard.pending_invitations(user),
        drafts=dashboard.drafts_to_finish(user),
        followed=dashboard.followed_open_challenges(user),
        answer_form=InvitationAnswerForm(formdata=None),
    )


@route(bp, "/challenges/<slug>/proposals", CHALLENGE_MANAGER)
def challenge_proposals(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    user = current_actor()
    return render_template(
        "proposals/challenge_list.html",
        challenge=challenge,
        sealed=not permissions.can_see_submitted_proposals(user, challenge),
        proposals=[
            (proposal, submission.version_content(proposal.versions[-1])["title"])
            for proposal in permissions.visible_submitted_proposals(user, challenge)
        ],
    )


# --- editing ----------------------------------------------------------------------------------------------------------


def _edit_form(proposal: Proposal):
    """The posted form, or on GET the form filled from the proposal."""
    return proposal_form_for(proposal.challenge) if request.method == "POST" else edit_form_from_proposal(proposal)


@route(bp, "/proposals/<int:proposal_id>/edit", PROPOSAL_LEAD, methods=["GET", "POST"])
def edit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if not permissions.proposal_is_open(proposal):
        flash(_("The deadline has passed; the proposal can no longer be changed."), "warning")
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    form = _edit_form(proposal)
    if form.validate_on_submit():
        try:
            services.update_proposal(current_actor(), proposal, form.values())
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                flash(error.message, "danger")
        else:
            db.session.commit()
            if request.form.get("then") == "submit":
                # Saved either way; a refused submission leaves the proposal page listing what is missing.
                try:
                    return _submitted(proposal, _submit(proposal))
                except DomainError as error:
                    refused = submission.submission_problems(db.session.get(Proposal, proposal_id))
                    flash(
                        _("Saved, but not submitted: complete what is listed below.") if refused else error.message,
                        "danger",
                    )
                    return redirect(url_for("proposals.show", proposal_id=proposal_id))
            flash(_("Saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    status = 422 if request.method == "POST" else 200
    return render_edit(proposal, form, AttachmentForm(formdata=None), status)


# --- submitting and withdrawing ---------------------------------------------------------------------------------------


# Posted to the proposal's own address, so that a refusal is shown on the proposal page at its address.
@route(bp, "/proposals/<int:proposal_id>", PROPOSAL_LEAD, methods=["POST"])
def submit(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        version = _submit(proposal)
    except DomainError as error:
        # What is missing is listed on the page one by one; another refusal (the deadline) is said above it.
        proposal = db.session.get(Proposal, proposal_id)
        refusal = None if submission.submission_problems(proposal) else error.message
        return render_show(proposal, 422, refusal=refusal)
    return _submitted(proposal, version)


def _submit(proposal: Proposal):
    """Submit what is saved, committed; a refusal is rolled back and raised."""
    try:
        version = submission.submit_proposal(current_actor(), proposal)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return version


def _submitted(proposal: Proposal, version):
    flash(_("Your proposal is submitted (version %(number)d).", number=version.version), "success")
    return redirect(url_for("proposals.receipt", proposal_id=proposal.id))


@route(bp, "/proposals/<int:proposal_id>/withdraw", PROPOSAL_LEAD, methods=["POST"])
def withdraw(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_proposal(current_actor(), proposal)
    except DomainError as error:
        db.session.rollback()
        return render_show(db.session.get(Proposal, proposal_id), 422, refusal=error.message)
    db.session.commit()
    flash(_("Your proposal is withdrawn. You can submit it again before the deadline."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))
