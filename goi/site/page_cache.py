"""The page cache: public pages kept for anonymous visitors, served before the view runs.

An entry is keyed by the language (the goi_lang cookie) and the whole URL, and holds the page, the content version
it was made at and when it stops being valid: PAGE_CACHE_SECONDS after it was made, or earlier at the next deadline
(a challenge closing changes what public pages show). Every flush that changes an object public pages show raises
the content version (one row, in the same transaction as the change), and an entry made at another version is not
served: a change is seen on the next request by every worker and, with Redis, by every host. A request is served
from the cache, and its response stored, only when it carries no session and no remember-me cookie; a response that
changes the session (a flashed message, a CSRF token) or sets a cookie is never stored.

Each process also keeps the entries it served or stored last (PAGE_CACHE_LOCAL_ENTRIES) in memory, checked against
the same version and expiry as the shared store's: a hit asks the database one statement and nothing else. A hit is
served first of all the request hooks (before the rate limiter: no cached endpoint has a limit), for endpoints whose
policy rule is public.

Fragments (cached_fragment) are the parts of a page that are the same for every viewer, such as a challenge's
public sections or the rows of a challenge list: kept the same way (the language, a name and a key; the content
version; the same expiry), so that a logged-in user's page renders only what is theirs.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from itertools import chain
from pathlib import Path
from typing import TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from goi.accounts.models import User
from goi.challenges.deadlines import next_deadline
from goi.challenges.models import (
    Addendum,
    Challenge,
    ChallengeCoOwner,
    ChallengeDocument,
    Criterion,
    Question,
)
from goi.core import clock
from goi.core.changes import has_column_changes
from goi.core.policy import POLICY, PUBLIC
from goi.extensions import db
from goi.orgs.models import Membership, Offer, Organization, PastProject
from goi.proposals.models import Proposal
from goi.reviews.models import ChallengeResult, ResultEntry
from goi.site.locale import requested_locale
from goi.site.models import CONTENT_VERSION_ROW, ContentVersion, raise_content_version

cache = Cache()
T = TypeVar("T")

CACHED_ENDPOINTS = frozenset(
    {
        "site.home",
        "site.person",
        "challenges.index",
        "challenges.show",
        "orgs.index",
        "orgs.show",
        "metros.index",
        "metros.show",
        "statistics.index",
        "reviews.solutions",
        "search.index",
        "api.search",
        "api.challenges",
        "api.challenge",
        "api.organizations",
        "api.organization",
        "api.metros",
        "api.metro",
        "api.results",
        "api.offers",
        "api.offer",
        "api.statistics",
        "api.openapi_document",
        "api.reference",
        "orgs.marketplace",
        "orgs.offer",
        "api.recommended_challenges",
        "api.recommended_solvers",
        "api.recommended_partners",
        "opendata.index",
        "opendata.catalog",
    }
)
# Models whose rows public pages show, with the columns whose change shows nowhere (a login writes last_login_at).
PUBLIC_MODELS: dict[type, frozenset[str]] = {
    Challenge: frozenset({"updated_at"}),
    ChallengeCoOwner: frozenset(),
    Criterion: frozenset(),
    ChallengeDocument: frozenset(),
    Addendum: frozenset(),
    Question: frozenset(),
    ChallengeResult: frozenset(),
    ResultEntry: frozenset(),
    Organization: frozenset(),
    Membership: frozenset(),
    # updated_at moves with every change of the row, a login's included: the other columns say whether it shows.
    User: frozenset(
        {"last_login_at", "session_version", "password_hash", "locale", "email_confirmed_at", "updated_at"}
    ),
    PastProject: frozenset(),
    Offer: frozenset({"updated_at"}),
    Proposal: frozenset({"updated_at", "content_hash", "version"}),
}
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-store"
_RAISED = "content_version_raised"


def register_page_cache(app: Flask) -> None:
    """The cache store, the content version listener and the serve/store hooks (after the policy check)."""
    if app.config["CACHE_TYPE"] == "FileSystemCache" and not app.config.get("CACHE_DIR"):
        app.config["CACHE_DIR"] = str(Path(app.instance_path) / "page_cache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", app.config["PAGE_CACHE_SECONDS"])
    cache.init_app(app)
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.extensions[_LOCAL] = LocalEntries(app.config["PAGE_CACHE_LOCAL_ENTRIES"])
    app.extensions[_LOCAL_FRAGMENTS] = LocalEntries(app.config["PAGE_CACHE_LOCAL_ENTRIES"])
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    # First of the before_request hooks: the CSRF check passes every GET, and no cached endpoint has a rate limit.
    app.before_request_funcs.setdefault(None, []).insert(0, serve_cached_page)
    app.after_request(store_page)


class LocalEntries:
    """The entries this process used last, at most size of them (least recently used dropped first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_LOCAL = "goi_page_cache_local"
_LOCAL_FRAGMENTS = "goi_page_cache_local_fragments"
_VERSION_QUERY = select(ContentVersion.counter).where(ContentVersion.id == CONTENT_VERSION_ROW)
_VERSION_SQL: dict[str, str] = {}  # the statement as each dialect writes it, its one value inline


def current_version() -> int:
    """The content version as committed (0 before the row exists).

    Before the request's transaction has begun, one statement on a pooled connection outside it (no transaction
    of the session to begin and end: a cache hit costs a third less). The page of a miss is then read in a
    transaction that begins later, so it shows this version or a later one; an entry is labelled with this version,
    so an entry whose page is newer than its label is never served (its label is then out of date), and none is
    served older than its label. When the session's transaction is already open, the statement runs in it.
    """
    if db.session().in_transaction():
        return db.session.connection().execute(_VERSION_QUERY).scalar() or 0
    engine = db.engine
    sql = _VERSION_SQL.get(engine.dialect.name)
    if sql is None:
        compiled = _VERSION_QUERY.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        sql = _VERSION_SQL[engine.dialect.name] = str(compiled)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool, which ends the DBAPI transaction where the driver opened one
    return (row[0] if row else 0) or 0


def _shows_publicly(obj) -> bool:
    ignored = PUBLIC_MODELS.get(type(obj))
    return ignored is not None and has_column_changes(obj, ignored)


def _raise_content_version(session: Session, flush_context, instances) -> None:
    # Once per transaction: the row stays locked by this transaction until it ends, so writers queue on it.
    if session.info.get(_RAISED):
        return
    added_or_deleted = (obj for obj in chain(session.new, session.deleted) if type(obj) in PUBLIC_MODELS)
    if next(added_or_deleted, None) is None and not any(_shows_publicly(obj) for obj in session.dirty):
        return
    raise_content_version(session.connection())
    session.info[_RAISED] = True


def _forget_raise(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RAISED, None)


_LISTENERS = (
    ("before_flush", _raise_content_version),
    ("after_transaction_end", _forget_raise),
)


def _cacheable_request() -> bool:
    config = current_app.config
    if not config["PAGE_CACHE"] or request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if POLICY.get(request.endpoint) is not PUBLIC:
        return False
    cookies = request.cookies
    if config["SESSION_COOKIE_NAME"] in cookies or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
        return False
    return not current_user.is_authenticated


def _language() -> str:
    return requested_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]


