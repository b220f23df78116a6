"""Alerts: saved searches of the challenge list, the notice of each new challenge that matches one, and the signed
link of the alert's email that stops a search's alerts without logging in."""

import html
import re
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from goi.alerts import services as alert_services
from goi.alerts.criteria import Criteria
from goi.alerts.matching import saved_searches_matching
from goi.alerts.models import SavedSearch
from goi.challenges import lifecycle
from goi.challenges.models import Challenge, ChallengeStatus
from goi.challenges.queries import browse_query
from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.extensions import db as _db
from goi.notify.models import Channel, Notification
from goi.notify.services import save_preferences, send_digests
from goi.search import service
from tests.challenges import make_challenge
from tests.conftest import count_statements, log_in, post_form
from tests.core.test_mail import CollectingHandler, _free_port
from tests.factories import make_user

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
KIND = "saved_search_match"


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)


@pytest.fixture
def alice(db):
    user = make_user(email="alice@example.id", name="Alice Warga", locale="en")
    db.session.commit()
    return user


def _save(user, name=None, **criteria) -> SavedSearch:
    saved = alert_services.save_search(user, Criteria(**criteria), name)
    _db.session.commit()
    return saved


def _publish(world, **fields):
    """A draft of pemkot-palembang published through the state machine, so its signal is sent."""
    challenge = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT, **fields)
    lifecycle.publish(world["users"]["gov_admin"], challenge)
    _db.session.commit()
    return challenge


def _alerts(user) -> list[Notification]:
    return _db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == KIND).order_by(Notification.id)
    ).all()


def _mails(user) -> list[OutboxMessage]:
    return _db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == user.email, OutboxMessage.kind == f"notify_{KIND}")
        .order_by(OutboxMessage.id)
    ).all()


def _searches(user) -> list[SavedSearch]:
    _db.session.expire_all()
    return _db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == user.id)).all()


# --- saving ----------------------------------------------------------------------------------------------------------

LIST = "/challenges?q=banjir&sector=water&province=16&kind=academia&budget_min=100+juta&closes_within=30&status=open"


def test_a_logged_in_user_saves_the_filters_of_the_list(client, db, alice):
    log_in(client, alice)
    page = client.get(LIST).get_data(as_text=True)
    assert 'action="/account/alerts"' in page and "Save this search and get alerts" in page
    form = re.search(r'<form method="post" action="/account/alerts".*?</form>', page, re.S).group(0)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    fields = {name: html.unescape(value) for name, value in hidden}
    response = post_form(client, "/account/alerts", {k: v for k, v in fields.items() if k != "csrf_token"}, page=LIST)
    assert response.status_code == 302
    # Back to the list as it was, every filter still chosen.
    assert response.headers["Location"] == LIST
    [saved] = _searches(alice)
    assert (saved.keywords, saved.sector, saved.province_code, saved.solver_kind) == (
        "banjir",
        "water",
        "16",
        "academia",
    )
    assert (saved.budget_min, saved.closes_within_days, saved.metro_code) == (100_000_000, 30, None)
    # Named by its values, as many as fit in 80 characters.
    assert saved.name == "banjir · Clean Water · Sumatera Selatan · Universities and research institutes …"
    page = client.get(LIST).get_data(as_text=True)
    assert "The search is saved" in page
    assert 'action="/account/alerts"' not in page and "Saved as" in page


def test_an_anonymous_visitor_is_offered_a_login_and_the_page_stays_cacheable(app, client, db, world):
    app.config["PAGE_CACHE"] = True
    client.set_cookie("goi_lang", "en")
    response = client.get("/challenges?sector=water")
    page = response.get_data(as_text=True)
    assert "Log in to save this search and get alerts" in page
    assert "/login?next=/challenges?sector%3Dwater" in page
    assert "csrf_token" not in page and "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]
    # Nothing to save on the unfiltered list.
    assert "save-search" not in client.get("/challenges").get_data(as_text=True)


