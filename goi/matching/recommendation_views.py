"""Pages of recommendations, each with its reasons: challenges for the user, solvers to invite for a challenge,
partners for an organization's team, similar challenges on a challenge's page; dismissing a suggestion; the
invitations to apply and to co-own that suggestions lead to."""

import re

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.challenges.permissions import CHALLENGE_MANAGER, can_manage_challenge, challenge_by_slug
from goi.core.forms import Form, run_button_action
from goi.core.policy import AUTHENTICATED, route
from goi.core.redirects import safe_next
from goi.extensions import db
from goi.matching import invitations, recommend
from goi.matching.models import ApplyInvitation, CoOwnInvitation
from goi.matching.views import bp
from goi.orgs.models import Organization
from goi.orgs.permissions import ORG_MEMBER, organization_by_slug
from goi.reviews import panel_admin
from goi.reviews.models import PanelRole
from goi.reviews.permissions import REVIEW_MANAGER

DISMISS_KINDS = ("challenge", "solver", "partner", "similar")
TARGET = re.compile(r"^(challenge|organization|user):\d{1,12}$")


class DismissForm(Form):
    kind = HiddenField(validators=[DataRequired(), Regexp(f"^({'|'.join(DISMISS_KINDS)})$")])
    target = HiddenField(validators=[DataRequired(), Regexp(TARGET.pattern)])
    context = HiddenField(validators=[Optional(), Regexp(r"^challenge:\d{1,12}$")])
    next = HiddenField()


class InviteForm(Form):
    target = HiddenField(validators=[DataRequired(), Regexp(r"^(organization|user):\d{1,12}$")])
    message = TextAreaField(validators=[Optional(), Length(max=invitations.MESSAGE_MAX)])


class CoOwnForm(Form):
    organization_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])
    similar_id = HiddenField(validators=[Optional(), Regexp(r"^\d{1,12}$")])


@route(bp, "/account/recommendations", AUTHENTICATED)
def recommendations():
    """Open challenges that fit the user's profile and their organizations', with why."""
    suggestions = recommend.challenges_for_user(db.session, current_user, limit=20)
    profile_empty = not (current_user.expertise or current_user.bio_source or current_user.sectors)
    return render_template(
        "matching/recommendations.html",
        suggestions=suggestions,
        profile_empty=profile_empty,
        dismiss_form=DismissForm(),
    )


@route(bp, "/recommendations/dismiss", AUTHENTICATED, methods=["POST"])
def dismiss():
    form = DismissForm()
    back = safe_next(form.next.data) or url_for("matching.recommendations")
    return run_button_action(
        lambda: recommend.dismiss(db.session, current_user, form.kind.data, form.target.data, form.context.data or ""),
        redirect_to=back,
        done=_("Dismissed: it will not be suggested to you again."),
        form=form,
    )


# --- solvers for a challenge ---------------------------------------------------------------------------------------


def _managed_challenge(slug: str) -> Challenge:
    challenge = challenge_by_slug(slug)
    if challenge is None or not can_manage_challenge(current_user, challenge):
        abort(404)
    return challenge


@route(bp, "/challenges/<slug>/solvers", CHALLENGE_MANAGER)
def solvers(slug: str):
    """Organizations and people to invite to apply, with why, and who was invited already."""
    challenge = _managed_challenge(slug)
    suggestions = recommend.solvers_for_challenge(db.session, challenge, limit=20, viewer=current_user)
    return render_template(
        "matching/solvers.html",
        challenge=challenge,
        suggestions=suggestions,
        invited=invitations.invited_targets(challenge),
        dismiss_form=DismissForm(),
        invite_form=InviteForm(),
    )


def _recipient(target: str) -> tuple[Organization | None, User | None]:
    kind, _sep, raw_id = target.partition(":")
    if kind == "organization":
        organization = db.session.get(Organization, int(raw_id))
        if organization is None:
            abort(404)
        return organization, None
    user = db.session.get(User, int(raw_id))
    if user is None:
        abort(404)
    return None, user