def page_key() -> str:
    """The entry's key: the language and the whole URL (scheme, host, path and query string)."""
    return "page:" + hashlib.sha256(f"{_language()} {request.url}".encode()).hexdigest()


def _public(response: Response) -> Response:
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.vary.add("Cookie")
    return response.make_conditional(request)


def serve_cached_page() -> Response | None:
    """before_request: an anonymous visitor's public page from the cache, when its entry is still valid."""
    if not _cacheable_request():
        return None
    g.page_cache_version = version = current_version()
    g.page_cache_key = key = page_key()
    entry = _valid_entry(current_app.extensions[_LOCAL], key, version)
    if entry is None:
        return None
    g.page_cache_hit = True
    response = Response(entry["body"], status=200, content_type=entry["content_type"])
    response.set_etag(entry["etag"])
    return response


def _valid_entry(local: LocalEntries, key: str, version: int) -> dict | None:
    """The entry under key, from this process's memory or else the shared store, if it is valid now at version."""
    now = clock.now().timestamp()
    entry = local.get(key)
    if _valid(entry, version, now):
        return entry
    entry = cache.get(key)
    if not _valid(entry, version, now):
        return None
    local.put(key, entry)
    return entry


def _keep(local: str, key: str, entry: dict) -> None:
    """Store an entry in the shared store until it expires, and in this process's memory."""
    cache.set(key, entry, timeout=int(entry["expires"] - clock.now().timestamp()) + 1)
    current_app.extensions[local].put(key, entry)


