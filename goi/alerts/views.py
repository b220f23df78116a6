"""Saved searches: saving one from the challenge list or the search page, the list of them at /account/alerts,
renaming and deleting, and the signed link of an alert's email that stops a search's alerts without logging in."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.alerts import services
from goi.alerts.criteria import Criteria
from goi.alerts.forms import RenameForm, SaveSearchForm, read_criteria
from goi.alerts.models import SavedSearch
from goi.core.errors import DomainError
from goi.core.forms import run_button_action, show_domain_error
from goi.core.policy import AUTHENTICATED, PUBLIC, route
from goi.core.redirects import safe_next
from goi.extensions import csrf, db

bp = Blueprint("alerts", __name__)


def _own_search_or_404(search_id: int) -> SavedSearch:
    saved = db.session.get(SavedSearch, search_id)
    # Another user's saved search is as absent as a missing one.
    if saved is None or saved.user_id != current_user.id:
        abort(404)
    return saved


def _render_index(failed: RenameForm | None = None, failed_id: int | None = None, status: int = 200):
    searches = services.saved_searches_of(current_user)
    return (
        render_template(
            "notify/alerts.html",
            searches=searches,
            criteria={saved.id: Criteria.of(saved) for saved in searches},
            failed=failed,
            failed_id=failed_id,
            limit=services.MAX_SAVED_SEARCHES,
        ),
        status,
    )


@route(bp, "/account/alerts", AUTHENTICATED)
def index():
    return _render_index()


@route(bp, "/account/alerts", AUTHENTICATED, methods=["POST"], endpoint="save")
def save():
    form = SaveSearchForm()
    if not form.validate_on_submit():
        abort(400)
    criteria, ignored = read_criteria(request.form)
    # Back to the page the search was saved from, which still shows every filter as the user chose it.
    back = safe_next(form.next.data) or url_for("challenges.index", **criteria.list_arguments())
    if ignored:
        flash(
            _(
                "The search is not saved: these filters had values we could not read: %(names)s.",
                names=", ".join(ignored),
            ),
            "danger",
        )
        return redirect(back)
    return run_button_action(
        lambda: services.save_search(current_user._get_current_object(), criteria),
        form=form,
        redirect_to=back,
        done=_("The search is saved. New challenges that match it will reach you as your notification settings say."),
    )


@route(bp, "/account/alerts/<int:search_id>/rename", AUTHENTICATED, methods=["POST"])
def rename(search_id: int):
    saved = _own_search_or_404(search_id)
    form = RenameForm()
    if form.validate_on_submit():
        try:
            services.rename_search(saved, form.name.data)
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("The search is renamed."), "success")
            return redirect(url_for("alerts.index"))
    return _render_index(form, search_id, 422)


@route(bp, "/account/alerts/<int:search_id>/delete", AUTHENTICATED, methods=["POST"])
def delete(search_id: int):
    saved = _own_search_or_404(search_id)
    return run_button_action(
        lambda: services.delete_search(saved),
        redirect_to=url_for("alerts.index"),
        done=_("The saved search is deleted: its alerts stop."),
    )


@route(bp, "/alerts/stop/<token>", PUBLIC, methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks, POST stops. The POST needs no CSRF token: the signed token, which only the recipient's mailbox
    holds, is the proof instead, and a mail client's one-click unsubscribe (RFC 8058) posts without a page. A bad or
    expired token changes nothing and says so."""
    payload = services.read_unsubscribe_token(token)
    if payload is None:
        return render_template("notify/alerts_unsubscribe.html", state="invalid"), 400
    saved = services.search_of_token(payload)
    if saved is None:
        return render_template("notify/alerts_unsubscribe.html", state="gone")
    if request.method == "POST":
        name = saved.name
        services.delete_search(saved)
        db.session.commit()
        return render_template("notify/alerts_unsubscribe.html", state="stopped", name=name)
    return render_template("notify/alerts_unsubscribe.html", state="confirm", saved=saved, criteria=Criteria.of(saved))


@bp.app_template_global()
def save_search_offer(arguments) -> dict | None:
    """What the box under a list or a search offers: its criteria as the save form's fields, and the user's search
    of the same criteria if saved already; None when there is no criterion or a value the list cannot read. For an
    anonymous visitor it reads nothing (the page stays the same for every visitor, and cacheable)."""
    if arguments is None:
        return None
    criteria, ignored = read_criteria(arguments)
    if ignored or criteria.is_empty():
        return None
    existing = services.saved_search_with(current_user, criteria) if current_user.is_authenticated else None
    return {"criteria": criteria, "fields": criteria.list_arguments(), "existing": existing}


# The search page's filters a saved search keeps (the challenge list has them too); with any other, or a type other
# than challenges, the search page offers nothing to save.
_SEARCH_FILTERS = {"sector", "province"}


@bp.app_template_global()
def search_alert_arguments(args: dict) -> dict | None:
    """The challenge list's arguments of a search page's query (search.forms.read_search_args), when it has any."""
    if set(args["types"]) - {"challenge"} or set(args["filters"]) - _SEARCH_FILTERS:
        return None
    return {"q": args["text"], **args["filters"]}