@route(bp, "/challenges/<slug>/solvers/invite", CHALLENGE_MANAGER, methods=["POST"])
def invite_solver(slug: str):
    challenge = _managed_challenge(slug)
    form = InviteForm()
    back = url_for("matching.solvers", slug=slug)
    if not form.validate_on_submit():
        abort(400)
    organization, user = _recipient(form.target.data)
    return run_button_action(
        lambda: invitations.invite_to_apply(
            current_user, challenge, organization=organization, user=user, message=form.message.data or ""
        ),
        redirect_to=back,
        done=_("Invitation sent."),
        form=form,
    )


@route(bp, "/account/invitations", AUTHENTICATED, endpoint="invitations")
def invitations_page():
    return render_template(
        "matching/invitations.html",
        apply_invitations=invitations.apply_invitations_of(current_user),
        co_own_invitations=invitations.co_own_invitations_of(current_user),
        action_form=Form(),
    )


@route(bp, "/apply-invitations/<int:invitation_id>/decline", AUTHENTICATED, methods=["POST"])
def decline_apply(invitation_id: int):
    invitation = db.session.get(ApplyInvitation, invitation_id)
    if invitation is None or not invitations.is_apply_recipient(current_user, invitation):
        abort(404)
    return run_button_action(
        lambda: invitations.decline_apply_invitation(current_user, invitation),
        redirect_to=url_for("matching.invitations"),
        done=_("Invitation declined; the challenge's owners will not invite you to it again."),
    )


# --- co-owning a similar challenge ---------------------------------------------------------------------------------


@route(bp, "/challenges/<slug>/co-owners/invite", CHALLENGE_MANAGER, methods=["POST"])
def invite_co_owner(slug: str):
    challenge = _managed_challenge(slug)
    form = CoOwnForm()
    if not form.validate_on_submit():
        abort(400)
    organization = db.session.get(Organization, int(form.organization_id.data))
    if organization is None:
        abort(404)
    similar = db.session.get(Challenge, int(form.similar_id.data)) if form.similar_id.data else None
    return run_button_action(
        lambda: invitations.invite_to_co_own(current_user, challenge, organization, similar),
        redirect_to=url_for("challenges.show", slug=slug) + "#similar",
        done=_("Invitation to co-own sent to %(name)s.", name=organization.name),
        form=form,
    )


def _co_own_invitation(invitation_id: int) -> CoOwnInvitation:
    invitation = db.session.get(CoOwnInvitation, invitation_id)
    if invitation is None or current_user.id not in invitations.manager_ids(invitation.organization_id):
        abort(404)
    return invitation


@route(bp, "/co-own-invitations/<int:invitation_id>/accept", AUTHENTICATED, methods=["POST"])
def accept_co_own(invitation_id: int):
    invitation = _co_own_invitation(invitation_id)
    return run_button_action(
        lambda: invitations.answer_co_own(current_user, invitation, True),
        redirect_to=url_for("challenges.show", slug=invitation.challenge.slug),
        redirect_on_error=url_for("matching.invitations"),
        done=_("Your organization now co-owns this challenge."),
    )


@route(bp, "/co-own-invitations/<int:invitation_id>/decline", AUTHENTICATED, methods=["POST"])
def decline_co_own(invitation_id: int):
    invitation = _co_own_invitation(invitation_id)
    return run_button_action(
        lambda: invitations.answer_co_own(current_user, invitation, False),
        redirect_to=url_for("matching.invitations"),
        done=_("Invitation declined."),
    )


# --- partners for a team -------------------------------------------------------------------------------------------


@route(bp, "/orgs/<slug>/partners", ORG_MEMBER)
def partners(slug: str):
    """Organizations that complete this one's team, for one of the open challenges if chosen."""
    organization = organization_by_slug(slug)
    if organization is None:
        abort(404)
    challenge = None
    challenge_slug = request.args.get("challenge", "").strip()
    if challenge_slug:
        challenge = challenge_by_slug(challenge_slug)
        if challenge is None or not challenge.is_accepting_proposals:
            abort(404)
    suggestions = recommend.partners_for(db.session, organization, challenge, limit=20, viewer=current_user)
    open_challenges = recommend.challenges_for_organization(db.session, organization, limit=10)
    return render_template(
        "matching/partners.html",
        organization=organization,
        challenge=challenge,
        suggestions=suggestions,
        open_challenges=open_challenges,
        dismiss_form=DismissForm(),
    )


