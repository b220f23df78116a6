"""Challenge pages: browse, show, create and edit, state actions, addenda, questions, documents, following."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from goi.accounts.forms import ActionForm
from goi.challenges import queries, services
from goi.challenges.forms import (
    BROWSE_STATUSES,
    BUDGET_KIND_LABELS,
    OUTCOME_LABELS,
    SOLVER_KIND_LABELS,
    AddendumForm,
    AnswerForm,
    BrowseForm,
    CancelForm,
    ChallengeForm,
    DecideForm,
    DocumentForm,
    QuestionForm,
)
from goi.challenges.models import Challenge, ChallengeDocument, ChallengeOutcome, ChallengeStatus, Question
from goi.challenges.permissions import (
    CHALLENGE_MANAGER,
    can_ask_question,
    can_create_challenge,
    can_manage_challenge,
    managed_organization_ids,
    visible_challenge_or_404,
)
from goi.core import clock
from goi.core.errors import DomainError
from goi.core.forms import show_domain_error
from goi.core.pagination import paginate
from goi.core.policy import AUTHENTICATED, PUBLIC, route
from goi.core.storage import DOCUMENT_TYPES, UploadError, remove_upload, save_upload, send_upload
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.orgs.models import Organization
from goi.orgs.permissions import ORG_MANAGER, can_manage_organization, organization_by_slug

bp = Blueprint("challenges", __name__)


# --- helpers ---------------------------------------------------------------------------------------------------------


def _actor():
    return current_user._get_current_object()


def _form_error(form, error: DomainError) -> None:
    """Show a service's refusal beside the field it names, else above the form."""
    if error.field == "criteria" and hasattr(form, "criteria_errors"):
        form.criteria_errors.append(error.message)
        return
    show_domain_error(form, error)


def display_status(challenge: Challenge) -> ChallengeStatus:
    """The state to show: a published challenge past its deadline is closed, even before the clock job runs."""
    if challenge.status == ChallengeStatus.PUBLISHED and challenge.deadline_passed:
        return ChallengeStatus.CLOSED
    return challenge.status


