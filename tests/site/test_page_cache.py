"""The page cache: anonymous visitors' public pages served from the cache, and never a stale or private one."""

import functools
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, text

from config import TestConfig
from goi import create_app
from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeStatus, Question
from goi.challenges.questions import answer_question
from goi.core import clock
from goi.core.security import CONTENT_SECURITY_POLICY
from goi.extensions import db as _db
from goi.orgs.models import OrgKind
from goi.search.outbox import apply_pending
from goi.site.locale import LOCALE_COOKIE
from goi.site.page_cache import PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL, LocalEntries, current_version
from tests import database, factories
from tests.challenges import NOW, make_challenge
from tests.challenges.conftest import _frozen_clock  # noqa: F401 (autouse: the challenge tests' stopped clock)
from tests.conftest import log_in
from tests.orgs import fresh_client

REDIS_URI = "redis://127.0.0.1:6379/14"


@pytest.fixture
def app(app):
    """The test profile's app with the page cache on (it is off for the other tests)."""
    app.config["PAGE_CACHE"] = True
    return app


@pytest.fixture
def client(app):
    return fresh_client(app)


@pytest.fixture
def challenge(world, db):
    challenge = make_challenge(world["gov_verified"], title="Pengendalian banjir Musi")
    db.session.commit()
    return challenge