def _valid(entry: dict | None, version: int, now: float) -> bool:
    return entry is not None and entry["version"] == version and now < entry["expires"]


def store_page(response: Response) -> Response:
    """after_request: keep a cacheable page; mark what may be kept by browsers and proxies, and what may not."""
    if g.pop("page_cache_hit", False):
        return _public(response)
    key = g.pop("page_cache_key", None)
    if key is not None and _storable(response):
        expires = _expiry()
        if expires is not None:
            body = response.get_data()
            etag = hashlib.sha256(body).hexdigest()[:32]
            entry = {
                "version": g.page_cache_version,
                "expires": expires,
                "content_type": response.content_type,
                "etag": etag,
                "body": body,
            }
            _keep(_LOCAL, key, entry)
            response.set_etag(etag)
            return _public(response)
    if "Cache-Control" not in response.headers and _involves_session(response):
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


def _expiry() -> float | None:
    """When an entry made now stops being valid (a timestamp), or None when it would not be valid at all."""
    now = clock.now()
    expires = now + timedelta(seconds=current_app.config["PAGE_CACHE_SECONDS"])
    deadline = next_deadline()
    if deadline is not None:
        expires = min(expires, deadline)
    return expires.timestamp() if expires > now else None


def cached_fragment(name: str, key, template: str, cacheable: bool = True, **context) -> Markup:
    """The template rendered with context: a part of a page that is the same for every viewer, kept per language,
    name and key (with the content version and expiry of a page, see cached_value), so that it is rendered and its
    data read once. It is rendered now, and not kept, when the caller says the part is not the same for this viewer
    (cacheable=False: an owner's controls).
    """

    def render() -> str:
        return current_app.jinja_env.get_template(template).render(**context)

    if not cacheable:
        return _rendered(render())
    return _rendered(cached_value(f"fragment {name}", key, render))


def cached_value(name: str, key, compute: Callable[[], T]) -> T:
    """compute()'s value, the same for every viewer in one language (a fragment's HTML, a page's figures), kept per
    language, name and key with the content version and expiry of a page, so that it is read once.

    It is computed now, and not kept, when the cache is off and in a request that is not a GET (it may have flushed
    changes that would be kept under a version their rollback never commits). The content version is read once per
    request, before any kept value's data, so a value is never older than its label. The value must pickle.
    """
    if not (current_app.config["PAGE_CACHE"] and request.method == "GET"):
        return compute()
    if "fragment_version" not in g:
        # An anonymous request has read it already, before its transaction (serve_cached_page).
        g.fragment_version = g.get("page_cache_version", None)
        if g.fragment_version is None:
            g.fragment_version = current_version()
    version = g.fragment_version
    full_key = "fragment:" + hashlib.sha256(f"{get_locale()} {name} {key}".encode()).hexdigest()
    entry = _valid_entry(current_app.extensions[_LOCAL_FRAGMENTS], full_key, version)
    if entry is not None:
        return entry["body"]
    value = compute()
    expires = _expiry()
    if expires is not None:
        _keep(_LOCAL_FRAGMENTS, full_key, {"version": version, "expires": expires, "body": value})
    return value


def _rendered(html: str) -> Markup:
    # The output of an .html template, which Flask renders with autoescaping: user text in it is escaped already.
    return Markup(html)  # noqa: S704


def _storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and not session.modified
        and not current_user.is_authenticated
    )


def _involves_session(response: Response) -> bool:
    return (
        session.modified
        or "Set-Cookie" in response.headers
        or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or current_user.is_authenticated
    )