def remaining_time(challenge: Challenge) -> dict | None:
    """Days, hours and minutes to the deadline while proposals are accepted, else None."""
    if challenge.status != ChallengeStatus.PUBLISHED or challenge.deadline_passed:
        return None
    seconds = int((challenge.closes_at - clock.now()).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    return {"days": days, "hours": hours, "minutes": seconds // 60}


def _render_show(challenge: Challenge, status: int = 200, **forms):
    user = current_user
    moves = services.TRANSITIONS[challenge.status]
    question_form = forms.get("question_form") or (QuestionForm() if can_ask_question(user, challenge) else None)
    return (
        render_template(
            "challenges/show.html",
            challenge=challenge,
            co_owners=queries.co_owner_organizations(challenge),
            can_manage=can_manage_challenge(user, challenge),
            moves=moves,
            public_questions=queries.public_questions(challenge),
            my_questions=queries.questions_of(user, challenge),
            question_form=question_form,
            document_form=forms.get("document_form") or DocumentForm(),
            decide_form=DecideForm(),
            following=services.is_following(user, challenge),
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


# --- template helpers ------------------------------------------------------------------------------------------------


def _locale() -> str:
    return str(get_locale() or taxonomy.DEFAULT_LOCALE)


@bp.app_template_filter("rupiah")
def format_rupiah(amount: int | None) -> str:
    """'Rp 1.500.000.000': Indonesian digit grouping."""
    if amount is None:
        return ""
    return "Rp " + f"{amount:,}".replace(",", ".")


@bp.app_template_global()
def challenge_status_label(challenge: Challenge) -> str:
    return services.status_label(display_status(challenge))


@bp.app_template_global()
def challenge_status_key(challenge: Challenge) -> str:
    return display_status(challenge).value


@bp.app_template_global()
def sector_label(code: str | None) -> str:
    sector = taxonomy.sector(code or "")
    return sector.label(_locale()) if sector else ""


@bp.app_template_global()
def dimension_label(code: str | None) -> str:
    dimension = taxonomy.dimension(code or "")
    return dimension.label(_locale()) if dimension else ""


@bp.app_template_global()
def sdg_label(number: int) -> str:
    goal = taxonomy.sdg(number)
    return f"{number}. {goal.label(_locale())}" if goal else str(number)


@bp.app_template_global()
def challenge_region(challenge: Challenge) -> str:
    """'Kota Denpasar, Bali' or the metropolitan area's name, or both."""
    parts = []
    place = regions.regency(challenge.regency_code) if challenge.regency_code else None
    province = regions.province(challenge.province_code) if challenge.province_code else None
    parts.extend(part.name for part in (place, province) if part is not None)
    metro = regions.metro(challenge.metro_code) if challenge.metro_code else None
    if metro is not None:
        parts.append(_("Metropolitan area %(name)s", name=metro.name))
    return ", ".join(parts)


@bp.app_template_global()
def zone_abbreviation(zone_name: str) -> str:
    return regions.zone_abbreviation(zone_name)


@bp.app_template_global()
def organization_challenges(organization: Organization) -> list[Challenge]:
    """An organization's challenges as the current user may see them: drafts only for its managers."""
    return queries.organization_challenges(organization, can_manage_organization(current_user, organization))


@bp.app_template_global()
def challenge_status_name(status: ChallengeStatus) -> str:
    return services.status_label(status)


@bp.record_once
def _register_labels(state) -> None:
    # Globals rather than a context processor, so that imported macros see them too.
    state.app.jinja_env.globals.update(
        solver_kind_labels=SOLVER_KIND_LABELS,
        budget_kind_labels=BUDGET_KIND_LABELS,
        outcome_labels=OUTCOME_LABELS,
        ChallengeStatus=ChallengeStatus,
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
    page = paginate(queries.browse_query(filters, matching_ids), per_page=20)
    return render_template(
        "challenges/index.html",
        form=form,
        page=page,
        ignored=ignored,
        filtered=bool(set(filters) - {"sort"}),
        statuses=BROWSE_STATUSES,
    )


@route(bp, "/account/challenges", AUTHENTICATED)
def mine():
    organization_ids = managed_organization_ids(current_user)
    page = counts = None
    if organization_ids:
        page = paginate(queries.managed_challenges_query(organization_ids), per_page=30)
        counts = queries.status_counts(organization_ids)
    return render_template("challenges/mine.html", page=page, counts=counts)


@route(bp, "/challenges/<slug>", PUBLIC)
def show(slug: str):
    return _render_show(visible_challenge_or_404(current_user, slug))


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
            challenge = services.create_challenge(_actor(), organization, form.values())
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
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
            services.update_draft(_actor(), challenge, form.values())
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    return _render_form(form, organization, challenge)


# --- state actions ---------------------------------------------------------------------------------------------------


def _state_action(slug: str, action, done: str):
    """Run one state transition from a button; refusals are flashed."""
    challenge = visible_challenge_or_404(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(_actor(), challenge)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("challenges.show", slug=slug))


@route(bp, "/challenges/<slug>/publish", CHALLENGE_MANAGER, methods=["POST"])
def publish(slug: str):
    return _state_action(slug, services.publish, _("The challenge is published."))


@route(bp, "/challenges/<slug>/start-review", CHALLENGE_MANAGER, methods=["POST"])
def start_review(slug: str):
    return _state_action(slug, services.start_review, _("The review has started."))


@route(bp, "/challenges/<slug>/archive", CHALLENGE_MANAGER, methods=["POST"])
def archive(slug: str):
    return _state_action(slug, services.archive, _("The challenge is archived."))


@route(bp, "/challenges/<slug>/decide", CHALLENGE_MANAGER, methods=["POST"])
def decide(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decide(_actor(), challenge, ChallengeOutcome(form.outcome.data), form.note.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("The decision is recorded."), "success")
    return redirect(url_for("challenges.show", slug=slug))


@route(bp, "/challenges/<slug>/cancel", CHALLENGE_MANAGER, methods=["GET", "POST"])
def cancel(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(_actor(), challenge, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("The challenge is cancelled."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("challenges/cancel.html", challenge=challenge, form=form), status


# --- addenda ---------------------------------------------------------------------------------------------------------


@route(bp, "/challenges/<slug>/addenda/new", CHALLENGE_MANAGER, methods=["GET", "POST"])
def new_addendum(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if request.method == "GET" and challenge.status != ChallengeStatus.PUBLISHED:
        flash(_("Addenda are published while a challenge is open."), "info")
        return redirect(url_for("challenges.show", slug=slug))
    form = AddendumForm()
    if request.method == "GET":
        form.load(challenge)
    if form.validate_on_submit():
        try:
            addendum = services.publish_addendum(_actor(), challenge, form.summary.data, form.changes(challenge))
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Addendum %(number)d is published.", number=addendum.number), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="addenda"))
    status = 422 if request.method == "POST" else 200
    return render_template("challenges/addendum_form.html", challenge=challenge, form=form), status


# --- questions -------------------------------------------------------------------------------------------------------


@route(bp, "/challenges/<slug>/questions", AUTHENTICATED, methods=["POST"])
def ask_question(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not can_ask_question(current_user, challenge):
        abort(403)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.ask_question(_actor(), challenge, form.body.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your question is sent. You will see the answer here."), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="my-questions"))
    return _render_show(challenge, status=422, question_form=form)


def _answer_forms(questions: list[Question], failed: tuple[int, AnswerForm] | None = None) -> dict[int, AnswerForm]:
    forms = {
        question.id: AnswerForm(
            formdata=None,
            data={"answer": question.answer_source, "publish": question.is_public or question.answered_at is None},
        )
        for question in questions
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return forms


def _render_questions(challenge: Challenge, failed: tuple[int, AnswerForm] | None = None):
    questions = queries.all_questions(challenge)
    return (
        render_template(
            "challenges/questions.html",
            challenge=challenge,
            questions=questions,
            forms=_answer_forms(questions, failed),
        ),
        422 if failed else 200,
    )


@route(bp, "/challenges/<slug>/questions", CHALLENGE_MANAGER, methods=["GET"])
def questions(slug: str):
    return _render_questions(visible_challenge_or_404(current_user, slug))


@route(bp, "/challenges/<slug>/questions/<int:question_id>/answer", CHALLENGE_MANAGER, methods=["POST"])
def answer_question(slug: str, question_id: int):
    challenge = visible_challenge_or_404(current_user, slug)
    question = db.session.get(Question, question_id)
    if question is None or question.challenge_id != challenge.id:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_question(_actor(), question, form.answer.data, form.publish.data)
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("The answer is saved."), "success")
            return redirect(url_for("challenges.questions", slug=slug, _anchor=f"question-{question_id}"))
    return _render_questions(challenge, (question_id, form))


# --- following -------------------------------------------------------------------------------------------------------


@route(bp, "/challenges/<slug>/follow", AUTHENTICATED, methods=["POST"])
def follow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.follow(_actor(), challenge)
    db.session.commit()
    flash(_("You follow this challenge: its announcements reach you."), "success")
    return redirect(url_for("challenges.show", slug=slug))


@route(bp, "/challenges/<slug>/unfollow", AUTHENTICATED, methods=["POST"])
def unfollow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unfollow(_actor(), challenge)
    db.session.commit()
    flash(_("You no longer follow this challenge."), "success")
    return redirect(url_for("challenges.show", slug=slug))


# --- documents -------------------------------------------------------------------------------------------------------


def _document_or_404(challenge: Challenge, document_id: int) -> ChallengeDocument:
    document = db.session.get(ChallengeDocument, document_id)
    if document is None or document.challenge_id != challenge.id:
        abort(404)
    return document


@route(bp, "/challenges/<slug>/documents", CHALLENGE_MANAGER, methods=["POST"])
def upload_document(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            stored = save_upload(form.document.data, allowed=DOCUMENT_TYPES)
        except UploadError as error:
            form.document.errors = [*form.document.errors, str(error)]
        else:
            try:
                services.add_document(_actor(), challenge, stored)
            except DomainError as error:
                db.session.rollback()
                remove_upload(stored.stored_name)
                _form_error(form, error)
            else:
                db.session.commit()
                flash(_("The document is attached."), "success")
                return redirect(url_for("challenges.show", slug=slug, _anchor="documents"))
    return _render_show(challenge, status=422, document_form=form)


@route(bp, "/challenges/<slug>/documents/<int:document_id>", PUBLIC)
def document(slug: str, document_id: int):
    # visible_challenge_or_404 checks can_view_challenge on every download: a draft's documents stay with its owners.
    challenge = visible_challenge_or_404(current_user, slug)
    document = _document_or_404(challenge, document_id)
    try:
        return send_upload(document.stored_name, document.filename, document.file_type)
    except FileNotFoundError:
        abort(404)


@route(bp, "/challenges/<slug>/documents/<int:document_id>/delete", CHALLENGE_MANAGER, methods=["POST"])
def delete_document(slug: str, document_id: int):
    challenge = visible_challenge_or_404(current_user, slug)
    document = _document_or_404(challenge, document_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        stored_name = services.remove_document(_actor(), document)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        remove_upload(stored_name)
        flash(_("The document is removed."), "success")
    return redirect(url_for("challenges.show", slug=slug, _anchor="documents"))
