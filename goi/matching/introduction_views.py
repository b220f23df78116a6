"""Introduction views: ask for an introduction, answer it, write in its thread, block and unblock people."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from goi.accounts.models import User
from goi.core.errors import DomainError
from goi.core.forms import Form, run_button_action, show_domain_error
from goi.core.policy import AUTHENTICATED, route
from goi.core.redirects import safe_next
from goi.extensions import db
from goi.matching import introductions as services
from goi.matching.models import Introduction
from goi.matching.views import bp
from goi.orgs.models import Organization

# Requests are listed a page at a time.
PAGE_SIZE = 20


class IntroductionForm(Form):
    message = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(), Length(min=services.MESSAGE_MIN, max=services.MESSAGE_MAX)],
        description=_l("Who you are and why you would like to be introduced (20 to 2,000 characters, plain text)."),
    )


class MessageForm(Form):
    body = TextAreaField(_l("Your message"), validators=[DataRequired(), Length(max=services.BODY_MAX)])


def context_link(context: services.Context | None) -> str | None:
    """The page of a request's challenge or offer (an offer's page only once the offers have pages)."""
    if context is None or context.record is None:
        return None
    if context.kind == "challenge":
        return url_for("challenges.show", slug=context.record.slug)
    try:
        return url_for("orgs.offer", offer_id=context.id)
    except BuildError:
        return None


def _actor() -> User:
    return current_user._get_current_object()


def _recipient_or_404() -> tuple[User | None, Organization | None]:
    """The recipient named by ?user=<id> or ?organization=<slug>; 404 for none, both, or one that cannot be asked."""
    user_id, slug = request.args.get("user", ""), request.args.get("organization", "")
    if bool(user_id) == bool(slug):
        abort(404)
    if slug:
        organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
        if organization is None:
            abort(404)
        return None, organization
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not services.is_reachable(user):
        abort(404)
    return user, None


@route(bp, "/introductions/new", AUTHENTICATED, methods=["GET", "POST"])
def new_introduction():
    user, organization = _recipient_or_404()
    try:
        context_kind, context_id = services.parse_context(request.args.get("context"))
        context = services.load_context(context_kind, context_id)
    except DomainError:
        abort(404)
    form = IntroductionForm()
    if form.validate_on_submit():
        try:
            introduction = services.request_introduction(
                _actor(),
                user=user,
                organization=organization,
                message=form.message.data,
                context_kind=context_kind,
                context_id=context_id,
            )
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Your request is sent. You will be told of the answer."), "success")
            return redirect(url_for("matching.introduction", introduction_id=introduction.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "matching/introductions/new.html",
        form=form,
        recipient_user=user,
        recipient_organization=organization,
        context=context,
        context_link=context_link(context),
    ), status


@route(bp, "/account/introductions", AUTHENTICATED)
def introductions():
    box = "sent" if request.args.get("box") == "sent" else "received"
    user = _actor()
    return render_template(
        "matching/introductions/index.html",
        box=box,
        page=services.introductions_page(user, box, PAGE_SIZE),
        blocked=services.blocked_people(user),
        pending_count=services.pending_received_count(user),
        status_of=services.display_status,
        days_left=services.days_left,
        recipient_name=services.recipient_name,
    )


def _introduction_or_404(introduction_id: int) -> Introduction:
    """The request, or 404 for anyone but its two sides (as for a missing one)."""
    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None or not services.is_party(current_user, introduction):
        abort(404)
    return introduction


def _render_introduction(introduction: Introduction, message_form: MessageForm | None = None, status: int = 200):
    user = _actor()
    # The requester may block the person they asked (not an organization); a recipient, the requester.
    other = introduction.recipient_user if user.id == introduction.requester_id else introduction.requester
    context = services.context_of(introduction)
    return render_template(
        "matching/introductions/show.html",
        introduction=introduction,
        context=context,
        context_link=context_link(context),
        status=services.display_status(introduction),
        days_left=services.days_left(introduction),
        can_answer=services.can_answer(user, introduction),
        contacts=services.contacts(introduction),
        thread_open=services.thread_is_open(introduction),
        messages=services.messages_of(introduction),
        message_form=message_form or MessageForm(formdata=None),
        recipient_name=services.recipient_name(introduction),
        other=other,
        other_blocked=other is not None and services.has_blocked(user, other),
    ), status


@route(bp, "/introductions/<int:introduction_id>", AUTHENTICATED)
def introduction(introduction_id: int):
    return _render_introduction(_introduction_or_404(introduction_id))


def _answer(introduction_id: int, accept: bool):
    introduction = _introduction_or_404(introduction_id)
    return run_button_action(
        lambda: services.answer(introduction, _actor(), accept),
        redirect_to=url_for("matching.introduction", introduction_id=introduction_id),
        done=_("Accepted: you now see each other's contact details and can write below.") if accept else _("Declined."),
    )


@route(bp, "/introductions/<int:introduction_id>/accept", AUTHENTICATED, methods=["POST"])
def accept(introduction_id: int):
    return _answer(introduction_id, accept=True)


@route(bp, "/introductions/<int:introduction_id>/decline", AUTHENTICATED, methods=["POST"])
def decline(introduction_id: int):
    return _answer(introduction_id, accept=False)


@route(bp, "/introductions/<int:introduction_id>/messages", AUTHENTICATED, methods=["POST"])
def post_message(introduction_id: int):
    introduction = _introduction_or_404(introduction_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            services.post_message(introduction, _actor(), form.body.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            return redirect(url_for("matching.introduction", introduction_id=introduction_id, _anchor="thread"))
    return _render_introduction(introduction, message_form=form, status=422)


def _person_or_404(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


def _back() -> str:
    return safe_next(request.form.get("next")) or url_for("matching.introductions")


@route(bp, "/users/<int:user_id>/block", AUTHENTICATED, methods=["POST"])
def block(user_id: int):
    person = _person_or_404(user_id)
    return run_button_action(
        lambda: services.block(_actor(), person),
        redirect_to=_back(),
        done=_(
            "%(name)s is blocked: they can no longer ask you for an introduction or write to you.", name=person.name
        ),
    )


@route(bp, "/users/<int:user_id>/unblock", AUTHENTICATED, methods=["POST"])
def unblock(user_id: int):
    person = _person_or_404(user_id)
    return run_button_action(
        lambda: services.unblock(_actor(), person),
        redirect_to=_back(),
        done=_("%(name)s is unblocked.", name=person.name),
    )