def _statements(app: Flask, client, url: str, **kwargs) -> tuple[object, list[str]]:
    """The response to a GET and the SQL statements it issued (SQLite's BEGIN left out)."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    engine = _engine_of(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url, **kwargs)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return response, statements


def _engine_of(app: Flask):
    with app.app_context():
        return _db.engine


def _served_from_cache(statements: list[str]) -> bool:
    """A page served from the cache reads the content version and nothing else: on a pooled connection of its own,
    which SQLAlchemy's statement events do not see, or in the session's transaction when one is already open."""
    return statements == [] or (len(statements) == 1 and "content_version" in statements[0])


def _record_views(app: Flask) -> list[str]:
    """The endpoints whose view functions run from now on, in order."""
    ran: list[str] = []

    def recording(endpoint, view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            ran.append(endpoint)
            return view(*args, **kwargs)

        return wrapper

    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = recording(endpoint, view)
    return ran


def _public_urls(world, challenge) -> list[str]:
    person = world["users"]["org_owner"]
    return [
        "/",
        "/challenges",
        "/challenges?sector=transportation&sort=closing&page=1",
        "/challenges?q=banjir",
        f"/challenges/{challenge.slug}",
        "/orgs",
        "/orgs/pemkot-palembang",
        f"/people/{person.id}",
        "/search?q=banjir",
        "/api/v1/search?q=banjir",
        "/offers",
        "/offers?kind=technology_offer&q=sensor",
    ]


def test_every_public_page_is_served_from_the_cache_the_second_time(app, db, client, world, challenge):
    world["users"]["org_owner"].is_public_profile = True
    db.session.commit()
    views = _record_views(app)
    for url in _public_urls(world, challenge):
        first = client.get(url)
        assert first.status_code == 200, url
        assert len(views) == 1, url
        assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL, url
        second, second_statements = _statements(app, client, url)
        assert second.status_code == 200, url
        assert views.pop() and views == [], f"the view ran again for {url}"
        assert _served_from_cache(second_statements), (url, second_statements)
        assert second.get_data() == first.get_data(), url
        assert second.content_type == first.content_type, url
        assert second.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL, url


def test_anonymous_public_pages_set_no_cookie(app, db, world, challenge):
    world["users"]["org_owner"].is_public_profile = True
    db.session.commit()
    visitor = fresh_client(app)
    for url in _public_urls(world, challenge) * 2:
        response = visitor.get(url)
        assert response.headers.getlist("Set-Cookie") == [], url
    assert visitor.get_cookie(app.config["SESSION_COOKIE_NAME"]) is None


def test_the_whole_query_string_is_the_key(client, world, challenge):
    first = client.get("/challenges?sector=transportation").get_data(as_text=True)
    other = client.get("/challenges?sector=water").get_data(as_text=True)
    assert challenge.title in first
    assert challenge.title not in other


def test_an_edit_shows_on_the_next_request(client, db, challenge):
    assert "Pengendalian banjir Musi" in client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Pengendalian banjir Musi" in client.get("/challenges").get_data(as_text=True)
    version = current_version()
    challenge.title = "Peringatan dini banjir Musi"
    db.session.commit()
    assert current_version() > version
    for url in (f"/challenges/{challenge.slug}", "/challenges"):
        html = client.get(url).get_data(as_text=True)
        assert "Peringatan dini banjir Musi" in html, url
        assert "Pengendalian banjir Musi" not in html, url


def test_a_past_project_and_an_offer_show_on_the_next_request(client, db, world):
    from datetime import timedelta

    from goi.orgs.models import Offer, OfferKind, PastProject

    industry = world["industry"]
    assert "Bank sampah digital" not in client.get("/orgs/pt-industri").get_data(as_text=True)
    assert client.get("/offers").status_code == 200
    version = current_version()
    db.session.add(PastProject(organization=industry, title="Bank sampah digital", counts_for_matching=True))
    db.session.commit()
    assert current_version() > version
    assert "Bank sampah digital" in client.get("/orgs/pt-industri").get_data(as_text=True)
    version = current_version()
    db.session.add(
        Offer(
            organization=industry,
            kind=OfferKind.TECHNOLOGY_OFFER,
            title="Sensor banjir murah",
            description="Sensor tinggi muka air.",
            expires_on=(clock.now() + timedelta(days=30)).date(),
        )
    )
    db.session.commit()
    assert current_version() > version
    assert "Sensor banjir murah" in client.get("/offers").get_data(as_text=True)


def test_a_newly_published_challenge_shows_and_a_draft_never_does(app, client, db, world, challenge):
    draft = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT, title="Rancangan rahasia sampah")
    db.session.commit()
    owner = fresh_client(app)
    log_in(owner, world["users"]["gov_admin"])
    assert "Rancangan rahasia sampah" in owner.get(f"/challenges/{draft.slug}").get_data(as_text=True)
    for _request in range(2):
        assert "Rancangan rahasia sampah" not in client.get("/challenges").get_data(as_text=True)
        assert "Rancangan rahasia sampah" not in client.get("/").get_data(as_text=True)
        assert "Rancangan rahasia sampah" not in client.get("/orgs/pemkot-palembang").get_data(as_text=True)
        assert client.get(f"/challenges/{draft.slug}").status_code == 404

    lifecycle.publish(world["users"]["gov_admin"], draft)
    db.session.commit()
    assert "Rancangan rahasia sampah" in client.get("/challenges").get_data(as_text=True)
    assert "Rancangan rahasia sampah" in client.get("/orgs/pemkot-palembang").get_data(as_text=True)
    assert client.get(f"/challenges/{draft.slug}").status_code == 200


def test_a_passing_deadline_shows_before_the_entry_is_a_minute_old(client, db, world):
    closing = make_challenge(world["gov_verified"], closes_at=NOW + timedelta(seconds=20))
    db.session.commit()
    url = f"/challenges/{closing.slug}"
    for _request in range(2):
        assert "questions-closed" not in client.get(url).get_data(as_text=True)
    clock.freeze(NOW + timedelta(seconds=19))
    assert "questions-closed" not in client.get(url).get_data(as_text=True)
    clock.freeze(NOW + timedelta(seconds=21))
    assert "questions-closed" in client.get(url).get_data(as_text=True)
    db.session.refresh(closing)
    assert closing.status == ChallengeStatus.CLOSED


def test_an_entry_lives_at_most_page_cache_seconds(app, client, db, challenge):
    url = f"/challenges/{challenge.slug}"
    client.get(url)
    # A change no flush saw (the content version stays): only the entry's age ends it.
    db.session.execute(text("UPDATE challenges SET title = 'Judul dari SQL' WHERE id = :id"), {"id": challenge.id})
    db.session.commit()
    clock.freeze(NOW + timedelta(seconds=app.config["PAGE_CACHE_SECONDS"] - 1))
    assert "Judul dari SQL" not in client.get(url).get_data(as_text=True)
    clock.freeze(NOW + timedelta(seconds=app.config["PAGE_CACHE_SECONDS"]))
    assert "Judul dari SQL" in client.get(url).get_data(as_text=True)


def test_a_new_answer_shows_on_the_next_request(client, db, world, challenge):
    question = Question(challenge=challenge, asker_id=world["users"]["user"].id, body="Apakah ada data?", asked_at=NOW)
    db.session.add(question)
    db.session.commit()
    url = f"/challenges/{challenge.slug}"
    for _request in range(2):
        assert "Data curah hujan tersedia di portal" not in client.get(url).get_data(as_text=True)
    answer_question(world["users"]["gov_admin"], question, "Data curah hujan tersedia di portal.", publish=True)
    db.session.commit()
    assert "Data curah hujan tersedia di portal" in client.get(url).get_data(as_text=True)


def test_a_search_page_follows_the_index_not_only_the_commit(app, client, db, world):
    # The index is written after the commit: a page made between the two is dropped once the index has the change.
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    url = "/search?q=drainase"
    make_challenge(world["gov_verified"], title="Drainase kawasan Sudirman")
    db.session.commit()
    for _request in range(2):
        assert "Drainase kawasan Sudirman" not in client.get(url).get_data(as_text=True)
    assert apply_pending() > 0
    assert "Drainase kawasan Sudirman" in client.get(url).get_data(as_text=True)


def test_the_two_languages_never_mix(app, world):
    indonesian, english = fresh_client(app), fresh_client(app)
    english.set_cookie(LOCALE_COOKIE, "en")
    for _request in range(2):
        for visitor, language, words, other_words in (
            (indonesian, "id", "Masuk", "Log in"),
            (english, "en", "Log in", "Masuk"),
        ):
            html = visitor.get("/").get_data(as_text=True)
            assert f'<html lang="{language}">' in html
            assert words in html and other_words not in html


def test_a_logged_in_user_sees_their_own_page(app, client, world):
    assert "Warga Biasa" not in client.get("/").get_data(as_text=True)
    user = fresh_client(app)
    log_in(user, world["users"]["user"])
    views = _record_views(app)
    response = user.get("/")
    assert views == ["site.home"]
    assert "Warga Biasa" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == PRIVATE_CACHE_CONTROL
    # Nor is the user's page kept for the anonymous visitors.
    assert "Warga Biasa" not in client.get("/").get_data(as_text=True)


def test_a_remembered_user_is_not_served_a_cached_page(app, client, world):
    client.get("/")
    remembered = fresh_client(app)
    remembered.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), "anything")
    views = _record_views(app)
    remembered.get("/")
    assert views == ["site.home"]


def test_a_page_with_a_flashed_message_is_neither_served_from_nor_kept_in_the_cache(app, client, world):
    client.get("/")
    flashed = fresh_client(app)
    with flashed.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan sekali saja")]
    response = flashed.get("/")
    assert "Pesan sekali saja" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == PRIVATE_CACHE_CONTROL
    assert "Pesan sekali saja" not in client.get("/").get_data(as_text=True)
    assert "Pesan sekali saja" not in fresh_client(app).get("/").get_data(as_text=True)


def test_a_page_that_starts_a_session_is_not_kept(app, client, world):
    login_page = client.get("/login")
    assert login_page.headers.getlist("Set-Cookie")
    assert login_page.headers["Cache-Control"] == PRIVATE_CACHE_CONTROL


def test_the_policy_of_a_cached_page_is_valid_for_it(client, challenge):
    url = f"/challenges/{challenge.slug}"
    client.get(url)
    cached = client.get(url)
    assert cached.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = cached.get_data(as_text=True)
    # script-src 'self': every script is a file of this site, none is inline.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all(re.search(r'src="/static/', attributes) for attributes in scripts), scripts
    assert "nonce" not in html


def test_a_cached_page_answers_a_revalidation_with_304(client, challenge):
    first = client.get("/challenges")
    etag = first.headers["ETag"]
    again = client.get("/challenges", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_cache_can_be_turned_off(app, client, challenge):
    app.config["PAGE_CACHE"] = False
    views = _record_views(app)
    client.get("/challenges")
    client.get("/challenges")
    assert views == ["challenges.index", "challenges.index"]


def test_a_login_does_not_drop_the_cached_pages(db, world):
    version = current_version()
    user = world["users"]["user"]
    user.last_login_at = clock.now()
    db.session.commit()
    assert current_version() == version
    user.name = "Warga Baru"
    db.session.commit()
    assert current_version() > version


# --- several workers -------------------------------------------------------------------------------------------------


@contextmanager
def _workers(app: Flask, tmp_path, **cache_settings) -> Iterator[tuple[Flask, Flask]]:
    """Two apps, as two worker processes (or hosts) would be, on one database and one cache store."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    in_memory = uri in ("sqlite://", "sqlite:///:memory:")
    if in_memory:
        uri = f"sqlite:///{tmp_path / 'workers.sqlite3'}"
    settings = {"SQLALCHEMY_DATABASE_URI": uri, "PAGE_CACHE": True, "UPLOAD_PATH": str(tmp_path / "uploads")}
    first = create_app(TestConfig, INSTANCE_PATH=str(tmp_path / "worker-1"), **settings, **cache_settings)
    second = create_app(TestConfig, INSTANCE_PATH=str(tmp_path / "worker-2"), **settings, **cache_settings)
    if in_memory:
        with first.app_context():
            _db.create_all()
    try:
        yield first, second
    finally:
        for worker in (first, second):
            with worker.app_context():
                _db.session.remove()
                _db.engine.dispose()


