"""The review's overview, its rounds and the assignment grid, for owners and chairs; a reviewer's decline."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import DateTimeLocalField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from goi.challenges.forms import DATETIME_FORMATS, local_to_utc, utc_to_local
from goi.challenges.models import Challenge
from goi.challenges.permissions import can_manage_challenge, visible_challenge_or_404
from goi.core.errors import DomainError
from goi.core.forms import Form, run_button_action, show_domain_error
from goi.core.policy import AUTHENTICATED, route
from goi.data import regions
from goi.extensions import db
from goi.reviews import panel, round_figures, rounds
from goi.reviews.conflicts import conflicted_proposal_ids
from goi.reviews.models import Assignment, ConflictKind, PanelStatus, ReviewRound
from goi.reviews.permissions import REVIEW_MANAGER
from goi.reviews.views import bp

CONFLICT_KIND_LABELS = {
    ConflictKind.TEAM_MEMBER: _l("on the team"),
    ConflictKind.ORGANIZATION: _l("organization on the team"),
    ConflictKind.EMAIL_DOMAIN: _l("same email domain as a team member"),
    ConflictKind.CO_OWNER: _l("co-owner organization shared with the team"),
    ConflictKind.EMPLOYMENT: _l("employment"),
    ConflictKind.COLLABORATION: _l("collaboration in the last two years"),
    ConflictKind.PERSONAL: _l("family or personal"),
    ConflictKind.FINANCIAL: _l("financial"),
    ConflictKind.OTHER: _l("other"),
}
# The pages of the other parts of the review, linked from the overview.
OVERVIEW_LINKS = (
    ("reviews.panel", _l("Panel")),
    ("reviews.conflicts", _l("Conflicts of interest")),
    ("reviews.ranking", _l("Ranking")),
    ("reviews.review_settings", _l("Review settings")),
)


class RoundForm(Form):
    name = StringField(
        _l("Name of the round"),
        validators=[DataRequired(), Length(max=rounds.MAX_NAME)],
        description=_l("For example: screening, full review, pitch."),
    )
    deadline = DateTimeLocalField(_l("Deadline for reviews"), validators=[InputRequired()], format=DATETIME_FORMATS)
    reviews_per_proposal = IntegerField(
        _l("Reviews per proposal"),
        validators=[InputRequired(), NumberRange(min=1, max=10)],
        default=3,
        description=_l("How many panel members should review each proposal (1 to 10)."),
    )

    def values(self, challenge: Challenge) -> rounds.RoundValues:
        return rounds.RoundValues(
            name=self.name.data or "",
            deadline=local_to_utc(self.deadline.data, challenge.timezone),
            reviews_per_proposal=self.reviews_per_proposal.data,
        )


class CellForm(Form):
    """One cell of the assignment grid: which proposal and which panel member."""

    proposal = HiddenField(validators=[InputRequired()])
    member = HiddenField(validators=[InputRequired()])


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Why do you decline?"),
        validators=[DataRequired(), Length(max=rounds.MAX_REASON)],
        description=_l("The owners and chairs read it when they assign someone else."),
    )


@bp.app_template_global()
def new_decline_form() -> DeclineForm:
    """An empty decline form for a reviewer's list of assignments (templates/reviews/rounds/_decline_form.html)."""
    return DeclineForm(formdata=None)


def _challenge(slug: str) -> Challenge:
    return visible_challenge_or_404(current_user, slug)


def round_or_404(challenge: Challenge, number: int) -> ReviewRound:
    """The challenge's round of that number; 404 when there is none."""
    review_round = rounds.round_or_none(challenge, number)
    if review_round is None:
        abort(404)
    return review_round


def _round_form(challenge: Challenge, review_round: ReviewRound | None = None, **kwargs) -> RoundForm:
    prefix = f"round{review_round.number}" if review_round else "new"
    form = RoundForm(prefix=prefix, **kwargs)
    zone = regions.zone_abbreviation(challenge.timezone)
    form.deadline.description = _("In the challenge's time zone (%(zone)s).", zone=zone)
    if review_round is not None and request.method == "GET":
        form.name.data = review_round.name
        form.deadline.data = utc_to_local(review_round.deadline, challenge.timezone)
        form.reviews_per_proposal.data = review_round.reviews_per_proposal
    return form


@route(bp, "/challenges/<slug>/review", REVIEW_MANAGER)
def overview(slug: str):
    challenge = _challenge(slug)
    links = [(label, url_for(endpoint, slug=slug)) for endpoint, label in OVERVIEW_LINKS]
    return render_template(
        "reviews/rounds/overview.html",
        challenge=challenge,
        not_yet=rounds.why_review_may_not_start(challenge),
        figures=round_figures.round_figures(challenge),
        panel_counts=round_figures.panel_counts(challenge),
        PanelStatus=PanelStatus,
        links=links,
        max_rounds=panel.MAX_ROUNDS,
    )


def _render_rounds(challenge: Challenge, status: int = 200, create_form=None, edit_forms=None):
    figures = round_figures.round_figures(challenge)
    edit_forms = dict(edit_forms or {})
    for item in figures:
        if item.round.locked_at is None and item.round.number not in edit_forms:
            edit_forms[item.round.number] = _round_form(challenge, item.round, formdata=None)
    last = figures[-1] if figures else None
    may_advance = last is not None and last.round.locked_at is not None and len(figures) < panel.MAX_ROUNDS
    if create_form is None and (not figures or may_advance):
        create_form = _round_form(challenge, formdata=None)
    shortlisted = round_figures.shortlist_count(last.round) if last is not None else 0
    untaken = rounds.untaken_count(challenge, [item.round for item in figures])
    return (
        render_template(
            "reviews/rounds/rounds.html",
            challenge=challenge,
            not_yet=rounds.why_review_may_not_start(challenge),
            figures=figures,
            edit_forms=edit_forms,
            create_form=create_form,
            may_advance=may_advance,
            shortlisted=shortlisted,
            untaken=untaken,
            max_rounds=panel.MAX_ROUNDS,
        ),
        status,
    )


