"""Team views: the lead invites and removes partners; an invited partner accepts or declines by the emailed link."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from goi.core.errors import DomainError
from goi.core.forms import ActionForm, run_button_action
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind
from goi.proposals import team as teams
from goi.proposals.forms import InvitationAnswerForm, PartnerInviteForm
from goi.proposals.models import Proposal, TeamMember
from goi.proposals.permissions import PROPOSAL_LEAD, PROPOSAL_TEAM
from goi.proposals.views import bp, current_actor, proposal_or_404


def _partner_choices() -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.kind != OrgKind.GOVERNMENT)
            .order_by(Organization.name, Organization.id)
        )
    )


def _render_team(proposal: Proposal, form: PartnerInviteForm, status: int = 200):
    return (
        render_template(
            "proposals/team.html",
            proposal=proposal,
            challenge=proposal.challenge,
            members=proposal.members,
            form=form,
            action_form=ActionForm(),
        ),
        status,
    )


@route(bp, "/proposals/<int:proposal_id>/team", PROPOSAL_TEAM)
def team(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    form = PartnerInviteForm(formdata=None)
    form.set_organizations(_partner_choices())
    return _render_team(proposal, form)


@route(bp, "/proposals/<int:proposal_id>/team", PROPOSAL_LEAD, methods=["POST"], endpoint="invite_partner")
def invite_partner(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    form = PartnerInviteForm()
    form.set_organizations(_partner_choices())
    if form.validate_on_submit():
        organization_id = form.organization_id.data
        organization = db.session.get(Organization, int(organization_id)) if organization_id else None
        try:
            teams.invite_partner(current_actor(), proposal, form.email.data, form.responsibility.data, organization)
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            if field is None:
                field = form.email
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("proposals.team", proposal_id=proposal.id))
    return _render_team(proposal, form, 422)


@route(bp, "/proposals/<int:proposal_id>/team/<int:member_id>/remove", PROPOSAL_LEAD, methods=["POST"])
def remove_partner(proposal_id: int, member_id: int):
    proposal = proposal_or_404(proposal_id)
    member = db.session.get(TeamMember, member_id)
    if member is None or member.proposal_id != proposal.id:
        abort(404)
    return run_button_action(
        lambda: teams.remove_partner(current_actor(), member),
        redirect_to=url_for("proposals.team", proposal_id=proposal.id),
        done=_("Partner removed."),
    )


@route(bp, "/team-invitations/<token>", AUTHENTICATED, methods=["GET", "POST"])
def team_invitation(token: str):
    member = teams.member_for_token(token)
    form = InvitationAnswerForm()
    if member is None:
        return render_template("proposals/invitation.html", member=None, form=form), 404
    if form.validate_on_submit():
        user = current_actor()
        try:
            if form.decision.data == "accept":
                teams.accept_team_invitation(user, token)
            else:
                teams.decline_team_invitation(user, token)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return render_template("proposals/invitation.html", member=member, form=form), 422
        db.session.commit()
        if form.decision.data == "accept":
            flash(_("You joined the team of “%(title)s”.", title=member.proposal.title), "success")
            return redirect(url_for("proposals.show", proposal_id=member.proposal_id))
        flash(_("You declined the invitation."), "info")
        return redirect(url_for("proposals.mine"))
    return render_template("proposals/invitation.html", member=member, form=form)


@route(bp, "/account/team-invitations/<int:member_id>", AUTHENTICATED, methods=["POST"])
def answer_invitation(member_id: int):
    """Accept or decline, from the dashboard, an invitation sent to the user's address (no token needed)."""
    user = current_actor()
    member = teams.pending_invitation(user, member_id)
    if member is None:
        abort(404)
    form = InvitationAnswerForm()
    accept = form.decision.data == "accept"
    return run_button_action(
        lambda: teams.accept_invitation(user, member) if accept else teams.decline_invitation(user, member),
        form=form,
        redirect_to=url_for("proposals.show", proposal_id=member.proposal_id) if accept else url_for("proposals.mine"),
        redirect_on_error=url_for("proposals.mine"),
        done=_("You joined the team of “%(title)s”.", title=member.proposal.title)
        if accept
        else _("You declined the invitation."),
    )