def _assert_change_seen_by_the_other_worker(first: Flask, second: Flask) -> None:
    with second.app_context():
        owner = factories.make_user()
        government = factories.make_org(
            OrgKind.GOVERNMENT, owner=owner, verified=True, slug=f"pemkot-{uuid.uuid4().hex[:8]}"
        )
        challenge = make_challenge(government, title="Judul pertama")
        _db.session.commit()
        slug, challenge_id = challenge.slug, challenge.id
    url = f"/challenges/{slug}"
    one, two = fresh_client(first), fresh_client(second)
    assert "Judul pertama" in one.get(url).get_data(as_text=True)
    # The second worker serves the entry the first one made: the store is shared.
    views = _record_views(second)
    response, statements = _statements(second, two, url)
    assert views == [] and _served_from_cache(statements), statements
    assert "Judul pertama" in response.get_data(as_text=True)
    with second.app_context():
        _db.session.get(Challenge, challenge_id).title = "Judul kedua"
        _db.session.commit()
    html = one.get(url).get_data(as_text=True)
    assert "Judul kedua" in html and "Judul pertama" not in html
    # Neither worker serves the copy it keeps in memory once the version has moved on.
    html = two.get(url).get_data(as_text=True)
    assert "Judul kedua" in html and "Judul pertama" not in html