def _save_round(challenge: Challenge, form: RoundForm, change, done: str, **form_place):
    """Validate the form, run change(values), commit and go back to the rounds; else the page with the errors."""
    if form.validate_on_submit():
        try:
            change(form.values(challenge))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("reviews.rounds", slug=challenge.slug))
    return _render_rounds(challenge, 422, **form_place)


def _create_round(slug: str, service, done: str):
    challenge = _challenge(slug)
    form = _round_form(challenge)
    actor = current_user._get_current_object()
    return _save_round(challenge, form, lambda values: service(actor, challenge, values), done, create_form=form)


@route(bp, "/challenges/<slug>/review/rounds", REVIEW_MANAGER, methods=["GET", "POST"], endpoint="rounds")
def rounds_page(slug: str):
    if request.method == "GET":
        return _render_rounds(_challenge(slug))
    return _create_round(slug, rounds.create_first_round, _("Round 1 is created with every submitted proposal."))


@route(bp, "/challenges/<slug>/review/rounds/advance", REVIEW_MANAGER, methods=["POST"])
def round_advance(slug: str):
    return _create_round(slug, rounds.advance, _("The next round is created with the shortlist."))


@route(bp, "/challenges/<slug>/review/rounds/<int:number>", REVIEW_MANAGER, methods=["POST"])
def round_update(slug: str, number: int):
    challenge = _challenge(slug)
    review_round = round_or_404(challenge, number)
    form = _round_form(challenge, review_round)
    actor = current_user._get_current_object()
    return _save_round(
        challenge,
        form,
        lambda values: rounds.update_round(actor, review_round, values),
        _("The round is saved."),
        edit_forms={number: form},
    )


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/lock", REVIEW_MANAGER, methods=["POST"])
def round_lock(slug: str, number: int):
    review_round = round_or_404(_challenge(slug), number)
    return run_button_action(
        lambda: rounds.lock_round(current_user._get_current_object(), review_round),
        redirect_to=url_for("reviews.rounds", slug=slug),
        done=_("Round %(number)d is locked: its reviews can no longer change.", number=number),
    )


@route(bp, "/challenges/<slug>/review/rounds/1/take-new", REVIEW_MANAGER, methods=["POST"])
def round_take_new(slug: str):
    challenge = _challenge(slug)

    def told(count: int) -> None:
        flash(
            ngettext("%(num)d proposal is taken into round 1.", "%(num)d proposals are taken into round 1.", count),
            "success",
        )

    return run_button_action(
        lambda: rounds.take_new_submissions(current_user._get_current_object(), challenge),
        redirect_to=url_for("reviews.rounds", slug=slug),
        after_commit=told,
    )


def hidden_proposal_ids(challenge: Challenge) -> set[int]:
    """The proposals the user may not see in the review: a chair none they are conflicted with; owners see all."""
    if can_manage_challenge(current_user, challenge):
        return set()
    return conflicted_proposal_ids(current_user.id, challenge.id)


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/assignments", REVIEW_MANAGER)
def assignments(slug: str, number: int):
    challenge = _challenge(slug)
    review_round = round_or_404(challenge, number)
    grid = round_figures.grid_of(review_round, hidden_proposal_ids(challenge))
    return render_template(
        "reviews/rounds/assignments.html",
        challenge=challenge,
        grid=grid,
        open=review_round.locked_at is None,
        show_teams=can_manage_challenge(current_user, challenge) or not panel.is_blind(challenge),
        conflict_labels=CONFLICT_KIND_LABELS,
        cell_form=CellForm(),
    )


def _change_cell(slug: str, number: int, change, done: str):
    challenge = _challenge(slug)
    review_round = round_or_404(challenge, number)
    form = CellForm()
    if not form.validate_on_submit() or not (form.proposal.data.isdigit() and form.member.data.isdigit()):
        abort(400)
    proposal_id, member_id = int(form.proposal.data), int(form.member.data)
    if proposal_id in hidden_proposal_ids(challenge):
        abort(404)
    try:
        change(current_user._get_current_object(), review_round, proposal_id, member_id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(done, "success")
    anchor = f"cell-{proposal_id}-{member_id}"
    return redirect(url_for("reviews.assignments", slug=slug, number=number, _anchor=anchor))


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/assign", REVIEW_MANAGER, methods=["POST"])
def assign(slug: str, number: int):
    return _change_cell(slug, number, rounds.assign, _("Assigned."))


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/unassign", REVIEW_MANAGER, methods=["POST"])
def unassign(slug: str, number: int):
    return _change_cell(slug, number, rounds.unassign, _("Unassigned."))


def _own_assignment_or_404(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.member.user_id != current_user.id:
        abort(404)
    if assignment.member.status != PanelStatus.ACCEPTED:
        abort(404)
    if assignment.proposal_id in conflicted_proposal_ids(current_user.id, assignment.member.challenge_id):
        abort(404)
    return assignment


@route(bp, "/reviews/assignments/<int:assignment_id>/decline", AUTHENTICATED, methods=["POST"])
def assignment_decline(assignment_id: int):
    assignment = _own_assignment_or_404(assignment_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            rounds.decline(current_user._get_current_object(), assignment, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("You declined this assignment; the owners are told."), "success")
            return redirect(url_for("reviews.my_reviews"))
    return render_template("reviews/rounds/decline.html", assignment=assignment, form=form), 422
