"""Assign automatically, from the assignment grid: the solver's proposal to check, adjust and confirm."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, Field, HiddenField
from wtforms.validators import AnyOf, InputRequired
from wtforms.widgets import HiddenInput

from goi.challenges.models import Challenge
from goi.challenges.permissions import visible_challenge_or_404
from goi.core import transactions
from goi.core.errors import DomainError
from goi.core.forms import Form, QuickSelectField, select_choices, show_domain_error
from goi.core.policy import route
from goi.extensions import db
from goi.reviews import auto_assign
from goi.reviews.models import ReviewRound
from goi.reviews.permissions import REVIEW_MANAGER
from goi.reviews.round_views import hidden_proposal_ids, round_or_404
from goi.reviews.views import bp

MODE_LABELS = {
    "total": _l("Best total: the highest affinity over all proposals"),
    "fair": _l("Fairest: no proposal left with only weak reviewers"),
    "randomized": _l("Randomized: no pair is certain, each capped at the chance below"),
}
# The randomized mode's cap on one pair's chance; lower is harder to predict and needs more reviewers.
MAX_PROBABILITIES = ("0.3", "0.4", "0.5", "0.6", "0.75")


class AutoAssignForm(Form):
    mode = QuickSelectField(_l("How to assign"), default="total", validators=[InputRequired()])
    max_probability = QuickSelectField(
        _l("Highest chance of one pair (randomized only)"),
        default=str(auto_assign.DEFAULT_MAX_PROBABILITY),
        validators=[InputRequired()],
        description=_l("Lower makes the assignment harder to predict, and needs more reviewers per proposal."),
    )
    one_per_organization = BooleanField(
        _l("At most one reviewer of the same organization on a proposal"),
        description=_l("Best total and fairest only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = select_choices((mode, MODE_LABELS[mode]) for mode in auto_assign.MODES)
        self.max_probability.choices = select_choices(
            (value, format_percent(float(value))) for value in MAX_PROBABILITIES
        )


@bp.app_template_global()
def new_auto_assign_form() -> AutoAssignForm:
    """An empty form for the assignment grid's "Assign automatically" (templates/reviews/rounds/assignments.html)."""
    return AutoAssignForm(formdata=None)


class PairsField(Field):
    """The checked pairs of the preview, each posted as proposal_id:member_id; anything else is refused."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = []
        for value in valuelist:
            proposal, _sep, member = value.partition(":")
            if not (proposal.isdigit() and member.isdigit()):
                raise ValueError(_("A proposed assignment is not valid."))
            self.data.append((int(proposal), int(member)))


class ConfirmForm(Form):
    mode = HiddenField(validators=[InputRequired(), AnyOf(auto_assign.MODES)])
    pairs = PairsField()


def _page(challenge: Challenge, review_round: ReviewRound, form: AutoAssignForm, result=None, status: int = 200):
    confirm_form = None
    if result is not None:
        confirm_form = ConfirmForm(formdata=None, mode=result.mode)
    return (
        render_template(
            "reviews/rounds/auto_assign.html",
            challenge=challenge,
            review_round=review_round,
            form=form,
            result=result,
            confirm_form=confirm_form,
        ),
        status,
    )


@route(
    bp,
    "/challenges/<slug>/review/rounds/<int:number>/auto-assign",
    REVIEW_MANAGER,
    methods=["GET", "POST"],
    endpoint="auto_assign",
)
def auto_assign_page(slug: str, number: int):
    # The preview writes nothing: a solve must not hold SQLite's write lock.
    transactions.read_from_here()
    challenge = visible_challenge_or_404(current_user, slug)
    review_round = round_or_404(challenge, number)
    form = AutoAssignForm()
    if not form.validate_on_submit():
        return _page(challenge, review_round, form, status=422 if form.is_submitted() else 200)
    try:
        result = auto_assign.propose(
            review_round,
            hidden_proposal_ids(challenge),
            form.mode.data,
            float(form.max_probability.data),
            str(get_locale() or "id"),
            one_per_organization=form.one_per_organization.data,
        )
    except DomainError as error:
        show_domain_error(form, error)
        return _page(challenge, review_round, form, status=422)
    return _page(challenge, review_round, form, result)


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/auto-assign/confirm", REVIEW_MANAGER, methods=["POST"])
def auto_assign_confirm(slug: str, number: int):
    challenge = visible_challenge_or_404(current_user, slug)
    review_round = round_or_404(challenge, number)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    hidden = hidden_proposal_ids(challenge)
    if any(proposal_id in hidden for proposal_id, _member_id in form.pairs.data):
        abort(404)
    try:
        made = auto_assign.confirm(
            current_user._get_current_object(), review_round, hidden, form.pairs.data, form.mode.data
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("reviews.auto_assign", slug=slug, number=number))
    db.session.commit()
    flash(ngettext("%(num)d assignment is made.", "%(num)d assignments are made.", made), "success")
    return redirect(url_for("reviews.assignments", slug=slug, number=number))