def test_another_worker_sees_the_change_through_the_file_cache(app, tmp_path):
    shared = tmp_path / "shared-page-cache"
    with _workers(app, tmp_path, CACHE_TYPE="FileSystemCache", CACHE_DIR=str(shared)) as (first, second):
        _assert_change_seen_by_the_other_worker(first, second)
    assert any(shared.iterdir())


def test_the_embedded_profile_keeps_its_file_cache_under_the_instance_folder():
    from config import DevelopmentConfig

    development = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert development.config["CACHE_TYPE"] == "FileSystemCache"
    assert development.config["CACHE_DIR"] == str(Path(development.instance_path) / "page_cache")
    assert development.config["PAGE_CACHE"] is True


@pytest.fixture
def redis_cache():
    yield from database.empty_redis_database(REDIS_URI)


def test_another_host_sees_the_change_through_redis(app, tmp_path, redis_cache):
    with _workers(app, tmp_path, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=REDIS_URI) as (first, second):
        _assert_change_seen_by_the_other_worker(first, second)
    assert redis_cache.keys("goi:page:*")


def test_the_entries_kept_in_memory_are_bounded_and_the_least_recently_used_go_first():
    local = LocalEntries(2)
    local.put("a", {"body": b"a"})
    local.put("b", {"body": b"b"})
    assert local.get("a") == {"body": b"a"}  # "a" is now the most recently used
    local.put("c", {"body": b"c"})
    assert local.get("b") is None
    assert local.get("a") is not None and local.get("c") is not None
    nothing = LocalEntries(0)
    nothing.put("a", {"body": b"a"})
    assert nothing.get("a") is None


