"""Home page, language switch and public people pages."""

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user

from goi.accounts import services as account_services
from goi.accounts.models import User
from goi.accounts.permissions import can_view_profile
from goi.core.policy import PUBLIC, route
from goi.core.redirects import redirect_next
from goi.core.security import is_from_this_site
from goi.extensions import csrf, db
from goi.orgs.services import public_memberships_of
from goi.site import home as home_queries
from goi.site.locale import LOCALE_COOKIE

bp = Blueprint("site", __name__)


@route(bp, "/", PUBLIC)
def home():
    # The public sections come from a kept fragment (site/_home_sections.html reads them); what needs the user is
    # read only for a logged-in user, so that the anonymous page is the same for every visitor and kept whole.
    needs = home_queries.needs_of(current_user) if current_user.is_authenticated else None
    return render_template("site/home.html", needs=needs)


@bp.record_once
def _register_globals(state) -> None:
    state.app.jinja_env.globals.update(home_sections=home_queries.home_sections)


@route(bp, "/language", PUBLIC, methods=["POST"])
@csrf.exempt
def set_language():
    # An anonymous visitor's form carries no CSRF token (its page may come from the page cache, and a token would
    # start a session): the request must come from a page of this site. A user's form carries the token.
    if current_user.is_authenticated:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    elif not is_from_this_site():
        abort(400)
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    response = make_response(redirect_next())
    response.set_cookie(
        LOCALE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    if current_user.is_authenticated:
        account_services.set_locale(current_user._get_current_object(), language)
        db.session.commit()
    return response


@route(bp, "/people/<int:user_id>", PUBLIC)
def person(user_id: int):
    person = db.session.get(User, user_id)
    if person is None or not can_view_profile(current_user, person):
        abort(404)
    return render_template("site/person.html", person=person, memberships=public_memberships_of(person))
