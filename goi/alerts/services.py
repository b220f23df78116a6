"""Saving, renaming and deleting a user's searches, and the signed link that stops a search's alerts."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from goi.accounts.models import User
from goi.alerts.criteria import NAME_LENGTH, Criteria, default_name
from goi.alerts.models import SavedSearch
from goi.core import clock
from goi.core.errors import DomainError
from goi.core.links import absolute_url
from goi.core.tokens import make_token, read_token
from goi.extensions import db

MAX_SAVED_SEARCHES = 20
# An alert's email stops that search for a year after it was sent; later the list of saved searches does.
UNSUBSCRIBE_MAX_AGE = int(timedelta(days=365).total_seconds())
_UNSUBSCRIBE = "alert-unsubscribe"


def saved_searches_of(user: User) -> list[SavedSearch]:
    """The user's saved searches, oldest first."""
    return list(
        db.session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.created_at, SavedSearch.id)
        )
    )


def saved_search_with(user: User, criteria: Criteria) -> SavedSearch | None:
    """The user's saved search of exactly these criteria, if any."""
    return db.session.scalar(
        select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.filters_key == criteria.key())
    )


def save_search(user: User, criteria: Criteria, name: str | None = None) -> SavedSearch:
    """Keep criteria as a new saved search of user; refused when empty, already saved, or over the limit."""
    if criteria.is_empty():
        raise DomainError(_("Choose keywords or at least one filter before you save a search."))
    existing = saved_search_with(user, criteria)
    if existing is not None:
        raise DomainError(_('You have already saved this search as "%(name)s".', name=existing.name))
    count = db.session.scalar(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id))
    if count >= MAX_SAVED_SEARCHES:
        raise DomainError(
            _(
                "You can keep at most %(limit)d saved searches. Delete one you no longer need to save this one.",
                limit=MAX_SAVED_SEARCHES,
            )
        )
    saved = SavedSearch(
        user_id=user.id,
        name=_clean_name(name) or default_name(criteria),
        filters_key=criteria.key(),
        created_at=clock.now(),
        **{field: getattr(criteria, field) for field in Criteria.__slots__},
    )
    db.session.add(saved)
    # The unique (user, filters_key) constraint stops a concurrent duplicate at commit.
    db.session.flush()
    return saved


def _clean_name(name: str | None) -> str:
    return " ".join((name or "").split())[:NAME_LENGTH]


def rename_search(saved: SavedSearch, name: str) -> None:
    cleaned = _clean_name(name)
    if not cleaned:
        raise DomainError(_("Give the search a name."), field="name")
    saved.name = cleaned


def delete_search(saved: SavedSearch) -> None:
    db.session.delete(saved)
    db.session.flush()


def unsubscribe_url(saved: SavedSearch) -> str:
    """The address in an alert's email that stops this search's alerts without logging in."""
    token = make_token(_UNSUBSCRIBE, {"search": saved.id, "user": saved.user_id})
    return absolute_url("alerts.unsubscribe", token=token)


def read_unsubscribe_token(token: str) -> dict | None:
    """The payload of a valid unexpired unsubscribe token, else None."""
    payload = read_token(_UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
    if payload is None or not isinstance(payload.get("search"), int) or not isinstance(payload.get("user"), int):
        return None
    return payload


def search_of_token(payload: dict) -> SavedSearch | None:
    """The saved search a valid token names, if it still exists and still belongs to the same user."""
    saved = db.session.get(SavedSearch, payload["search"])
    return saved if saved is not None and saved.user_id == payload["user"] else None