# --- fragments: the parts of a page that are the same for every viewer ------------------------------------------------

# Statements that read the challenge page's public parts (criteria, documents, addenda, public answers, results).
PUBLIC_PART_READS = (
    *("FROM criteria", "FROM challenge_documents", "FROM addenda", "is_public IS", "FROM challenge_results"),
)


def _reads_public_parts(statements: list[str]) -> list[str]:
    return [s for s in statements if any(read in s for read in PUBLIC_PART_READS)]


def _logged_in(app: Flask, user, language: str | None = None):
    client = fresh_client(app)
    log_in(client, user)
    if language:
        client.set_cookie(LOCALE_COOKIE, language)
    return client


def _without_tokens(html: str) -> str:
    """The page without its CSRF tokens (signed with the time: two requests a second apart differ there)."""
    return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r"\1", html)


def test_a_logged_in_page_reads_the_public_parts_once_for_every_viewer(app, world, challenge):
    url = f"/challenges/{challenge.slug}"
    first_user = _logged_in(app, world["users"]["user"])
    first, statements = _statements(app, first_user, url)
    assert _reads_public_parts(statements), "the first view reads the public parts"
    again, statements = _statements(app, first_user, url)
    assert _reads_public_parts(statements) == []
    assert _without_tokens(again.get_data(as_text=True)) == _without_tokens(first.get_data(as_text=True))
    other, statements = _statements(app, _logged_in(app, world["users"]["org_member"]), url)
    assert _reads_public_parts(statements) == []
    assert "Kriteria penilaian" in other.get_data(as_text=True)


def test_the_public_parts_are_read_each_time_when_the_cache_is_off(app, world, challenge):
    app.config["PAGE_CACHE"] = False
    url = f"/challenges/{challenge.slug}"
    user = _logged_in(app, world["users"]["user"])
    for _request in range(2):
        assert _reads_public_parts(_statements(app, user, url)[1])


def test_a_logged_in_user_sees_an_edit_and_a_new_answer_on_the_next_request(app, db, world, challenge):
    url = f"/challenges/{challenge.slug}"
    user = _logged_in(app, world["users"]["user"])
    for _request in range(2):
        html = user.get(url).get_data(as_text=True)
        assert "Sungai Musi meluap" not in html and "Data curah hujan tersedia" not in html
    challenge.problem_html = "<p>Sungai Musi meluap setiap musim hujan.</p>"
    db.session.commit()
    assert "Sungai Musi meluap" in user.get(url).get_data(as_text=True)
    question = Question(challenge=challenge, asker_id=world["users"]["org_member"].id, body="Ada data?", asked_at=NOW)
    db.session.add(question)
    db.session.commit()
    user.get(url)
    answer_question(world["users"]["gov_admin"], question, "Data curah hujan tersedia di portal.", publish=True)
    db.session.commit()
    assert "Data curah hujan tersedia" in user.get(url).get_data(as_text=True)


def test_an_owner_sees_the_owners_controls_and_no_one_else_does(app, world, challenge):
    url = f"/challenges/{challenge.slug}"
    solver, owner = _logged_in(app, world["users"]["user"]), _logged_in(app, world["users"]["gov_admin"])
    for _request in range(2):
        assert "document-form" not in solver.get(url).get_data(as_text=True)
        assert "document-form" in owner.get(url).get_data(as_text=True)
        assert "document-form" not in fresh_client(app).get(url).get_data(as_text=True)


