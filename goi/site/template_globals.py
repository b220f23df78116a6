"""What every template can use: permissions, formatting, the sanitized-HTML marker."""

from flask import Flask, g
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from goi.accounts.forms import language_label
from goi.accounts.permissions import can_view_profile
from goi.challenges.lifecycle import status_label
from goi.challenges.permissions import (
    can_answer_question,
    can_ask_question,
    can_create_challenge,
    can_manage_challenge,
    can_view_challenge,
    can_view_question,
    is_challenge_owner,
)
from goi.core.clock import format_in_zone
from goi.core.forms import ActionForm
from goi.core.html import linked_text, safe, safe_snippet
from goi.data import regions, taxonomy
from goi.extensions import db
from goi.notify.services import UNREAD
from goi.orgs.forms import GOVERNMENT_KIND_LABELS, KIND_LABELS, ROLE_LABELS
from goi.orgs.permissions import (
    can_leave_organization,
    can_manage_organization,
    can_manage_owners,
    can_own_challenges,
    can_request_verification,
)
from goi.reviews.scoring import ON_A_PANEL

# What the header of every logged-in page asks, in one statement: the bell's number, and whether the user is on a
# review panel (the menu's link to their reviews).
_HEADER_FACTS = select(UNREAD.scalar_subquery(), ON_A_PANEL)


def _header_facts() -> tuple[int, bool]:
    """(unread notifications, on a review panel) of the current user, read once per request."""
    if not current_user.is_authenticated:
        return 0, False
    if "header_facts" not in g:
        unread, on_panel = db.session.execute(_HEADER_FACTS, {"user_id": current_user.id}).one()
        g.header_facts = (unread or 0, bool(on_panel))
    return g.header_facts


def _unread_notifications() -> int:
    """The bell's number."""
    return _header_facts()[0]


def _on_review_panel() -> bool:
    return _header_facts()[1]


def register_template_globals(app: Flask) -> None:
    app.jinja_env.globals.update(
        can_view_profile=can_view_profile,
        can_manage_organization=can_manage_organization,
        can_manage_owners=can_manage_owners,
        can_leave_organization=can_leave_organization,
        can_request_verification=can_request_verification,
        can_own_challenges=can_own_challenges,
        can_create_challenge=can_create_challenge,
        can_manage_challenge=can_manage_challenge,
        can_view_challenge=can_view_challenge,
        can_ask_question=can_ask_question,
        can_view_question=can_view_question,
        can_answer_question=can_answer_question,
        is_challenge_owner=is_challenge_owner,
        kind_labels=KIND_LABELS,
        language_label=language_label,
        government_kind_labels=GOVERNMENT_KIND_LABELS,
        role_labels=ROLE_LABELS,
        region_name=regions.place_name,
        sectors=taxonomy.sectors,
        action_form=ActionForm,
        current_language=lambda: str(get_locale() or "id"),
        current_user=current_user,
        status_label=status_label,
        unread_notifications=_unread_notifications,
        on_review_panel=_on_review_panel,
    )
    app.jinja_env.filters["sanitized"] = safe
    app.jinja_env.filters["snippet"] = safe_snippet
    app.jinja_env.filters["linked"] = linked_text
    app.jinja_env.filters["in_zone"] = format_in_zone
