"""Challenge pages: browse, show, create and edit, state actions.

Also the `challenges` blueprint and the helpers its other view modules share: addendum_views, question_views,
document_views and following_views add their routes to `bp`, and goi.register_blueprints imports them all before
it registers the blueprint.
"""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import dashboard, display, lifecycle, queries, services
from goi.challenges.browse_form import BROWSE_STATUSES, BrowseForm
from goi.challenges.display import remaining_time
from goi.challenges.following import is_following
from goi.challenges.forms import (
    CancelForm,
    ChallengeForm,
    CoverForm,
    DecideForm,
    DocumentForm,
    QuestionForm,
)
from goi.challenges.models import Challenge, ChallengeOutcome, ChallengeStatus
from goi.challenges.permissions import (
    CHALLENGE_MANAGER,
    can_ask_question,
    can_create_challenge,
    can_manage_challenge,
    managed_organization_ids,
    visible_challenge_or_404,
)
from goi.core.errors import DomainError
from goi.core.forms import run_button_action, show_domain_error
from goi.core.policy import AUTHENTICATED, PUBLIC, route
from goi.extensions import db
from goi.orgs.models import Organization
from goi.orgs.permissions import ORG_MANAGER, organization_by_slug

bp = Blueprint("challenges", __name__)

bp.add_app_template_filter(display.format_rupiah, "rupiah")
for _function in display.TEMPLATE_GLOBALS:
    bp.add_app_template_global(_function)
bp.add_app_template_global(queries.public_questions, "public_questions_of")
bp.add_app_template_global(queries.co_owner_organizations)
bp.record_once(display.register_labels)


# --- helpers shared by the challenge view modules --------------------------------------------------------------------


def current_actor():
    return current_user._get_current_object()


def show_form_error(form, error: DomainError) -> None:
    """Show a service's refusal beside the field it names, else above the form."""
    if error.field == "criteria" and hasattr(form, "criteria_errors"):
        form.criteria_errors.append(error.message)
        return
    show_domain_error(form, error)


def render_show(challenge: Challenge, status: int = 200, **forms):
    """The challenge page; the question and document views re-render it with their failed form."""
    user = current_user
    moves = lifecycle.TRANSITIONS[challenge.status]
    question_form = forms.get("question_form") or (QuestionForm() if can_ask_question(user, challenge) else None)
    can_manage = can_manage_challenge(user, challenge)
    # Forms only for who can use them: a form's CSRF token starts a session, and an anonymous page must not.
    return (
        render_template(
            "challenges/show.html",
            challenge=challenge,
            can_manage=can_manage,
            moves=moves,
            my_questions=queries.questions_of(user, challenge),
            question_form=question_form,
            document_form=forms.get("document_form") or (DocumentForm() if can_manage else None),
            cover_form=forms.get("cover_form") or (CoverForm() if can_manage else None),
            decide_form=DecideForm() if can_manage else None,
            following=is_following(user, challenge),
            remaining=remaining_time(challenge),
        ),
        status,
    )


def _render_form(form: ChallengeForm, organization: Organization, challenge: Challenge | None):
    status = 422 if request.method == "POST" else 200
    return (
        render_template("challenges/form.html", form=form, organization=organization, challenge=challenge),
        status,
    )


# --- browsing --------------------------------------------------------------------------------------------------------


@route(bp, "/challenges", PUBLIC)
def index():
    form = BrowseForm(request.args)
    filters, ignored = form.validated_filters()
    # Keywords go through the search engine (registered by goi.search at start-up, which builds on challenges),
    # so the list understands both languages, stems and typos.
    match_keywords = current_app.extensions["challenge_keyword_matcher"]
    matching_ids = match_keywords(current_user, filters["q"]) if filters.get("q") else None
    page = queries.browse_page(filters, matching_ids, per_page=20)
    return render_template(
        "challenges/index.html",
        form=form,
        page=page,
        ignored=ignored,
        filtered=bool(set(filters) - {"sort"}),
        statuses=BROWSE_STATUSES,
    )


def _chosen_status() -> ChallengeStatus | None:
    """The dashboard's ?status= filter; 404 for a state that does not exist."""
    try:
        return dashboard.chosen_status(request.args.get("status"))
    except ValueError:
        abort(404)