def test_the_public_parts_never_mix_languages(app, world, challenge):
    url = f"/challenges/{challenge.slug}"
    indonesian = _logged_in(app, world["users"]["user"], "id")
    english = _logged_in(app, world["users"]["org_member"], "en")
    for _request in range(2):
        html = indonesian.get(url).get_data(as_text=True)
        assert "Kriteria penilaian" in html and "Evaluation criteria" not in html
        html = english.get(url).get_data(as_text=True)
        assert "Evaluation criteria" in html and "Kriteria penilaian" not in html


def test_a_passing_deadline_shows_to_a_logged_in_user_at_once(app, db, world):
    closing = make_challenge(world["gov_verified"], closes_at=NOW + timedelta(seconds=20))
    db.session.commit()
    url = f"/challenges/{closing.slug}"
    user = _logged_in(app, world["users"]["user"])
    for _request in range(2):
        assert "countdown-card" in user.get(url).get_data(as_text=True)
    clock.freeze(NOW + timedelta(seconds=21))
    html = user.get(url).get_data(as_text=True)
    assert "countdown-card" not in html and "questions-closed" in html


def test_the_rows_of_a_logged_in_users_lists_follow_an_edit(app, db, world, challenge):
    owner = _logged_in(app, world["users"]["gov_admin"])
    for url in ("/account/challenges", "/challenges", "/orgs/pemkot-palembang"):
        for _request in range(2):
            assert "Pengendalian banjir Musi" in owner.get(url).get_data(as_text=True), url
    challenge.title = "Peringatan dini banjir Musi"
    db.session.commit()
    for url in ("/account/challenges", "/challenges", "/orgs/pemkot-palembang"):
        html = owner.get(url).get_data(as_text=True)
        assert "Peringatan dini banjir Musi" in html and "Pengendalian banjir Musi" not in html, url


def test_a_list_whose_rows_are_kept_does_not_read_them(app, db, world, challenge):
    owner = _logged_in(app, world["users"]["gov_admin"])
    first, statements = _statements(app, owner, "/challenges")
    assert [s for s in statements if "challenges.problem_html" in s]  # the first list reads its rows
    # The same rows in any list: the kept fragment, and the rows are not read. (The owner dashboard, my challenges,
    # renders its own rows, with their counts, each time.)
    for url in ("/challenges", "/orgs/pemkot-palembang"):
        page, statements = _statements(app, owner, url)
        assert [s for s in statements if "challenges.problem_html" in s] == [], url
        assert 'data-challenge="' + challenge.slug + '"' in page.get_data(as_text=True), url
    again = owner.get("/challenges")
    assert _without_tokens(again.get_data(as_text=True)) == _without_tokens(first.get_data(as_text=True))


def test_the_statistics_are_read_once_for_logged_in_visitors_and_again_after_a_change(app, db, world, challenge):
    user = _logged_in(app, world["users"]["user"])
    _first, statements = _statements(app, user, "/statistics")
    aggregates = [s for s in statements if "FROM challenges" in s]
    assert len(aggregates) >= 5, "the first view reads the figures"
    again, statements = _statements(app, user, "/statistics")
    assert [s for s in statements if "FROM challenges" in s] == []
    assert 'data-figure="challenges">1<' in again.get_data(as_text=True)
    make_challenge(world["gov_verified"], title="Sampah pasar Palembang")
    db.session.commit()
    changed, statements = _statements(app, user, "/statistics")
    assert [s for s in statements if "FROM challenges" in s]
    assert 'data-figure="challenges">2<' in changed.get_data(as_text=True)


def test_the_statistics_csv_files_and_api_read_the_kept_figures(app, db, world, challenge):
    user = _logged_in(app, world["users"]["user"])
    _statements(app, user, "/statistics")
    for url in ("/statistics/sectors.csv", "/api/v1/statistics"):
        response, statements = _statements(app, user, url)
        assert response.status_code == 200, url
        assert [s for s in statements if "FROM challenges" in s] == [], url
    assert user.get("/api/v1/statistics").get_json() == fresh_client(app).get("/api/v1/statistics").get_json()