# --- similar challenges on a challenge's page ----------------------------------------------------------------------


@bp.app_template_global()
def similar_challenges_of(challenge: Challenge, limit: int = 4) -> list[recommend.Suggestion]:
    """Challenges of other governments about the same problem, with their awarded solutions' titles; a logged-in
    viewer does not see the ones they dismissed (an anonymous visitor's page is the same for all, and cached)."""
    viewer = current_user if current_user.is_authenticated else None
    found = recommend.similar_challenges(db.session, challenge, limit=limit, viewer=viewer, wait=False)
    if found:
        from goi.proposals.models import Proposal, ProposalStatus
        from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry

        winners: dict[int, list[str]] = {}
        rows = db.session.execute(
            select(ChallengeResult.challenge_id, Proposal.title)
            .join(ResultEntry, ResultEntry.result_id == ChallengeResult.id)
            .join(Proposal, Proposal.id == ResultEntry.proposal_id)
            .where(
                ChallengeResult.challenge_id.in_([s.object_id for s in found]),
                ResultEntry.award == AwardLabel.WINNER,
                Proposal.status == ProposalStatus.SUBMITTED,
            )
            .order_by(ChallengeResult.challenge_id, ResultEntry.position, ResultEntry.id)
        )
        for challenge_id, title in rows:
            winners.setdefault(challenge_id, []).append(title)
        for suggestion in found:
            suggestion.facts["solutions"] = winners.get(suggestion.object_id, [])
    return found


@bp.app_template_global()
def similar_dismiss_form() -> DismissForm | None:
    """The form to dismiss a similar challenge, for a logged-in viewer only (the anonymous page holds no token)."""
    return DismissForm() if current_user.is_authenticated else None


@bp.app_template_global()
def co_own_form_for(challenge: Challenge) -> tuple[CoOwnForm, set[int]] | None:
    """The form to invite a similar challenge's government to co-own, for the challenge's managers only."""
    if not current_user.is_authenticated or not can_manage_challenge(current_user, challenge):
        return None
    if challenge.status not in invitations.CO_OWNABLE:
        return None
    return CoOwnForm(), invitations.co_own_invited(challenge)


@bp.app_template_global()
def recommended_challenges_for_me(limit: int = 3) -> list[recommend.Suggestion]:
    """The logged-in user's best recommended challenges (for the solver dashboard)."""
    if not current_user.is_authenticated:
        return []
    return recommend.challenges_for_user(db.session, current_user, limit=limit)


# --- reviewers for a panel -----------------------------------------------------------------------------------------


class ReviewerInviteForm(Form):
    user_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])


@route(bp, "/challenges/<slug>/review/suggested-reviewers", REVIEW_MANAGER)
def suggested_reviewers(slug: str):
    """People whose expertise fits the challenge, without a conflict with its proposals, with their current load."""
    challenge = challenge_by_slug(slug)
    return render_template(
        "matching/reviewers.html",
        challenge=challenge,
        suggestions=recommend.reviewers_for(db.session, challenge, limit=15),
        may_invite=panel_admin.may_take_invitations(challenge),
        invite_form=ReviewerInviteForm(),
    )


@route(bp, "/challenges/<slug>/review/suggested-reviewers/invite", REVIEW_MANAGER, methods=["POST"])
def invite_reviewer(slug: str):
    challenge = challenge_by_slug(slug)
    form = ReviewerInviteForm()
    if not form.validate_on_submit():
        abort(400)
    person = db.session.get(User, int(form.user_id.data))
    if person is None or not person.is_public_profile or person.is_disabled:
        abort(404)
    return run_button_action(
        lambda: panel_admin.invite(
            current_user._get_current_object(), challenge, person.email, PanelRole.REVIEWER, None
        ),
        redirect_to=url_for("matching.suggested_reviewers", slug=slug),
        done=_("Invitation to the panel sent to %(name)s.", name=person.name),
        form=form,
    )
