"""The interface language: the user's choice, remembered in a cookie and on the account."""

from flask import current_app, request
from flask_login import current_user

LOCALE_COOKIE = "goi_lang"


def requested_locale() -> str | None:
    """The language the request asks for: the cookie's; for the API, else Accept-Language's (a program sends no
    cookie)."""
    if not request:
        return None
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    if request.blueprint == "api":
        return request.accept_languages.best_match(languages)
    return None


def current_locale() -> str:
    """The chosen language: the request's (requested_locale), else the account's, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    chosen = requested_locale()
    if chosen is not None:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
