"""A round's ranking for owners and chairs, its shortlist and exports; the owner's decision and the review settings."""

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from goi.challenges.dashboard import csv_cell
from goi.challenges.models import Challenge
from goi.challenges.permissions import CHALLENGE_MANAGER, can_manage_challenge, visible_challenge_or_404
from goi.core import clock
from goi.core.errors import DomainError
from goi.core.forms import ActionForm, Form, QuickSelectField, select_choices, show_domain_error
from goi.core.pagination import current_page_number
from goi.core.policy import PUBLIC, route
from goi.extensions import db
from goi.reviews import decisions, panel, ranking, services, showcase
from goi.reviews import ranking_export as exports
from goi.reviews.models import Blindness, ReviewRound
from goi.reviews.permissions import REVIEW_MANAGER
from goi.reviews.round_views import hidden_proposal_ids, round_or_404
from goi.reviews.views import bp

BLINDNESS_LABELS = {
    Blindness.OPEN: _l("Open: reviewers see who submitted each proposal"),
    Blindness.SINGLE_BLIND: _l(
        "Single-blind: reviewers never see team names, organizations or members (the proposers never see the "
        "reviewers' names in either case)"
    ),
}


EXPORT_FORMATS = ("csv", "xlsx")


def score_format(value: float | None) -> str:
    """A score to one decimal in the reader's language, or a dash."""
    return "–" if value is None else format_decimal(value, format="0.0")


def two_decimals(value: float) -> str:
    return format_decimal(value, format="0.00")


bp.add_app_template_filter(score_format, "score")
bp.add_app_template_filter(two_decimals, "decimal2")
bp.add_app_template_global(decisions.shared_comments, "shared_review_comments")


class SettingsForm(Form):
    blindness = RadioField(
        _l("Blindness"),
        choices=select_choices((blindness.value, label) for blindness, label in BLINDNESS_LABELS.items()),
        validators=[InputRequired()],
        default=Blindness.OPEN.value,
    )
    min_reviews = IntegerField(
        _l("Reviews before a proposal is ranked"),
        validators=[InputRequired(), NumberRange(min=decisions.MIN_REVIEWS[0], max=decisions.MIN_REVIEWS[1])],
        description=_l("A proposal with fewer submitted reviews is listed after the ranking (1 to 10)."),
    )
    disagreement_spread = IntegerField(
        _l("Disagreement spread (points)"),
        validators=[
            InputRequired(),
            NumberRange(min=decisions.DISAGREEMENT_SPREAD[0], max=decisions.DISAGREEMENT_SPREAD[1]),
        ],
        description=_l(
            "A proposal whose highest and lowest weighted scores (0 to 100) lie further apart is flagged for "
            "discussion (5 to 100)."
        ),
    )
    share_comments = BooleanField(
        _l("Share the reviewers' comments with the proposers once the results are published"),
        description=_l("Only the comments on each criterion, without the reviewers' names and without scores."),
    )

    def values(self) -> decisions.SettingsValues:
        return decisions.SettingsValues(
            blindness=Blindness(self.blindness.data),
            min_reviews=self.min_reviews.data,
            disagreement_spread=self.disagreement_spread.data,
            share_comments=bool(self.share_comments.data),
        )


class DecideForm(Form):
    summary = TextAreaField(
        _l("Summary of the results"),
        validators=[DataRequired(), Length(max=services.MAX_SUMMARY)],
        description=_l("Public. Markdown: how the proposals were reviewed and what was decided."),
    )
    proposal_ids: tuple[int, ...] = ()

    def rows(self) -> list[tuple[int, QuickSelectField, TextAreaField]]:
        return [(pid, self[f"decision_{pid}"], self[f"reason_{pid}"]) for pid in self.proposal_ids]

    def choices(self) -> list[decisions.DecisionChoice]:
        return [
            decisions.DecisionChoice(pid, decisions.Decision(decision.data), reason.data or "")
            for pid, decision, reason in self.rows()
        ]


def decide_form_for(proposal_ids: list[int], **kwargs) -> DecideForm:
    """A DecideForm with a decision and a reason per proposal of the round; the rows are the server's."""

    class _RoundDecideForm(DecideForm):
        pass

    choices = select_choices((decision.value, label) for decision, label in decisions.DECISION_LABELS.items())
    for proposal_id in proposal_ids:
        setattr(
            _RoundDecideForm,
            f"decision_{proposal_id}",
            QuickSelectField(_l("Decision"), choices=choices, default=decisions.Decision.NOT_SELECTED.value),
        )
        setattr(
            _RoundDecideForm,
            f"reason_{proposal_id}",
            TextAreaField(
                _l("Reason"),
                validators=[DataRequired(), Length(max=decisions.MAX_REASON)],
                description=_l("Required. The citation in the published results for an award; kept in the log."),
            ),
        )
    _RoundDecideForm.proposal_ids = tuple(proposal_ids)
    return _RoundDecideForm(**kwargs)


def _challenge(slug: str) -> Challenge:
    return visible_challenge_or_404(current_user, slug)


def _sort() -> str:
    sort = request.args.get("sort", "mean")
    return sort if sort in ranking.SORTS else "mean"