def test_the_search_page_offers_to_save_a_search_of_challenges(client, db, alice):
    log_in(client, alice)
    page = client.get("/search?q=sampah&sector=environment").get_data(as_text=True)
    assert '<input type="hidden" name="q" value="sampah">' in page
    assert '<input type="hidden" name="sector" value="environment">' in page
    response = post_form(
        client, "/account/alerts", {"q": "sampah", "sector": "environment", "next": "/search?q=sampah"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=sampah"
    assert [(s.keywords, s.sector) for s in _searches(alice)] == [("sampah", "environment")]
    # Organizations are not challenges: nothing to save.
    assert "save-search" not in client.get("/search?q=sampah&type=organization").get_data(as_text=True)


def test_the_save_box_reads_one_statement_whatever_the_number_of_searches_and_challenges(client, db, world, alice):
    url = "/challenges?sector=transportation&province=16"
    log_in(client, alice)
    make_challenge(world["gov_verified"])
    _save(alice, keywords="satu")
    few = count_statements(client, url)
    for number in range(10):
        make_challenge(world["gov_verified"])
        _save(alice, keywords=f"lagi{number}")
    _save(alice, sector="transportation", province_code="16")
    page = client.get(url).get_data(as_text=True)
    assert "Saved as" in page
    assert count_statements(client, url) == few


def test_a_value_the_list_cannot_read_saves_nothing_and_says_which(client, db, alice):
    log_in(client, alice)
    response = post_form(client, "/account/alerts", {"q": "banjir", "sector": "no-such-sector", "budget_min": "1,500"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/challenges?q=banjir"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The search is not saved" in page and "Sector" in page and "Budget from (Rp)" in page
    assert _searches(alice) == []


def test_a_search_without_any_criterion_is_refused(client, db, alice):
    log_in(client, alice)
    response = post_form(client, "/account/alerts", {"q": "   ", "status": "open", "sort": "newest"})
    assert response.status_code == 302
    assert "Choose keywords or at least one filter" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _searches(alice) == []


def test_the_same_search_twice_is_refused(client, db, alice):
    _save(alice, keywords="Banjir Rob", sector="water")
    log_in(client, alice)
    response = post_form(client, "/account/alerts", {"q": "banjir  rob", "sector": "water"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have already saved this search" in page
    assert len(_searches(alice)) == 1


def test_at_most_twenty_saved_searches(client, db, alice):
    for number in range(alert_services.MAX_SAVED_SEARCHES):
        _save(alice, keywords=f"kata{number}")
    log_in(client, alice)
    response = post_form(client, "/account/alerts", {"q": "satu lagi"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You can keep at most 20 saved searches" in page
    assert len(_searches(alice)) == 20


def test_saving_needs_a_login(client, db, world):
    response = client.get("/account/alerts")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


# --- the list of saved searches --------------------------------------------------------------------------------------


def test_the_list_names_each_search_and_its_filters_in_words(client, db, alice):
    _save(alice, keywords="macet", province_code="32", metro_code="bandung-raya", closes_from=date(2027, 1, 5))
    log_in(client, alice)
    page = client.get("/account/alerts").get_data(as_text=True)
    assert "Saved searches" in page and "1 of at most 20 saved searches" in page
    for text in ("macet", "Jawa Barat", "Bandung Raya", "Deadline from", "5 Jan 2027", "Saved 1 Dec 2026"):
        assert text in page
    assert "/challenges?q=macet&amp;province=32&amp;metro=bandung-raya&amp;closes_from=2027-01-05" in page
    client.set_cookie("goi_lang", "id")
    page = client.get("/account/alerts").get_data(as_text=True)
    assert "Pencarian tersimpan" in page and "5 Jan 2027" in page


def test_the_empty_list_leads_to_the_challenges(client, db, alice):
    log_in(client, alice)
    page = client.get("/account/alerts").get_data(as_text=True)
    assert "You have no saved searches yet" in page and 'href="/challenges"' in page


def test_the_account_menu_and_the_notification_settings_link_to_the_list(client, db, alice):
    log_in(client, alice)
    assert 'href="/account/alerts"' in client.get("/").get_data(as_text=True)
    assert 'href="/account/alerts"' in client.get("/account/notifications").get_data(as_text=True)


def test_the_list_reads_a_constant_number_of_statements(client, db, alice):
    log_in(client, alice)
    _save(alice, keywords="satu")
    _save(alice, keywords="dua", sector="water")
    few = count_statements(client, "/account/alerts")
    for number in range(10):
        _save(alice, keywords=f"lagi{number}", province_code="16")
    assert count_statements(client, "/account/alerts") == few


def test_renaming_and_deleting(client, db, alice):
    saved = _save(alice, keywords="banjir")
    log_in(client, alice)
    response = post_form(
        client, f"/account/alerts/{saved.id}/rename", {"name": "  Banjir   Palembang "}, page="/account/alerts"
    )
    assert response.status_code == 302
    assert _searches(alice)[0].name == "Banjir Palembang"
    response = post_form(client, f"/account/alerts/{saved.id}/rename", {"name": " "}, page="/account/alerts")
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    assert _searches(alice)[0].name == "Banjir Palembang"
    response = post_form(client, f"/account/alerts/{saved.id}/delete", page="/account/alerts")
    assert response.status_code == 302
    assert _searches(alice) == []


def test_another_users_saved_search_answers_404(client, db, alice):
    saved = _save(alice, keywords="banjir")
    bob = make_user(email="bob@example.id")
    db.session.commit()
    log_in(client, bob)
    for action, data in (("rename", {"name": "Milik Bob"}), ("delete", {})):
        assert (
            post_form(client, f"/account/alerts/{saved.id}/{action}", data, page="/account/alerts").status_code == 404
        )
    [kept] = _searches(alice)
    assert kept.name == "banjir"
    assert "banjir" not in client.get("/account/alerts").get_data(as_text=True)


# --- matching a new challenge ----------------------------------------------------------------------------------------


def test_a_published_challenge_reaches_the_searches_it_matches_by_sector_province_and_metro(db, world, alice):
    by_sector = _save(alice, sector="water")
    other_sector = _save(alice, sector="health")
    bob = make_user(email="bob@example.id", locale="id")
    by_province = _save(bob, province_code="32")
    by_metro = _save(bob, metro_code="jabodetabekpunjur")
    carol = make_user(email="carol@example.id")
    _save(carol, province_code="16")
    db.session.commit()
    # A challenge of the Jabodetabekpunjur area itself: in the lists of its member provinces (32 among them).
    challenge = _publish(world, sector="water", province_code=None, regency_code=None, metro_code="jabodetabekpunjur")
    assert {saved.id for saved in saved_searches_matching(challenge)} == {by_sector.id, by_province.id, by_metro.id}
    [alert] = _alerts(alice)
    assert alert.link == f"/challenges/{challenge.slug}"
    # Named as it was saved: outside a request, in Indonesian.
    assert alert.title == f'New challenge for your saved search "Air Bersih": {challenge.title}'
    assert other_sector.last_notified_at is None and db.session.get(SavedSearch, by_sector.id).last_notified_at == NOW
    [bob_alert] = _alerts(bob)
    assert bob_alert.title.startswith("Tantangan baru untuk pencarian tersimpan Anda")
    assert '"Jawa Barat", "Jabodetabekpunjur"' in bob_alert.title
    assert _alerts(carol) == []


def test_a_regency_of_a_metropolitan_area_reaches_the_searches_of_that_area(db, world, alice):
    saved = _save(alice, metro_code="bandung-raya")
    challenge = _publish(world, province_code="32", regency_code="32.73", metro_code=None)
    assert [s.id for s in saved_searches_matching(challenge)] == [saved.id]
    assert len(_alerts(alice)) == 1


def test_keywords_match_as_the_list_keyword_filter_does(db, world, alice):
    flood = _save(alice, keywords="banjir")
    english = _save(alice, keywords="flood")
    _save(alice, keywords="kemacetan lalu lintas")
    challenge = _publish(world, title="Peringatan dini banjir Sungai Musi", summary="Sensor ketinggian air.")
    assert {s.id for s in saved_searches_matching(challenge)} == {flood.id, english.id}
    [alert] = _alerts(alice)
    assert '"banjir", "flood"' in alert.title


def test_long_keywords_need_the_lists_minimum_of_their_words(db, world, alice):
    """Six content words ask two of them, as the list's keyword filter does: one shared word is not enough."""
    two = _save(alice, keywords="sensor banjir sekolah pasar terminal pelabuhan")
    _save(alice, keywords="sensor kemacetan sekolah pasar terminal pelabuhan")
    challenge = _publish(world, title="Peringatan dini banjir Sungai Musi", summary="Sensor ketinggian air.")
    assert {s.id for s in saved_searches_matching(challenge)} == {two.id}
    listed = service.challenge_ids_matching("sensor banjir sekolah pasar terminal pelabuhan")
    assert challenge.id in listed


def test_filters_match_exactly_what_the_list_would_show(db, world, alice):
    """For many filter sets, a published challenge reaches a saved search if and only if the list filtered the same
    way shows it (browse_query, restricted to that challenge)."""
    criteria = [
        Criteria(solver_kind="citizen"),
        Criteria(solver_kind="investor"),
        Criteria(budget_min=400_000_000),
        Criteria(budget_min=600_000_000),
        Criteria(budget_max=300_000_000),
        Criteria(budget_max=100_000_000),
        Criteria(closes_within_days=9),
        Criteria(closes_within_days=10),
        Criteria(closes_within_days=11),
        Criteria(closes_from=date(2026, 12, 11)),
        Criteria(closes_from=date(2026, 12, 12)),
        Criteria(closes_until=date(2026, 12, 10)),
        Criteria(closes_until=date(2026, 12, 11)),
        Criteria(sector="water", province_code="16", solver_kind="academia"),
        Criteria(province_code="31"),
    ]
    searches = [_save(alice, keywords=None, **{k: v for k, v in vars_of(c).items() if v is not None}) for c in criteria]
    challenges = [
        # Closes 11 Dec 2026 at 18:00 in Jakarta (11:00 UTC): 10 days and 9 hours from NOW.
        _publish(
            world,
            sector="water",
            budget_min=200_000_000,
            budget_max=500_000_000,
            allow_investor=False,
            closes_at=datetime(2026, 12, 11, 11, 0, tzinfo=UTC),
        ),
        _publish(
            world,
            sector="health",
            budget_min=None,
            budget_max=None,
            allow_citizen=False,
            closes_at=datetime(2026, 12, 11, 17, 30, tzinfo=UTC),
        ),
        _publish(world, budget_min=700_000_000, budget_max=None, closes_at=NOW + timedelta(days=9)),
    ]
    for challenge in challenges:
        listed = set()
        for saved, chosen in zip(searches, criteria, strict=True):
            filters = {"sort": "deadline", **_browse_filters(chosen)}
            query = browse_query(filters).where(Challenge.id == challenge.id)
            if db.session.scalars(query).first() is not None:
                listed.add(saved.id)
        assert {s.id for s in saved_searches_matching(challenge)} == listed, challenge.title
        assert listed, "each challenge matches some search, so the comparison is not vacuous"


def vars_of(criteria: Criteria) -> dict:
    return {name: getattr(criteria, name) for name in Criteria.__slots__}


def _browse_filters(criteria: Criteria) -> dict:
    names = {
        "province_code": "province",
        "metro_code": "metro",
        "solver_kind": "kind",
        "closes_within_days": "closes_within",
    }
    return {names.get(name, name): value for name, value in vars_of(criteria).items() if value is not None}


def test_the_publisher_is_not_told_of_their_own_challenge(db, world, alice):
    publisher = world["users"]["gov_admin"]
    _save(publisher, sector="transportation")
    _save(alice, sector="transportation")
    _publish(world)
    assert _alerts(publisher) == [] and len(_alerts(alice)) == 1


def test_a_draft_reaches_nobody(db, world, alice):
    _save(alice, sector="transportation")
    draft = make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT)
    db.session.commit()
    assert saved_searches_matching(draft) == []
    assert _alerts(alice) == []


def test_each_user_hears_of_a_challenge_once(db, world, alice):
    from goi.alerts.matching import notify_saved_searches

    _save(alice, sector="transportation")
    _save(alice, province_code="16")
    challenge = _publish(world)
    [alert] = _alerts(alice)
    assert "saved searches" in alert.title
    assert len(_mails(alice)) == 1
    assert notify_saved_searches(challenge) == 0
    db.session.commit()
    assert len(_alerts(alice)) == 1 and len(_mails(alice)) == 1


def test_the_channel_follows_the_notification_settings(db, world, alice):
    in_app = make_user(email="inapp@example.id")
    email_only = make_user(email="mailonly@example.id")
    digest = make_user(email="digest@example.id")
    save_preferences(in_app, {KIND: Channel.IN_APP})
    save_preferences(email_only, {KIND: Channel.EMAIL})
    save_preferences(digest, {KIND: Channel.DIGEST})
    for user in (alice, in_app, email_only, digest):
        _save(user, sector="transportation")
    _publish(world)
    assert [(a.read_at is None, len(_mails(alice))) for a in _alerts(alice)] == [(True, 1)]
    assert [a.read_at is None for a in _alerts(in_app)] == [True] and _mails(in_app) == []
    assert [a.read_at is not None for a in _alerts(email_only)] == [True] and len(_mails(email_only)) == 1
    assert _mails(digest) == []
    assert send_digests() == 1
    db.session.commit()
    [digest_mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == digest.email)).all()
    assert 'Tantangan baru untuk pencarian tersimpan Anda "Transportasi"' in digest_mail.body_text


def test_the_notification_kind_is_in_the_settings_in_both_languages(client, db, alice):
    log_in(client, alice)
    assert "New challenges that match your saved searches" in client.get("/account/notifications").get_data(
        as_text=True
    )
    client.set_cookie("goi_lang", "id")
    assert "Tantangan baru yang cocok dengan pencarian tersimpan Anda" in client.get("/account/notifications").get_data(
        as_text=True
    )


def test_the_alert_email_is_delivered_with_its_links(app, db, world, alice):
    handler = CollectingHandler()
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_LOG_ONLY=False, MAIL_TIMEOUT=5)
        saved = _save(alice, sector="transportation", name="Transport Palembang")
        challenge = _publish(world, title="Angkutan sungai Musi")
        result = app.test_cli_runner().invoke(args=["goi", "mail", "send"])
        assert result.exit_code == 0, result.output
    finally:
        controller.stop()
    [message] = handler.messages()
    assert message["To"] == alice.email
    assert " ".join(str(make_header(decode_header(message["Subject"]))).split()) == (
        'New challenge for your saved search "Transport Palembang": Angkutan sungai Musi'
    )
    body = message.get_payload(decode=True).decode()
    assert f"http://localhost/challenges/{challenge.slug}" in body
    assert 'To stop the alerts of "Transport Palembang" (no login needed):' in body
    assert "http://localhost/account/alerts" in body
    stop = re.search(r"http://localhost(/alerts/stop/\S+)", body).group(1)
    assert alert_services.search_of_token(alert_services.read_unsubscribe_token(stop.rsplit("/", 1)[1])).id == saved.id


# --- stopping alerts from the email ----------------------------------------------------------------------------------


def _stop_path(saved: SavedSearch) -> str:
    return urlsplit(alert_services.unsubscribe_url(saved)).path


def test_the_link_asks_on_get_and_stops_on_post_without_a_login(app, client, db, alice):
    saved = _save(alice, keywords="banjir", sector="water", name="Banjir")
    path = _stop_path(saved)
    client.set_cookie("goi_lang", "en")
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'Stop the alerts of your saved search "Banjir"?' in page and "Clean Water" in page
    # A GET (a mail scanner's visit too) changes nothing and starts no session.
    assert len(_searches(alice)) == 1 and "Set-Cookie" not in response.headers
    # The page's button, as a mail client's one-click POST (RFC 8058), carries no CSRF token: the signed path is enough.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert 'The alerts of "Banjir" are stopped' in response.get_data(as_text=True)
    assert _searches(alice) == []
    again = client.post(path)
    assert again.status_code == 200 and "no longer exists" in again.get_data(as_text=True)


def test_a_bad_or_expired_link_changes_nothing(app, client, db, alice):
    saved = _save(alice, keywords="banjir")
    app.config["WTF_CSRF_ENABLED"] = True
    path = _stop_path(saved)
    client.set_cookie("goi_lang", "en")
    for bad in ("/alerts/stop/junk", path[:-3] + "abc"):
        for method in (client.get, client.post):
            response = method(bad)
            assert response.status_code == 400
            assert "This link is invalid or has expired, so nothing was changed." in response.get_data(as_text=True)
    clock.freeze(NOW + timedelta(days=366))
    assert client.post(path).status_code == 400
    assert len(_searches(alice)) == 1
    client.set_cookie("goi_lang", "id")
    assert "Tautan ini tidak sah" in client.get("/alerts/stop/junk").get_data(as_text=True)


def test_a_token_of_another_purpose_is_refused(client, db, alice):
    from goi.core.tokens import make_token

    saved = _save(alice, keywords="banjir")
    forged = make_token("confirm", {"search": saved.id, "user": alice.id})
    assert client.post(f"/alerts/stop/{forged}").status_code == 400
    assert len(_searches(alice)) == 1