@route(bp, "/account/challenges", AUTHENTICATED)
def mine():
    """The owner dashboard: the challenges of the organizations the user manages, filtered by state."""
    status = _chosen_status()
    organization_ids = managed_organization_ids(current_user)
    if not organization_ids:
        return render_template("challenges/mine.html", unverified=dashboard.unverified_governments(current_user))
    # The counts per state give the chips and the list's length: no second count.
    counts = queries.status_counts(organization_ids)
    page, rows = dashboard.dashboard_page(organization_ids, status, counts)
    return render_template(
        "challenges/mine.html",
        page=page,
        rows=rows,
        status=status,
        chips=dashboard.status_chips(counts, status),
        organizations=dashboard.new_challenge_organizations(organization_ids),
    )


@route(bp, "/account/challenges.csv", AUTHENTICATED)
def mine_csv():
    """The owner dashboard's challenges (the same filter) as CSV, to download."""
    status = _chosen_status()
    organization_ids = managed_organization_ids(current_user)
    rows = dashboard.export_rows(organization_ids, status) if organization_ids else []
    response = Response(dashboard.csv_text(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{dashboard.csv_filename(status)}"'
    return response


@route(bp, "/challenges/<slug>", PUBLIC)
def show(slug: str):
    return render_show(visible_challenge_or_404(current_user, slug))


# --- creating and editing --------------------------------------------------------------------------------------------


@route(bp, "/orgs/<slug>/challenges/new", ORG_MANAGER, methods=["GET", "POST"])
def create(slug: str):
    organization = organization_by_slug(slug)
    if organization is None:
        abort(404)
    if not can_create_challenge(current_user, organization):
        abort(403)
    form = ChallengeForm(co_owner_candidates=queries.co_owner_candidates(organization))
    if request.method == "GET":
        form.load_defaults(organization)
    if form.validate_on_submit():
        try:
            challenge = services.create_challenge(current_actor(), organization, form.values())
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The challenge is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("challenges.show", slug=challenge.slug))
    return _render_form(form, organization, None)


@route(bp, "/challenges/<slug>/edit", CHALLENGE_MANAGER, methods=["GET", "POST"])
def edit(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if request.method == "GET" and challenge.status != ChallengeStatus.DRAFT:
        flash(_("A published challenge changes only through an addendum."), "info")
        if challenge.status == ChallengeStatus.PUBLISHED:
            return redirect(url_for("challenges.new_addendum", slug=slug))
        return redirect(url_for("challenges.show", slug=slug))
    organization = challenge.owner_org
    form = ChallengeForm(co_owner_candidates=queries.co_owner_candidates(organization))
    if request.method == "GET":
        form.load(challenge)
    if form.validate_on_submit():
        try:
            services.update_draft(current_actor(), challenge, form.values())
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    return _render_form(form, organization, challenge)


# --- state actions ---------------------------------------------------------------------------------------------------


def _state_action(slug: str, action, done: str):
    """Run one state transition from a button; refusals are flashed."""
    challenge = visible_challenge_or_404(current_user, slug)
    return run_button_action(
        lambda: action(current_actor(), challenge), redirect_to=url_for("challenges.show", slug=slug), done=done
    )


@route(bp, "/challenges/<slug>/publish", CHALLENGE_MANAGER, methods=["POST"])
def publish(slug: str):
    return _state_action(slug, lifecycle.publish, _("The challenge is published."))


@route(bp, "/challenges/<slug>/start-review", CHALLENGE_MANAGER, methods=["POST"])
def start_review(slug: str):
    return _state_action(slug, lifecycle.start_review, _("The review has started."))


@route(bp, "/challenges/<slug>/archive", CHALLENGE_MANAGER, methods=["POST"])
def archive(slug: str):
    return _state_action(slug, lifecycle.archive, _("The challenge is archived."))


@route(bp, "/challenges/<slug>/decide", CHALLENGE_MANAGER, methods=["POST"])
def decide(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = DecideForm()
    return run_button_action(
        lambda: lifecycle.decide(current_actor(), challenge, ChallengeOutcome(form.outcome.data), form.note.data or ""),
        redirect_to=url_for("challenges.show", slug=slug),
        done=_("The decision is recorded."),
        form=form,
    )


@route(bp, "/challenges/<slug>/cancel", CHALLENGE_MANAGER, methods=["GET", "POST"])
def cancel(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            lifecycle.cancel(current_actor(), challenge, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The challenge is cancelled."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("challenges/cancel.html", challenge=challenge, form=form), status