def _render_ranking(challenge: Challenge, review_round: ReviewRound, decide_form=None, status: int = 200):
    sort = _sort()
    hidden = hidden_proposal_ids(challenge)
    result = ranking.ranking_of(challenge, review_round, sort, hidden)
    is_owner = can_manage_challenge(current_user, challenge)
    decidable = decisions.decidable_round(challenge) if is_owner else None
    last_round = decidable is not None and decidable.id == review_round.id
    # The form waits for the round's lock; a refused decision shows again with what was typed and why.
    may_decide = last_round and (review_round.locked_at is not None or decide_form is not None)
    if may_decide and decide_form is None:
        decide_form = decide_form_for([row.proposal_id for row in result.rows], formdata=None)
    all_rounds = panel.rounds_of(challenge)
    next_taken = any(item.number > review_round.number for item in all_rounds)
    return (
        render_template(
            "reviews/ranking/ranking.html",
            challenge=challenge,
            ranking=result,
            rounds=all_rounds,
            sort=sort,
            show_teams=is_owner or not panel.is_blind(challenge),
            shortlist_open=review_round.locked_at is None and not next_taken,
            decide_form=decide_form if may_decide else None,
            decide_after_lock=last_round and not may_decide,
            decision_labels=decisions.DECISION_LABELS,
            reliable_alpha=ranking.RELIABLE_ALPHA,
            action_form=ActionForm(),
        ),
        status,
    )


@route(bp, "/challenges/<slug>/review/ranking", REVIEW_MANAGER, defaults={"number": None}, endpoint="ranking")
@route(bp, "/challenges/<slug>/review/rounds/<int:number>/ranking", REVIEW_MANAGER, endpoint="ranking")
def ranking_page(slug: str, number: int | None):
    challenge = _challenge(slug)
    if number is None:
        current = panel.current_round(challenge)
        if current is None:
            return render_template("reviews/ranking/no_round.html", challenge=challenge)
        return redirect(url_for("reviews.ranking", slug=slug, number=current.number))
    return _render_ranking(challenge, round_or_404(challenge, number))


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/shortlist", REVIEW_MANAGER, methods=["POST"])
def shortlist(slug: str, number: int):
    challenge = _challenge(slug)
    review_round = round_or_404(challenge, number)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = {int(value) for value in request.form.getlist("shortlisted") if value.isdigit()}
    try:
        ranking.set_shortlist(current_user._get_current_object(), review_round, wanted, hidden_proposal_ids(challenge))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The shortlist of round %(number)d is saved.", number=number), "success")
    return redirect(url_for("reviews.ranking", slug=slug, number=number, sort=_sort()))


@route(bp, "/challenges/<slug>/review/decide", CHALLENGE_MANAGER, methods=["POST"])
def decide(slug: str):
    challenge = _challenge(slug)
    review_round = decisions.decidable_round(challenge)
    if review_round is None:
        flash(_("There is nothing to decide: no round waits for a decision."), "info")
        return redirect(url_for("reviews.overview", slug=slug))
    proposal_ids = [entry.proposal_id for entry in ranking.round_proposals(review_round)]
    form = decide_form_for(proposal_ids)
    if form.validate_on_submit():
        try:
            decisions.decide(current_user._get_current_object(), challenge, form.summary.data, form.choices())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The decision is recorded and the results are published."), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="results"))
    return _render_ranking(challenge, review_round, decide_form=form, status=422)


@route(bp, "/challenges/<slug>/review/rounds/<int:number>/ranking.<fmt>", REVIEW_MANAGER)
def ranking_export(slug: str, number: int, fmt: str):
    challenge = _challenge(slug)
    review_round = round_or_404(challenge, number)
    if fmt not in EXPORT_FORMATS:
        abort(404)
    hidden = hidden_proposal_ids(challenge)
    today = clock.in_zone(clock.now(), challenge.timezone).date().isoformat()
    if fmt == "xlsx":
        content = exports.xlsx_bytes(challenge, review_round, hidden)
        name = f"{challenge.slug}-round-{number}-{today}.xlsx"
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        part = "reviews" if request.args.get("part") == "reviews" else "ranking"
        sheet = exports.reviews_sheet if part == "reviews" else exports.ranking_sheet
        buffer = io.StringIO()
        csv.writer(buffer).writerows(
            [csv_cell(value) for value in row] for row in sheet(challenge, review_round, hidden)
        )
        content = buffer.getvalue()
        name = f"{challenge.slug}-round-{number}-{part}-{today}.csv"
        mimetype = "text/csv"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@route(bp, "/challenges/<slug>/review/settings", CHALLENGE_MANAGER, methods=["GET", "POST"])
def review_settings(slug: str):
    challenge = _challenge(slug)
    form = SettingsForm()
    locked = decisions.any_review_submitted(challenge)
    if request.method == "GET":
        stored = panel.settings_of(challenge)
        form.blindness.data = stored.blindness.value
        form.min_reviews.data = stored.min_reviews
        form.disagreement_spread.data = stored.disagreement_spread
        form.share_comments.data = stored.share_comments
    elif form.validate_on_submit():
        try:
            decisions.save_settings(current_user._get_current_object(), challenge, form.values())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The review settings are saved."), "success")
            return redirect(url_for("reviews.review_settings", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "reviews/ranking/settings.html", challenge=challenge, form=form, blindness_locked=locked
    ), status


@route(bp, "/solutions", PUBLIC)
def solutions():
    """The public showcase of winning proposals, searchable; the same for every visitor (kept in the page cache)."""
    words = request.args.get("q", "")
    page = showcase.solutions(words, current_page_number())
    return render_template("reviews/ranking/solutions.html", page=page, words=words.strip())
