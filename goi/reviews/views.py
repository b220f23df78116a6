"""Results pages: the owner's form to publish them; the challenge page shows them through template globals."""

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges.models import Challenge
from goi.challenges.permissions import (
    CHALLENGE_MANAGER,
    visible_challenge_or_404,
)
from goi.core.errors import DomainError
from goi.core.forms import show_domain_error
from goi.core.policy import route
from goi.extensions import db
from goi.reviews import services
from goi.reviews.forms import AWARD_LABELS, OUTCOME_KIND_LABELS, results_form_for
from goi.reviews.models import ChallengeResult
from goi.reviews.outcomes import Outcome, OutcomeKind, outcomes_of
from goi.reviews.permissions import can_publish_results

bp = Blueprint("reviews", __name__)


@dataclass(frozen=True, slots=True)
class PublishedResults:
    """What the challenge page shows of published results."""

    result: ChallengeResult
    entries: list[services.PublicEntry]


@bp.app_template_global()
def published_results(challenge: Challenge) -> PublishedResults | None:
    """The challenge's results as everyone sees them, or None before publication."""
    result = services.result_of(challenge)
    if result is None:
        return None
    return PublishedResults(result=result, entries=services.public_entries(result))


def outcome_label(outcome: Outcome) -> str:
    """An award's name, or what else became of the proposal."""
    if outcome.kind == OutcomeKind.AWARDED and outcome.award is not None:
        return str(AWARD_LABELS[outcome.award])
    return str(OUTCOME_KIND_LABELS[outcome.kind])


@bp.record_once
def _register_globals(state) -> None:
    state.app.jinja_env.globals.update(
        can_publish_results=can_publish_results,
        award_labels=AWARD_LABELS,
        proposal_outcomes=outcomes_of,
        outcome_label=outcome_label,
    )


@route(bp, "/challenges/<slug>/results/new", CHALLENGE_MANAGER, methods=["GET", "POST"])
def new_results(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not services.awaiting_results(challenge):
        if services.is_published(challenge):
            flash(_("The results of this challenge are already published; they cannot be changed."), "info")
        else:
            flash(_("Results are published once the challenge is decided."), "info")
        return redirect(url_for("challenges.show", slug=slug))
    proposals = services.eligible_proposals(challenge)
    form = results_form_for(proposals)
    if form.validate_on_submit():
        try:
            services.publish_results(current_user._get_current_object(), challenge, form.summary.data, form.entries())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The results are published."), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="results"))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "reviews/results_form.html",
            challenge=challenge,
            form=form,
            proposals={proposal.id: proposal for proposal in proposals},
        ),
        status,
    )
