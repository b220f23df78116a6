"""Offers and requests: posting, editing and withdrawing them, who may, the rules of their fields, and the public
marketplace (live offers only, filters, keywords, pages, no per-visitor token)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from goi.core import clock
from goi.core.audit import AuditEvent
from goi.orgs import offers
from goi.orgs.models import Offer, OfferKind, OrgKind
from tests import factories
from tests.conftest import count_statements, post_form
from tests.orgs import fresh_client

# 12:00 WIB on 3 December 2026: "today" is the 3rd in Jakarta.
NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)
ROW_TITLE = re.compile(r'<h2 class="h6 mb-0"><a href="/offers/(\d+)">')


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(NOW)
    yield
    clock.reset()


@pytest.fixture
def client(app):
    # In English: the messages below are the catalogue's msgids.
    english = fresh_client(app)
    english.set_cookie("goi_lang", "en")
    return english


def _values(**changes) -> dict:
    values = {
        "kind": "technology_offer",
        "title": "Sensor kualitas air sungai",
        "description": "Sensor murah untuk memantau sungai.\nTerpasang di 12 kota.",
        "sector": "",
        "province_code": "16",
        "regency_code": "16.71",
        "expires_on": (TODAY + timedelta(days=30)).isoformat(),
        "is_public": "y",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def _service_values(**changes) -> dict:
    values = {
        "kind": OfferKind.TECHNOLOGY_OFFER,
        "title": "Sensor kualitas air sungai",
        "description": "Sensor murah untuk memantau sungai.",
        "sector": None,
        "province_code": "16",
        "regency_code": "16.71",
        "expires_on": TODAY + timedelta(days=30),
        "is_public": True,
    }
    values.update(changes)
    return values


def _make_offer(db, organization, actor=None, **changes) -> Offer:
    """An offer made through the service (expires_on may be set in the past afterwards, as time passing would)."""
    actor = actor or organization.memberships[0].user
    expires_on = changes.pop("expires_on", None)
    offer = offers.create_offer(actor, organization, _service_values(**changes))
    if expires_on is not None:
        offer.expires_on = expires_on
    db.session.commit()
    return offer


def _count(db, model=Offer) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _listed_ids(html: str) -> list[int]:
    return [int(found) for found in ROW_TITLE.findall(html)]


# --- posting, editing, withdrawing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["org_owner", "org_admin"])
def test_a_manager_posts_an_offer(client, db, world, login_as, role):
    user = login_as(role)
    response = post_form(client, "/orgs/pt-industri/offers/new", _values(sector="environment"))
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert response.headers["Location"].endswith(f"/offers/{offer.id}")
    assert offer.organization_id == world["industry"].id and offer.created_by_id == user.id
    assert offer.kind == OfferKind.TECHNOLOGY_OFFER and offer.title == "Sensor kualitas air sungai"
    assert offer.sector == "environment" and (offer.province_code, offer.regency_code) == ("16", "16.71")
    assert offer.expires_on == TODAY + timedelta(days=30) and offer.is_public
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.created"))
    assert (event.actor_id, event.object_id) == (user.id, offer.id)
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "Sensor kualitas air sungai" in page and 'href="/orgs/pt-industri"' in page


def test_an_offer_posted_hidden_stays_hidden(client, db, world, login_as):
    login_as("org_owner")
    values = _values()
    del values["is_public"]  # an unticked checkbox is not sent
    assert post_form(client, "/orgs/pt-industri/offers/new", values).status_code == 302
    assert db.session.scalar(select(Offer.is_public)) is False


def test_any_kind_of_organization_posts_any_kind_of_offer(db, world):
    investor_owner = factories.make_user()
    investor = factories.make_org(OrgKind.INVESTOR, owner=investor_owner)
    for kind in OfferKind:
        offers.create_offer(investor_owner, investor, _service_values(kind=kind))
        offers.create_offer(world["users"]["gov_admin"], world["gov_verified"], _service_values(kind=kind))
    db.session.commit()
    assert _count(db) == 2 * len(OfferKind)


def test_a_manager_edits_an_offer(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    user = login_as("org_admin")
    form = client.get(f"/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="Sensor kualitas air sungai"' in form
    changed = _values(
        kind="investment_offer",
        title="Dana hibah",
        description=_service_values()["description"],
        province_code="",
        regency_code="",
    )
    del changed["is_public"]
    response = post_form(client, f"/offers/{offer.id}/edit", changed)
    assert response.status_code == 302
    db.session.expire_all()
    offer = db.session.get(Offer, offer.id)
    assert (offer.kind, offer.title, offer.province_code, offer.is_public) == (
        OfferKind.INVESTMENT_OFFER,
        "Dana hibah",
        None,
        False,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.updated"))
    assert event.actor_id == user.id
    assert event.detail["fields"] == ["is_public", "kind", "province_code", "regency_code", "title"]


def test_a_manager_withdraws_an_offer(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    offer_id = offer.id
    user = login_as("org_owner")
    response = post_form(client, f"/offers/{offer_id}/withdraw", page=f"/offers/{offer_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/pt-industri")
    assert _count(db) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offer.withdrawn"))
    assert (event.actor_id, event.object_id, event.detail["title"]) == (user.id, offer_id, "Sensor kualitas air sungai")
    assert client.get(f"/offers/{offer_id}").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("org_member", 403), ("gov_admin", 403), ("user", 403)])
def test_who_is_not_a_manager_of_the_organization_changes_nothing(client, db, world, login_as, role, status):
    offer = _make_offer(db, world["industry"])
    login_as(role)
    before = _audit_actions(db)
    assert client.get("/orgs/pt-industri/offers/new").status_code == status
    assert post_form(client, "/orgs/pt-industri/offers/new", _values(), page="/offers").status_code == status
    assert client.get(f"/offers/{offer.id}/edit").status_code == status
    edited = post_form(client, f"/offers/{offer.id}/edit", _values(title="Diubah"), page="/offers")
    assert edited.status_code == status
    assert post_form(client, f"/offers/{offer.id}/withdraw", page="/offers").status_code == status
    assert _count(db) == 1 and db.session.get(Offer, offer.id).title == "Sensor kualitas air sungai"
    assert _audit_actions(db) == before


def test_a_hidden_offer_of_another_organization_answers_404_to_its_forms(client, db, world, login_as):
    offer = _make_offer(db, world["industry"], is_public=False)
    login_as("gov_admin")
    assert client.get(f"/offers/{offer.id}/edit").status_code == 404
    assert post_form(client, f"/offers/{offer.id}/withdraw", page="/offers").status_code == 404
    assert _count(db) == 1


def test_an_anonymous_visitor_is_sent_to_log_in(client, db, world):
    offer = _make_offer(db, world["industry"])
    for url in ("/orgs/pt-industri/offers/new", f"/offers/{offer.id}/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = post_form(client, f"/offers/{offer.id}/withdraw")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _count(db) == 1


def test_a_missing_organization_or_offer_answers_404(client, db, world, login_as):
    login_as("org_owner")
    assert client.get("/orgs/no-such-org/offers/new").status_code == 404
    assert client.get("/offers/999999").status_code == 404
    assert client.get("/offers/999999/edit").status_code == 404
    assert post_form(client, "/offers/999999/withdraw", page="/offers").status_code == 404


def test_posts_without_the_csrf_token_are_refused(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    login_as("org_owner")
    assert client.post("/orgs/pt-industri/offers/new", data=_values()).status_code == 400
    assert client.post(f"/offers/{offer.id}/edit", data=_values(title="Diubah")).status_code == 400
    assert client.post(f"/offers/{offer.id}/withdraw").status_code == 400
    assert _count(db) == 1 and db.session.get(Offer, offer.id).title == "Sensor kualitas air sungai"


def test_gets_change_nothing(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    login_as("org_owner")
    before = (_count(db), _count(db, AuditEvent))
    for url in (
        "/offers",
        "/offers?q=sensor&kind=technology_offer",
        f"/offers/{offer.id}",
        f"/offers/{offer.id}/edit",
        "/orgs/pt-industri/offers/new",
        "/orgs/pt-industri",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/offers/{offer.id}/withdraw").status_code == 405
    assert (_count(db), _count(db, AuditEvent)) == before


# --- the rules of the fields -----------------------------------------------------------------------------------------

TOO_LONG_TITLE = "J" * 161
TOO_LONG_DESCRIPTION = "d" * 2001


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": ""}, "Choose the kind of offer."),
        ({"kind": "gadget"}, "Not a valid choice."),
        ({"title": "   "}, "Give the offer a title."),
        ({"title": TOO_LONG_TITLE}, "Keep the title to 160 characters."),
        ({"description": ""}, "Describe what you offer or look for."),
        ({"description": TOO_LONG_DESCRIPTION}, "Keep the description to 2000 characters."),
        ({"sector": "astrologi"}, "Not a valid choice."),
        ({"province_code": "99", "regency_code": ""}, "Not a valid choice."),
        ({"province_code": "51", "regency_code": "16.71"}, "Choose a regency or city in the chosen province."),
        ({"province_code": "", "regency_code": "16.71"}, "Choose a regency or city in the chosen province."),
        ({"expires_on": ""}, "Choose the date the offer expires."),
        ({"expires_on": "2026-13-45"}, "Not a valid date value."),
        ({"expires_on": TODAY.isoformat()}, "Choose an expiry date after today."),
        ({"expires_on": "2026-11-30"}, "Choose an expiry date after today."),
        ({"expires_on": "2027-12-04"}, "Choose an expiry date at most one year ahead."),
    ],
)
def test_each_rule_refuses_with_its_message_keeps_the_values_and_writes_nothing(
    client, db, world, login_as, changes, message
):
    login_as("org_owner")
    values = _values(title="Judul yang tetap")
    values.update(changes)
    response = post_form(client, "/orgs/pt-industri/offers/new", values)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if values["title"].strip():
        assert f'value="{values["title"]}"' in page
    if "description" not in changes:
        assert "Terpasang di 12 kota." in page
    assert _count(db) == 0 and _count(db, AuditEvent) == 0


def test_the_last_day_of_the_year_ahead_is_allowed(client, db, world, login_as):
    login_as("org_owner")
    assert post_form(client, "/orgs/pt-industri/offers/new", _values(expires_on="2027-12-03")).status_code == 302
    assert db.session.scalar(select(Offer.expires_on)) == date(2027, 12, 3)


def test_today_is_the_day_in_jakarta(app):
    # 23:30 UTC on 2 December is 06:30 on 3 December in Jakarta.
    clock.freeze(datetime(2026, 12, 2, 23, 30, tzinfo=UTC))
    assert offers.today() == TODAY
    with force_locale("en"):
        assert offers.problems(_service_values(expires_on=TODAY))["expires_on"] == "Choose an expiry date after today."
    assert "expires_on" not in offers.problems(_service_values(expires_on=TODAY + timedelta(days=1)))


def test_an_edit_is_checked_by_the_same_rules(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    login_as("org_owner")
    response = post_form(client, f"/offers/{offer.id}/edit", _values(title="", expires_on="2020-01-01"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the offer a title." in page and "Choose an expiry date after today." in page
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).title == "Sensor kualitas air sungai"
    assert _audit_actions(db) == ["offer.created"]


def test_the_service_refuses_what_the_form_refuses(db, world):
    owner = world["users"]["org_owner"]
    with pytest.raises(offers.DomainError) as refused:
        offers.create_offer(owner, world["industry"], _service_values(title=""))
    assert refused.value.field == "title"
    with pytest.raises(offers.NotAllowed):
        offers.create_offer(world["users"]["org_member"], world["industry"], _service_values())
    assert _count(db) == 0


def test_an_organization_has_at_most_30_live_offers(client, db, world, login_as):
    for number in range(offers.LIVE_OFFERS_MAX):
        _make_offer(db, world["industry"], title=f"Penawaran {number}", is_public=number % 2 == 0)
    login_as("org_owner")
    response = post_form(client, "/orgs/pt-industri/offers/new", _values(title="Satu lagi"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "An organization has at most 30 offers that have not expired. Withdraw one first." in page
    assert 'value="Satu lagi"' in page
    assert _count(db) == offers.LIVE_OFFERS_MAX
    # an expired offer no longer counts
    first = db.session.scalar(select(Offer).order_by(Offer.id))
    first.expires_on = TODAY - timedelta(days=1)
    db.session.commit()
    assert post_form(client, "/orgs/pt-industri/offers/new", _values(title="Satu lagi")).status_code == 302
    # and given a later date again, it would be the 31st
    response = post_form(client, f"/offers/{first.id}/edit", _values(title="Dihidupkan lagi"))
    assert response.status_code == 422
    assert "at most 30 offers" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Offer, first.id).expires_on == TODAY - timedelta(days=1)


# --- who sees what ---------------------------------------------------------------------------------------------------


def test_expired_and_hidden_offers_are_only_for_the_organizations_members(client, db, world, login_as):
    live = _make_offer(db, world["industry"], title="Masih berlaku")
    last_day = _make_offer(db, world["industry"], title="Hari terakhir", expires_on=TODAY)
    expired = _make_offer(db, world["industry"], title="Sudah lewat", expires_on=TODAY - timedelta(days=1))
    hidden = _make_offer(db, world["industry"], title="Tidak publik", is_public=False)
    listed = _listed_ids(client.get("/offers").get_data(as_text=True))
    assert sorted(listed) == sorted([live.id, last_day.id])
    organization_page = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "Masih berlaku" in organization_page and "Sudah lewat" not in organization_page
    assert "Tidak publik" not in organization_page
    for offer in (expired, hidden):
        assert client.get(f"/offers/{offer.id}").status_code == 404
    login_as("gov_admin")
    for offer in (expired, hidden):
        assert client.get(f"/offers/{offer.id}").status_code == 404
    login_as("org_member")
    for offer in (expired, hidden):
        page = client.get(f"/offers/{offer.id}")
        assert page.status_code == 200 and offer.title in page.get_data(as_text=True)
    organization_page = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "Sudah lewat" in organization_page and "Tidak publik" in organization_page
    assert sorted(_listed_ids(client.get("/offers").get_data(as_text=True))) == sorted([live.id, last_day.id])


def test_the_description_is_shown_as_escaped_text(client, db, world):
    offer = _make_offer(db, world["industry"], description='<script>alert("x")</script>\nBaris dua')
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert 'class="text-pre-line offer-description"' in page


def test_the_organization_page_offers_its_managers_a_link_to_post(client, db, world, login_as):
    link = 'href="/orgs/pt-industri/offers/new"'
    assert link not in client.get("/orgs/pt-industri").get_data(as_text=True)
    login_as("org_member")
    assert link not in client.get("/orgs/pt-industri").get_data(as_text=True)
    login_as("org_admin")
    assert link in client.get("/orgs/pt-industri").get_data(as_text=True)


def test_only_managers_see_the_controls_of_an_offer(client, db, world, login_as):
    offer = _make_offer(db, world["industry"])
    edit = f'href="/offers/{offer.id}/edit"'
    assert edit not in client.get(f"/offers/{offer.id}").get_data(as_text=True)
    login_as("org_member")
    assert edit not in client.get(f"/offers/{offer.id}").get_data(as_text=True)
    login_as("org_owner")
    page = client.get(f"/offers/{offer.id}").get_data(as_text=True)
    assert edit in page and f'action="/offers/{offer.id}/withdraw"' in page


# --- the marketplace -------------------------------------------------------------------------------------------------


@pytest.fixture
def market(db, world):
    """Offers of two organizations, each posted a minute after the previous one."""
    made = {}
    rows = [
        ("industry", "sensor", OfferKind.TECHNOLOGY_OFFER, "Sensor Kualitas AIR", "water", "16"),
        ("industry", "dana", OfferKind.INVESTMENT_OFFER, "Dana untuk UMKM", "economy", "51"),
        ("gov_verified", "mitra", OfferKind.PARTNERSHIP_REQUEST, "Mitra pengelolaan sampah", "water", "51"),
        ("gov_verified", "aplikasi", OfferKind.TECHNOLOGY_REQUEST, "Aplikasi antrean puskesmas", "health", "16"),
    ]
    for index, (organization, key, kind, title, sector, province) in enumerate(rows):
        clock.freeze(NOW + timedelta(minutes=index))
        made[key] = _make_offer(
            db,
            world[organization],
            kind=kind,
            title=title,
            sector=sector,
            province_code=province,
            regency_code=None,
            description=f"Uraian {key}: kerja sama dengan pemerintah daerah.",
        )
    clock.freeze(NOW + timedelta(hours=1))
    return made


def _ids_of(market, *keys) -> list[int]:
    return [market[key].id for key in keys]


def test_the_marketplace_lists_the_newest_first(client, market):
    page = client.get("/offers").get_data(as_text=True)
    assert _listed_ids(page) == _ids_of(market, "aplikasi", "mitra", "dana", "sensor")
    assert "Investment offer" in page and 'href="/orgs/pemkot-palembang"' in page
    assert "Clean Water" in page and "Sumatera Selatan" in page and "Bali" in page
    assert "2 Jan 2027" in page  # the expiry date


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=technology_request", ["aplikasi"]),
        ("kind=investment_offer", ["dana"]),
        ("sector=water", ["mitra", "sensor"]),
        ("province=51", ["mitra", "dana"]),
        ("province=51&sector=water", ["mitra"]),
        ("q=sensor", ["sensor"]),
        ("q=SENSOR+air", ["sensor"]),
        ("q=kualitas+AiR", ["sensor"]),
        ("q=air+puskesmas", []),
        ("q=PEMERINTAH+daerah", ["aplikasi", "mitra", "dana", "sensor"]),
        ("q=umkm&kind=investment_offer", ["dana"]),
        ("q=umkm&kind=technology_offer", []),
        ("q=%25", []),
        ("q=_", []),
        ("kind=gadget", ["aplikasi", "mitra", "dana", "sensor"]),
    ],
)
def test_filters_and_keywords(client, market, query, expected):
    page = client.get(f"/offers?{query}").get_data(as_text=True)
    assert _listed_ids(page) == _ids_of(market, *expected)


def test_the_empty_state_clears_the_filters_and_offers_managers_to_post(client, market, login_as):
    page = client.get("/offers?q=tidak-ada-kata-ini").get_data(as_text=True)
    assert "No offers match these filters." in page
    assert 'href="/offers"' in page
    assert "/offers/new" not in page
    login_as("org_owner")
    page = client.get("/offers?q=tidak-ada-kata-ini").get_data(as_text=True)
    assert 'href="/orgs/pt-industri/offers/new"' in page


def test_the_marketplace_is_paged(client, db, world):
    for number in range(25):
        clock.freeze(NOW + timedelta(minutes=number))
        _make_offer(db, world["industry"], title=f"Penawaran nomor {number}")
    first = _listed_ids(client.get("/offers").get_data(as_text=True))
    second = _listed_ids(client.get("/offers?page=2").get_data(as_text=True))
    assert len(first) == offers.PER_PAGE and len(second) == 5
    assert not set(first) & set(second)
    assert first == sorted(first, reverse=True)
    assert 'href="/offers?page=2"' in client.get("/offers").get_data(as_text=True)
    assert client.get("/offers?page=3").status_code == 404
    filtered = client.get("/offers?q=nomor&page=2").get_data(as_text=True)
    assert len(_listed_ids(filtered)) == 5 and "q=nomor" in filtered


def test_the_marketplace_reads_a_constant_number_of_statements(client, db, world, market, login_as):
    few = count_statements(client, "/offers")
    for number in range(6):
        _make_offer(db, world["industry"], title=f"Tambahan {number}", province_code="51", regency_code=None)
        _make_offer(db, world["gov_unverified"], title=f"Lain {number}", regency_code=None)
    assert count_statements(client, "/offers") == few
    login_as("org_owner")
    logged_in = count_statements(client, "/offers?q=tambahan")
    _make_offer(db, world["gov_verified"], title="Tambahan lagi")
    assert count_statements(client, "/offers?q=tambahan") == logged_in


def test_the_anonymous_marketplace_starts_no_session(app, client, market):
    app.config["PAGE_CACHE"] = True
    for url in ("/offers", "/offers?kind=technology_offer&q=sensor", f"/offers/{market['sensor'].id}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url
        assert "csrf_token" not in response.get_data(as_text=True), url
        assert response.headers.get("Cache-Control") != "private, no-store", url


def test_the_filter_form_is_a_get_form(client, market):
    page = client.get("/offers").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/offers"[^>]*>(.*?)</form>', page, re.S)
    assert form is not None
    for name in ("q", "kind", "sector", "province"):
        assert f'name="{name}"' in form.group(1)


def test_the_header_links_the_marketplace(client, db, world):
    assert 'href="/offers"' in client.get("/").get_data(as_text=True)


def test_the_organization_page_lists_its_live_offers(client, db, world, market):
    page = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "Sensor Kualitas AIR" in page and "Dana untuk UMKM" in page
    assert "Mitra pengelolaan sampah" not in page
