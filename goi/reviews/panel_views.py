"""The review panel's pages: the managers' list and invitations, the invited person's answer, conflicts of interest
(the standalone check, the list with its rulings, a reviewer's declarations)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import EmailField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from goi.accounts.services import find_user_by_email
from goi.challenges.models import Challenge
from goi.challenges.permissions import can_manage_challenge, visible_challenge_or_404
from goi.core.errors import DomainError
from goi.core.forms import Form, PlainForm, QuickSelectField, run_button_action, select_choices, show_domain_error
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db
from goi.proposals import signals as proposal_signals
from goi.proposals.forms import InvitationAnswerForm
from goi.proposals.models import Proposal
from goi.proposals.permissions import sealing_lifted
from goi.reviews import conflicts, panel, panel_admin
from goi.reviews.models import ConflictKind, ConflictSource, PanelMember, PanelRole, PanelStatus
from goi.reviews.permissions import PANEL_MEMBER, REVIEW_MANAGER
from goi.reviews.round_views import CONFLICT_KIND_LABELS
from goi.reviews.views import bp

CONFLICT_SOURCE_LABELS = {
    ConflictSource.DETECTED: _l("detected"),
    ConflictSource.DECLARED: _l("declared by the reviewer"),
    ConflictSource.SET: _l("set by the review's managers"),
}
PANEL_ROLE_LABELS = {PanelRole.REVIEWER: _l("Reviewer"), PanelRole.CHAIR: _l("Chair")}
PANEL_STATUS_LABELS = {
    PanelStatus.INVITED: _l("Invited"),
    PanelStatus.ACCEPTED: _l("Accepted"),
    PanelStatus.DECLINED: _l("Declined"),
}
LOAD_HELP = _l("The most proposals this person reviews (1 to %(max)d); empty for no limit.", max=panel_admin.MAX_LOAD)


# --- forms -----------------------------------------------------------------------------------------------------------


def _role_choices(owner: bool):
    roles = (PanelRole.REVIEWER, PanelRole.CHAIR) if owner else (PanelRole.REVIEWER,)
    return select_choices((role.value, PANEL_ROLE_LABELS[role]) for role in roles)


def _kind_choices():
    return select_choices(
        [("", _l("— choose —"))] + [(kind.value, CONFLICT_KIND_LABELS[kind]) for kind in conflicts.DECLARABLE]
    )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InviteForm(Form):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)], filters=[_strip])
    role = QuickSelectField(_l("Role"), default=PanelRole.REVIEWER.value)
    max_load = IntegerField(
        _l("Maximum load"), validators=[Optional(), NumberRange(min=1, max=panel_admin.MAX_LOAD)], description=LOAD_HELP
    )


class MemberForm(Form):
    role = QuickSelectField(_l("Role"))
    max_load = IntegerField(_l("Maximum load"), validators=[Optional(), NumberRange(min=1, max=panel_admin.MAX_LOAD)])


class CheckForm(PlainForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(), Length(max=254)], filters=[_strip])


class ConflictForm(Form):
    """A ruling (member, proposal) or a declaration (proposal only): the kind and a note."""

    member_id = QuickSelectField(_l("Panel member"), validators=[InputRequired()])
    proposal_id = QuickSelectField(_l("Proposal"), validators=[InputRequired()])
    kind = QuickSelectField(_l("Kind of conflict"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=1000)],
        description=_l("What the conflict is; needed for the kind 'other'."),
    )


class ClearForm(Form):
    reason = TextAreaField(_l("Reason for clearing"), validators=[DataRequired(), Length(max=1000)])


def _member_form(member: PanelMember, owner: bool, formdata=None) -> MemberForm:
    form = MemberForm(formdata=formdata, prefix=f"member-{member.id}")
    form.role.choices = _role_choices(owner)
    if formdata is None:
        form.role.data = member.role.value
        form.max_load.data = member.max_load
    return form


def _invite_form(owner: bool, formdata=None) -> InviteForm:
    form = InviteForm(formdata=formdata) if formdata is not None else InviteForm(formdata=None)
    form.role.choices = _role_choices(owner)
    if form.role.data is None:
        form.role.data = PanelRole.REVIEWER.value
    return form


def proposal_label(proposal: Proposal) -> str:
    """How the panel names a proposal: by number and title, never by its team."""
    return _("Proposal #%(id)d: %(title)s", id=proposal.id, title=proposal.title)


def _conflict_form(proposals: list[Proposal], members: list[PanelMember] | None, formdata=None) -> ConflictForm:
    form = ConflictForm(formdata=formdata) if formdata is not None else ConflictForm(formdata=None)
    form.proposal_id.choices = select_choices(
        [("", _l("— choose —"))] + [(proposal.id, proposal_label(proposal)) for proposal in proposals]
    )
    form.kind.choices = _kind_choices()
    if members is None:
        del form.member_id
    else:
        form.member_id.choices = select_choices(
            [("", _l("— choose —"))] + [(m.id, f"{m.user.name} ({m.email})") for m in members]
        )
    return form


# --- helpers ---------------------------------------------------------------------------------------------------------


def _challenge(slug: str) -> Challenge:
    return visible_challenge_or_404(current_user, slug)


def _is_owner(challenge: Challenge) -> bool:
    return can_manage_challenge(current_user, challenge)


def _shows_teams(challenge: Challenge) -> bool:
    """The owners see the teams; a chair only when the review is not blind."""
    return _is_owner(challenge) or not panel.is_blind(challenge)


def _hidden_proposals(challenge: Challenge) -> set[int]:
    """A chair sees nothing of the proposals they are conflicted with; the owners see every one."""
    if _is_owner(challenge):
        return set()
    return conflicts.conflicted_proposal_ids(current_user.id, challenge.id)


def _member_or_404(challenge: Challenge, member_id: int) -> PanelMember:
    member = panel_admin.panel_member_or_none(challenge, member_id)
    if member is None:
        abort(404)
    return member


def _panel_url(challenge: Challenge) -> str:
    return url_for("reviews.panel", slug=challenge.slug)


# --- the panel -------------------------------------------------------------------------------------------------------


def _render_panel(challenge: Challenge, invite_form: InviteForm, member_forms: dict | None = None, status: int = 200):
    owner = _is_owner(challenge)
    rows = panel_admin.panel_rows(challenge)
    forms = member_forms or {}
    for row in rows:
        if row.member.id not in forms and (owner or row.member.role == PanelRole.REVIEWER):
            forms[row.member.id] = _member_form(row.member, owner)
    return (
        render_template(
            "reviews/panel/panel.html",
            challenge=challenge,
            rows=rows,
            invite_form=invite_form,
            member_forms=forms,
            is_owner=owner,
            open_to_invitations=panel_admin.may_take_invitations(challenge),
            may_remind=panel_admin.may_remind,
            unsealed=sealing_lifted(challenge),
            role_labels=PANEL_ROLE_LABELS,
            status_labels=PANEL_STATUS_LABELS,
        ),
        status,
    )


@route(bp, "/challenges/<slug>/review/panel", REVIEW_MANAGER, methods=["GET", "POST"], endpoint="panel")
def panel_page(slug: str):
    challenge = _challenge(slug)
    owner = _is_owner(challenge)
    if request.method == "GET":
        form = _invite_form(owner)
        # From the check of an address: the address it checked, ready to invite.
        form.email.data = request.args.get("email", "").strip()[:254] or None
        return _render_panel(challenge, form)
    form = _invite_form(owner, request.form)
    if form.validate_on_submit():
        try:
            member = panel_admin.invite(
                current_user._get_current_object(),
                challenge,
                form.email.data,
                PanelRole(form.role.data),
                form.max_load.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            # Someone on a team may be invited; the inviter is told of their conflicts (once the proposals may be seen).
            found = conflicts.detect(challenge, member.email, find_user_by_email(member.email))
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=member.email), "success")
            if found and sealing_lifted(challenge):
                message = ngettext(
                    "This person has %(num)d conflict of interest with the current proposals.",
                    "This person has %(num)d conflicts of interest with the current proposals.",
                    len(found),
                )
                flash(message, "warning")
            return redirect(_panel_url(challenge))
    return _render_panel(challenge, form, status=422)


@route(bp, "/challenges/<slug>/review/panel/<int:member_id>", REVIEW_MANAGER, methods=["POST"])
def panel_member_update(slug: str, member_id: int):
    challenge = _challenge(slug)
    member = _member_or_404(challenge, member_id)
    owner = _is_owner(challenge)
    form = _member_form(member, owner, request.form)
    if form.validate_on_submit():
        try:
            panel_admin.update_member(
                current_user._get_current_object(), member, PanelRole(form.role.data), form.max_load.data
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The panel member %(email)s is saved.", email=member.email), "success")
            return redirect(_panel_url(challenge))
    return _render_panel(challenge, _invite_form(owner), {member.id: form}, status=422)


@route(bp, "/challenges/<slug>/review/panel/<int:member_id>/remove", REVIEW_MANAGER, methods=["POST"])
def panel_member_remove(slug: str, member_id: int):
    challenge = _challenge(slug)
    member = _member_or_404(challenge, member_id)
    email = member.email
    return run_button_action(
        lambda: panel_admin.remove_member(current_user._get_current_object(), member),
        redirect_to=_panel_url(challenge),
        done=_("%(email)s is no longer on the panel.", email=email),
    )


@route(bp, "/challenges/<slug>/review/panel/<int:member_id>/remind", REVIEW_MANAGER, methods=["POST"])
def panel_remind(slug: str, member_id: int):
    challenge = _challenge(slug)
    member = _member_or_404(challenge, member_id)
    return run_button_action(
        lambda: panel_admin.remind(current_user._get_current_object(), member),
        redirect_to=_panel_url(challenge),
        done=_("The invitation was sent again to %(email)s.", email=member.email),
    )


@route(bp, "/review-invitations/<token>", AUTHENTICATED, methods=["GET", "POST"])
def panel_invitation(token: str):
    member = panel_admin.member_for_token(token)
    form = InvitationAnswerForm()
    if member is None:
        return render_template("reviews/panel/invitation.html", member=None, form=form), 404
    labels = {"role_labels": PANEL_ROLE_LABELS}
    if form.validate_on_submit():
        user = current_user._get_current_object()
        accepting = form.decision.data == "accept"
        try:
            panel_admin.accept(user, member) if accepting else panel_admin.decline(user, member)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
            return render_template("reviews/panel/invitation.html", member=member, form=form, **labels), 422
        db.session.commit()
        if accepting:
            flash(_("You joined the review panel of “%(title)s”.", title=member.challenge.title), "success")
            return redirect(url_for("reviews.conflict_declare", slug=member.challenge.slug))
        flash(_("You declined the invitation."), "info")
        return redirect(url_for("challenges.show", slug=member.challenge.slug))
    return render_template("reviews/panel/invitation.html", member=member, form=form, **labels)


# --- conflicts of interest -------------------------------------------------------------------------------------------


@route(bp, "/challenges/<slug>/review/conflicts/check", REVIEW_MANAGER)
def conflict_check(slug: str):
    challenge = _challenge(slug)
    form = CheckForm(request.args)
    found = None
    proposals = {}
    unsealed = sealing_lifted(challenge)
    if "email" in request.args and form.validate() and unsealed:
        listed = panel_admin.submitted_proposals(challenge)
        proposals = {proposal.id: proposal for proposal in listed}
        email = form.email.data.strip().lower()
        hidden = _hidden_proposals(challenge)
        found = [
            item
            for item in conflicts.detect(challenge, email, find_user_by_email(email), listed)
            if item.proposal_id not in hidden
        ]
    return render_template(
        "reviews/panel/check.html",
        challenge=challenge,
        form=form,
        found=found,
        proposals=proposals,
        unsealed=unsealed,
        show_teams=_shows_teams(challenge),
        kind_labels=CONFLICT_KIND_LABELS,
        open_to_invitations=panel_admin.may_take_invitations(challenge),
    )


def _render_conflicts(challenge: Challenge, set_form=None, clear_forms=None, status: int = 200):
    unsealed = sealing_lifted(challenge)
    hidden = _hidden_proposals(challenge)
    rows, proposals, members = [], [], []
    if unsealed:
        rows = [
            row
            for row in panel_admin.conflict_rows(challenge)
            if row.conflict.proposal_id not in hidden or row.conflict.user_id == current_user.id
        ]
        proposals = [p for p in panel_admin.submitted_proposals(challenge) if p.id not in hidden]
        members = panel_admin.accepted_members(challenge)
    forms = dict(clear_forms or {})
    for row in rows:
        conflict = row.conflict
        rules_on_it = conflict.source != ConflictSource.DECLARED and conflict.user_id != current_user.id
        if conflict.cleared_at is None and rules_on_it and conflict.id not in forms:
            forms[conflict.id] = ClearForm(formdata=None, prefix=f"clear-{conflict.id}")
    return (
        render_template(
            "reviews/panel/conflicts.html",
            challenge=challenge,
            rows=rows,
            set_form=set_form or _conflict_form(proposals, members),
            clear_forms=forms,
            unsealed=unsealed,
            show_teams=_shows_teams(challenge),
            kind_labels=CONFLICT_KIND_LABELS,
            source_labels=CONFLICT_SOURCE_LABELS,
        ),
        status,
    )


@route(bp, "/challenges/<slug>/review/conflicts", REVIEW_MANAGER, methods=["GET", "POST"], endpoint="conflicts")
def conflicts_page(slug: str):
    challenge = _challenge(slug)
    if request.method == "GET":
        return _render_conflicts(challenge)
    if not sealing_lifted(challenge):
        abort(404)
    hidden = _hidden_proposals(challenge)
    proposals = [p for p in panel_admin.submitted_proposals(challenge) if p.id not in hidden]
    members = panel_admin.accepted_members(challenge)
    form = _conflict_form(proposals, members, request.form)
    if form.validate_on_submit():
        member = next((m for m in members if str(m.id) == form.member_id.data), None)
        proposal = next((p for p in proposals if str(p.id) == form.proposal_id.data), None)
        try:
            if member is None or proposal is None:
                raise DomainError(_("Choose a panel member and a proposal."))
            conflicts.set_conflict(
                current_user._get_current_object(),
                member.user_id,
                proposal,
                ConflictKind(form.kind.data),
                form.note.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(
                _("The conflict is recorded: %(name)s will not review this proposal.", name=member.user.name), "success"
            )
            return redirect(url_for("reviews.conflicts", slug=challenge.slug))
    return _render_conflicts(challenge, set_form=form, status=422)


def _render_declarations(challenge: Challenge, form=None, clear_forms=None, status: int = 200):
    unsealed = sealing_lifted(challenge)
    proposals = panel_admin.submitted_proposals(challenge) if unsealed else []
    rows = panel_admin.conflict_rows(challenge, user_id=current_user.id)
    forms = dict(clear_forms or {})
    for row in rows:
        conflict = row.conflict
        if conflict.cleared_at is None and conflict.source == ConflictSource.DECLARED and conflict.id not in forms:
            forms[conflict.id] = ClearForm(formdata=None, prefix=f"clear-{conflict.id}")
    return (
        render_template(
            "reviews/panel/declare.html",
            challenge=challenge,
            rows=rows,
            form=form or _conflict_form(proposals, None),
            clear_forms=forms,
            unsealed=unsealed,
            blind=panel.is_blind(challenge),
            kind_labels=CONFLICT_KIND_LABELS,
            source_labels=CONFLICT_SOURCE_LABELS,
        ),
        status,
    )


@route(bp, "/challenges/<slug>/review/conflicts/declare", PANEL_MEMBER, methods=["GET", "POST"])
def conflict_declare(slug: str):
    challenge = _challenge(slug)
    if request.method == "GET":
        return _render_declarations(challenge)
    proposals = panel_admin.submitted_proposals(challenge) if sealing_lifted(challenge) else []
    form = _conflict_form(proposals, None, request.form)
    if form.validate_on_submit():
        proposal = next((p for p in proposals if str(p.id) == form.proposal_id.data), None)
        if proposal is None:
            abort(404)
        try:
            conflicts.declare(
                current_user._get_current_object(), proposal, ConflictKind(form.kind.data), form.note.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your conflict is recorded: you will not review this proposal."), "success")
            return redirect(url_for("reviews.conflict_declare", slug=challenge.slug))
    return _render_declarations(challenge, form=form, status=422)


@route(bp, "/challenges/<slug>/review/conflicts/<int:conflict_id>/clear", PANEL_MEMBER, methods=["POST"])
def conflict_clear(slug: str, conflict_id: int):
    challenge = _challenge(slug)
    conflict = panel_admin.panel_conflict_or_none(challenge, conflict_id)
    manager = panel.can_manage_review(current_user, challenge)
    own = conflict is not None and conflict.user_id == current_user.id
    # A reviewer reaches only their own conflicts, a chair not those of a proposal they are conflicted with.
    if conflict is None or not (own or (manager and conflict.proposal_id not in _hidden_proposals(challenge))):
        abort(404)
    # Nobody rules on their own conflict: a chair withdraws their declaration as any reviewer does.
    as_manager = manager and not own
    form = ClearForm(prefix=f"clear-{conflict.id}")
    back = "reviews.conflict_declare" if own else "reviews.conflicts"
    if form.validate_on_submit():
        try:
            conflicts.clear(current_user._get_current_object(), conflict, form.reason.data, as_manager=as_manager)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The conflict is cleared."), "success")
            return redirect(url_for(back, slug=challenge.slug))
    if own:
        return _render_declarations(challenge, clear_forms={conflict.id: form}, status=422)
    return _render_conflicts(challenge, clear_forms={conflict.id: form}, status=422)


# --- a submission after members accepted -----------------------------------------------------------------------------


def _on_proposal_submitted(proposal: Proposal, **extra) -> None:
    panel_admin.refresh_conflicts(proposal)


@bp.record_once
def _connect(state) -> None:
    proposal_signals.proposal_submitted.connect(_on_proposal_submitted, weak=False)
