"""The interface language: the user's choice, remembered in a cookie and on the account."""

from flask import current_app, request
from flask_login import current_user

LOCALE_COOKIE = "goi_lang"


def current_locale() -> str:
    """The chosen language: the cookie, else the account's, else Indonesian."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LOCALE_COOKIE) if request else None
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
