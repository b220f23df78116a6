"""The policy table: every endpoint is registered with the rule that guards it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True, slots=True)
class Rule:
    """A named check of the current user against the request's view arguments."""

    name: str
    check: Callable[[Any, dict], bool]
    needs_login: bool = True


PUBLIC = Rule("public", lambda user, args: True, needs_login=False)
ANONYMOUS_ONLY = Rule("anonymous", lambda user, args: True, needs_login=False)
AUTHENTICATED = Rule("authenticated", lambda user, args: user.is_authenticated)
PLATFORM_ADMIN = Rule("platform admin", lambda user, args: user.is_authenticated and user.is_platform_admin)

POLICY: dict[str, Rule] = {"static": PUBLIC}


def route(blueprint: Blueprint, path: str, rule: Rule, **options) -> Callable:
    """blueprint.route that also enters the endpoint and its rule in the policy table."""

    def decorator(view: Callable) -> Callable:
        endpoint = options.pop("endpoint", view.__name__)
        POLICY[f"{blueprint.name}.{endpoint}"] = rule
        return blueprint.route(path, endpoint=endpoint, **options)(view)

    return decorator


def enforce_policy() -> Any:
    """before_request: refuse a request its endpoint's rule does not allow."""
    if request.endpoint is None:
        return None
    rule = POLICY.get(request.endpoint)
    if rule is None:
        abort(403)
    if rule.needs_login and not current_user.is_authenticated:
        if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
            abort(401)
        flash(_l("Please log in to continue."), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if not rule.check(current_user, request.view_args or {}):
        abort(403)
    return None
