"""A reviewer's pages: their panels and assignments, the review form; the panel's view of a proposal and its
discussion."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from goi.challenges.models import Challenge
from goi.challenges.permissions import visible_challenge_or_404
from goi.core.errors import DomainError
from goi.core.forms import Form, select_choices, show_domain_error
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db
from goi.proposals.submission import display_content
from goi.proposals.team import partner_organizations
from goi.reviews import panel, scoring
from goi.reviews.models import Assignment, PanelRole, Recommendation, ReviewStatus
from goi.reviews.permissions import PANEL_MEMBER
from goi.reviews.scoring import CONFIDENCE_LABELS, MAX_TEXT, RECOMMENDATION_LABELS, ReviewInput, Saved
from goi.reviews.views import bp

PANEL_ROLE_LABELS = {PanelRole.REVIEWER: _l("reviewer"), PanelRole.CHAIR: _l("chair")}


class OptionalChoiceField(RadioField):
    """A radio group a draft may leave empty; a value that is not one of its choices is refused with `message` (a
    score off the scale, a word where a number belongs), so that the reviewer reads what the rubric allows."""

    def __init__(self, label=None, validators=None, message="", coerce=str, **kwargs):
        super().__init__(label, validators, coerce=coerce, validate_choice=False, **kwargs)
        self.invalid_message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        raw = valuelist[0].strip() if valuelist else ""
        if not raw:
            return
        if raw not in {choice.value for choice in self._choices_from_input(self.choices)}:
            raise ValueError(str(self.invalid_message))
        self.data = self.coerce(raw)


class ReviewForm(Form):
    recommendation = OptionalChoiceField(
        _l("Overall recommendation"),
        choices=select_choices((item.value, label) for item, label in RECOMMENDATION_LABELS.items()),
        message=_l("Choose one of the recommendations."),
    )
    confidence = OptionalChoiceField(
        _l("Your confidence"),
        choices=select_choices(CONFIDENCE_LABELS.items()),
        coerce=int,
        message=_l("Choose a confidence from 1 to 4."),
    )
    panel_note = TextAreaField(
        _l("Note for the panel"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Private: read by the panel, its chairs and the challenge's owners, never by the team."),
    )

    criteria_ids: tuple[int, ...] = ()

    def criterion_fields(self) -> list[tuple[int, OptionalChoiceField, TextAreaField]]:
        return [
            (criterion_id, self[scoring.score_field(criterion_id)], self[scoring.comment_field(criterion_id)])
            for criterion_id in self.criteria_ids
        ]

    def values(self) -> ReviewInput:
        return ReviewInput(
            scores={criterion_id: score.data for criterion_id, score, _comment in self.criterion_fields()},
            comments={criterion_id: comment.data or "" for criterion_id, _score, comment in self.criterion_fields()},
            recommendation=Recommendation(self.recommendation.data) if self.recommendation.data else None,
            confidence=self.confidence.data,
            panel_note=self.panel_note.data or "",
        )

    def fill(self, values: ReviewInput) -> None:
        for criterion_id, score, comment in self.criterion_fields():
            score.data = values.scores.get(criterion_id)
            comment.data = values.comments.get(criterion_id, "")
        self.recommendation.data = values.recommendation.value if values.recommendation else None
        self.confidence.data = values.confidence
        self.panel_note.data = values.panel_note


def review_form_for(challenge: Challenge, **kwargs) -> ReviewForm:
    """A review form with a score and a comment per criterion of the challenge, on its scale."""

    class _RubricForm(ReviewForm):
        pass

    scale = challenge.score_scale
    for criterion in challenge.criteria:
        setattr(
            _RubricForm,
            scoring.score_field(criterion.id),
            OptionalChoiceField(
                criterion.name,
                choices=select_choices((value, value) for value in range(1, scale + 1)),
                coerce=int,
                message=scoring.off_scale_message(scale),
            ),
        )
        setattr(
            _RubricForm,
            scoring.comment_field(criterion.id),
            TextAreaField(_l("Comment"), validators=[Optional(), Length(max=MAX_TEXT)]),
        )
    _RubricForm.criteria_ids = tuple(criterion.id for criterion in challenge.criteria)
    return _RubricForm(**kwargs)


class DiscussionForm(Form):
    body = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l("Markdown. Read by the panel, its chairs and the challenge's owners, never by the team."),
    )


# --- the user's reviews ----------------------------------------------------------------------------------------------


@route(bp, "/account/reviews", AUTHENTICATED)
def my_reviews():
    user = current_user._get_current_object()
    return render_template(
        "reviews/scoring/mine.html",
        panels=scoring.panels_of(user),
        groups=scoring.assignments_by_challenge(user),
        review_state=scoring.review_state,
        days_left=scoring.days_left,
        panel_roles=PANEL_ROLE_LABELS,
    )


# --- the review form -------------------------------------------------------------------------------------------------


def _assignment_or_404(assignment_id: int) -> Assignment:
    assignment = scoring.assignment_for(current_user, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@route(bp, "/reviews/assignments/<int:assignment_id>", AUTHENTICATED, methods=["GET", "POST"])
def review_form(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    challenge = assignment.round.challenge
    review = assignment.review
    if request.method == "GET":
        form = review_form_for(challenge, formdata=None)
        form.fill(scoring.review_values(review))
        return _render_review(assignment, form)
    form = review_form_for(challenge)
    if not panel.round_is_open(assignment.round):
        form.form_errors.append(_("This round is locked: its reviews can no longer be changed. Nothing was saved."))
        return _render_review(assignment, form, 409)
    submit = request.form.get("action") == "submit" or (review is not None and review.status == ReviewStatus.SUBMITTED)
    if form.validate_on_submit():
        values = form.values()
        problems = scoring.submission_problems(values, list(challenge.criteria)) if submit else {}
        for name, message in problems.items():
            form[name].errors = [*form[name].errors, message]
        if not problems:
            try:
                saved = scoring.save_review(current_user._get_current_object(), assignment, values, submit)
            except DomainError as error:
                db.session.rollback()
                show_domain_error(form, error)
            else:
                db.session.commit()
                flash(_SAVED_MESSAGES[saved](), "success" if saved != Saved.UNCHANGED else "info")
                if saved in (Saved.SUBMITTED, Saved.REVISED):
                    return redirect(
                        url_for("reviews.panel_proposal", slug=challenge.slug, proposal_id=assignment.proposal_id)
                    )
                return redirect(url_for("reviews.review_form", assignment_id=assignment.id))
    return _render_review(assignment, form, 422)


_SAVED_MESSAGES = {
    Saved.DRAFT: lambda: _("Your draft is saved. Submit the review when it is complete."),
    Saved.SUBMITTED: lambda: _("Your review is submitted. You may now read the other reviews and discuss."),
    Saved.REVISED: lambda: _("Your review is revised; the changes are recorded."),
    Saved.UNCHANGED: lambda: _("Nothing was changed."),
}


def _render_review(assignment: Assignment, form: ReviewForm, status: int = 200):
    challenge = assignment.round.challenge
    proposal = assignment.proposal
    blind = panel.is_blind(challenge)
    review = assignment.review
    return (
        render_template(
            "reviews/scoring/form.html",
            assignment=assignment,
            challenge=challenge,
            proposal=proposal,
            content=display_content(proposal, submitted_only=True),
            blind=blind,
            partner_organizations=[] if blind else partner_organizations(proposal),
            form=form,
            criteria=list(challenge.criteria),
            editable=panel.round_is_open(assignment.round),
            submitted=review is not None and review.status == ReviewStatus.SUBMITTED,
            review=review,
            days_left=scoring.days_left(assignment.round),
        ),
        status,
    )


# --- the panel's view of a proposal and its discussion ---------------------------------------------------------------


def _panel_view_or_404(slug: str, proposal_id: int) -> tuple[Challenge, scoring.PanelView]:
    challenge = visible_challenge_or_404(current_user, slug)
    view = scoring.panel_view(current_user, challenge, proposal_id)
    if view is None:
        abort(404)
    return challenge, view


@route(bp, "/challenges/<slug>/review/proposals/<int:proposal_id>", PANEL_MEMBER)
def panel_proposal(slug: str, proposal_id: int):
    challenge, view = _panel_view_or_404(slug, proposal_id)
    return _render_panel(challenge, view, DiscussionForm(formdata=None))


@route(bp, "/challenges/<slug>/review/proposals/<int:proposal_id>/discussion", PANEL_MEMBER, methods=["POST"])
def discuss(slug: str, proposal_id: int):
    challenge, view = _panel_view_or_404(slug, proposal_id)
    if not view.discussion_open:
        abort(404)
    form = DiscussionForm()
    if form.validate_on_submit():
        try:
            post = scoring.add_post(current_user._get_current_object(), view, form.body.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your message is posted."), "success")
            return redirect(
                url_for("reviews.panel_proposal", slug=slug, proposal_id=proposal_id, _anchor=f"post-{post.id}")
            )
    return _render_panel(challenge, view, form, 422)


def _render_panel(challenge: Challenge, view: scoring.PanelView, form: DiscussionForm, status: int = 200):
    proposal = view.proposal
    return (
        render_template(
            "reviews/scoring/proposal.html",
            challenge=challenge,
            view=view,
            proposal=proposal,
            blind=view.blind,
            content=display_content(proposal, submitted_only=True),
            partner_organizations=[] if view.blind else partner_organizations(proposal),
            criteria={criterion.id: criterion for criterion in challenge.criteria},
            form=form,
            field_label=scoring.changed_field_label,
            value_label=scoring.changed_value_label,
        ),
        status,
    )


@bp.record_once
def _register_globals(state) -> None:
    state.app.jinja_env.globals.update(
        recommendation_labels=RECOMMENDATION_LABELS,
        confidence_labels=CONFIDENCE_LABELS,
    )
