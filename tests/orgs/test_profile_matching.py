"""The matching profile of organizations and users: their forms, and the "what we offer and seek" blocks."""

import re

import pytest
from sqlalchemy import select

from goi.core.audit import AuditEvent
from goi.data.regions import provinces, regencies
from goi.orgs.models import Organization, PastProject
from tests.conftest import post_form
from tests.orgs import fresh_client

EDIT = "/orgs/pt-industri/edit"
FORTY_ONE_REGIONS = [item.code for item in provinces()] + [item.code for item in regencies("32")][:3]


@pytest.fixture
def client(app):
    return fresh_client(app)


def _org_values(**changes) -> dict:
    values = {
        "name": "PT Industri",
        "kind": "industry",
        "government_kind": "",
        "description": "",
        "website": "",
        "province_code": "",
        "regency_code": "",
        "languages": ["id"],
        "expertise": "",
        "seeking": "",
        "trl": "",
    }
    values.update(changes)
    return values


def _profile_values(**changes) -> dict:
    values = {
        "name": "Warga Biasa",
        "headline": "",
        "bio": "",
        "languages": ["id"],
        "province_code": "",
        "regency_code": "",
        "expertise": "",
        "seeking": "",
        "trl": "",
    }
    values.update(changes)
    return values


def _org(db) -> Organization:
    db.session.expire_all()
    return db.session.scalar(select(Organization).where(Organization.slug == "pt-industri"))


def _profile_columns(owner) -> tuple:
    return (owner.expertise, owner.seeking, owner.sectors, owner.regions_served, owner.trl, owner.languages)


@pytest.mark.parametrize("role", ["org_owner", "org_admin"])
def test_managers_save_every_profile_field_of_the_organization(client, db, login_as, role):
    login_as(role)
    values = _org_values(
        expertise=" sensor banjir,IoT ,  iot, pemetaan   drone ",
        seeking="universitas, Pendanaan",
        sectors=["water", "environment"],
        regions_served=["32", "16.71", "32"],
        trl="6",
        languages=["id", "en"],
    )
    response = post_form(client, EDIT, values)
    assert response.status_code == 302
    organization = _org(db)
    assert organization.expertise == "sensor banjir, IoT, pemetaan drone"
    assert organization.seeking == "universitas, Pendanaan"
    assert organization.sectors == "water,environment"
    assert organization.regions_served == "32,16.71"
    assert organization.trl == 6
    assert organization.languages == "id,en"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.updated")) is not None


def test_edit_form_shows_the_stored_profile(client, db, login_as, world):
    organization = world["industry"]
    organization.expertise = "sensor banjir, IoT"
    organization.sectors = "water"
    organization.regions_served = "32,16.71"
    organization.trl = 4
    organization.languages = "en"
    db.session.commit()
    login_as("org_owner")
    html = client.get(EDIT).get_data(as_text=True)
    assert 'value="sensor banjir, IoT"' in html
    assert re.search(r'<input checked[^>]*value="water"', html)
    assert not re.search(r'<input checked[^>]*value="health"', html)
    assert '<option selected value="32">' in html
    assert '<option selected value="16.71">' in html
    assert '<option selected value="4">' in html
    assert '<optgroup label="Jawa Barat">' in html
    assert "TRL 4" in html


def test_a_cleared_field_is_stored_empty(client, db, login_as, world):
    world["industry"].seeking = "mitra"
    world["industry"].trl = 5
    db.session.commit()
    login_as("org_owner")
    assert post_form(client, EDIT, _org_values()).status_code == 302
    organization = _org(db)
    assert organization.seeking == ""
    assert organization.trl is None
    assert organization.sectors == ""


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"expertise": ", ".join(f"kata{n}" for n in range(21))}, "expertise-error"),
        ({"seeking": "x" * 61}, "seeking-error"),
        ({"seeking": ", ".join("k" * 30 for _ in range(17))}, "seeking-error"),
        ({"sectors": ["water", "astrology"]}, "sectors-error"),
        ({"regions_served": ["32", "99.99"]}, "regions_served-error"),
        ({"regions_served": FORTY_ONE_REGIONS}, "regions_served-error"),
        ({"trl": "10"}, "trl-error"),
        ({"languages": ["id", "fr"]}, "languages-error"),
    ],
)
def test_invalid_values_are_refused_kept_on_the_form_and_nothing_changes(
    client, db, login_as, world, changes, error_id
):
    world["industry"].expertise = "lama"
    db.session.commit()
    before = _profile_columns(_org(db))
    login_as("org_owner")
    values = _org_values(name="Nama Baru", seeking="mitra", sectors=["health"])
    values.update(changes)
    response = post_form(client, EDIT, values)
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    assert f'id="{error_id}"' in html
    assert 'value="Nama Baru"' in html
    organization = _org(db)
    assert _profile_columns(organization) == before
    assert organization.name == "PT Industri"


def test_the_entered_keywords_stay_on_the_form_after_an_error(client, db, login_as):
    login_as("org_owner")
    response = post_form(client, EDIT, _org_values(seeking="universitas, pendanaan", trl="12"))
    html = response.get_data(as_text=True)
    assert 'value="universitas, pendanaan"' in html
    assert 'id="trl-error"' in html


@pytest.mark.parametrize("role", ["org_member", "user", "gov_admin"])
def test_non_managers_cannot_edit_the_profile(client, db, login_as, role):
    login_as(role)
    assert client.get(EDIT).status_code == 403
    response = post_form(client, EDIT, _org_values(expertise="diambil alih", trl="9"), page="/")
    assert response.status_code == 403
    assert _org(db).expertise == ""
    assert _org(db).trl is None


def test_the_profile_needs_the_csrf_token(client, db, login_as):
    login_as("org_owner")
    client.get(EDIT)
    response = client.post(EDIT, data=_org_values(expertise="tanpa token"))
    assert response.status_code == 400
    assert _org(db).expertise == ""


def test_get_of_the_edit_page_changes_nothing(client, db, login_as, world):
    world["industry"].expertise = "sensor"
    db.session.commit()
    login_as("org_owner")
    before = _profile_columns(_org(db))
    assert client.get(EDIT + "?expertise=lain&trl=9").status_code == 200
    assert _profile_columns(_org(db)) == before


def test_user_saves_seeking_sectors_regions_and_trl(client, db, login_as):
    user = login_as("user")
    values = _profile_values(
        expertise="hidrologi, drainase",
        seeking="pemerintah kota,  data curah hujan",
        sectors=["water"],
        regions_served=["51.71", "52"],
        trl="3",
    )
    response = post_form(client, "/account/profile", values)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.expertise == "hidrologi, drainase"
    assert user.seeking == "pemerintah kota, data curah hujan"
    assert user.sectors == "water"
    assert user.regions_served == "51.71,52"
    assert user.trl == 3
    html = client.get("/account/profile").get_data(as_text=True)
    assert 'value="pemerintah kota, data curah hujan"' in html
    assert '<option selected value="51.71">' in html
    assert '<option selected value="3">' in html


def test_user_profile_error_changes_nothing(client, db, login_as):
    user = login_as("user")
    response = post_form(client, "/account/profile", _profile_values(seeking="mitra", regions_served=["00"]))
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    assert 'id="regions_served-error"' in html
    assert 'value="mitra"' in html
    db.session.refresh(user)
    assert user.seeking == ""
    assert user.regions_served == ""


def test_user_profile_needs_the_csrf_token(client, db, login_as):
    user = login_as("user")
    client.get("/account/profile")
    assert client.post("/account/profile", data=_profile_values(seeking="mitra")).status_code == 400
    db.session.refresh(user)
    assert user.seeking == ""


def _describe(organization, db) -> None:
    organization.expertise = "sensor banjir, IoT"
    organization.seeking = "universitas"
    organization.sectors = "water"
    organization.regions_served = "32,16.71"
    organization.trl = 7
    organization.languages = "id,en"
    db.session.add_all(
        [
            PastProject(
                organization=organization,
                title="Peringatan dini banjir Citarum",
                year=2023,
                client="BBWS Citarum",
                description="Sensor muka air.",
                link="https://contoh.id/citarum",
                counts_for_matching=True,
            ),
            PastProject(
                organization=organization, title="Proyek rahasia internal", year=2022, counts_for_matching=False
            ),
        ]
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Air Bersih", "Kota Palembang", "Jawa Barat", "Bahasa Indonesia"]),
        ("en", ["Clean Water", "Kota Palembang", "Jawa Barat", "English", "What we offer and seek"]),
    ],
)
def test_organization_page_shows_what_it_offers_and_only_counted_projects(client, db, world, language, words):
    _describe(world["industry"], db)
    client.set_cookie("goi_lang", language)
    response = client.get("/orgs/pt-industri")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for word in [
        *words,
        "sensor banjir",
        "universitas",
        "TRL 7",
        "Peringatan dini banjir Citarum",
        "2023",
        "BBWS Citarum",
        "Sensor muka air.",
    ]:
        assert word in html, word
    assert '<a href="https://contoh.id/citarum" rel="nofollow noopener">' in html
    assert "Proyek rahasia internal" not in html


def test_empty_profile_shows_an_empty_state_and_a_link_for_managers_only(client, db, login_as, world):
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "Nothing is described here yet." in html or "Belum ada" in html
    assert "/orgs/pt-industri/projects" not in html
    assert "/orgs/pt-industri/edit#matching-profile" not in html
    login_as("org_owner")
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "/orgs/pt-industri/edit#matching-profile" in html
    assert 'href="/orgs/pt-industri/projects"' in html
    login_as("org_member")
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert "/orgs/pt-industri/edit#matching-profile" not in html


def test_anonymous_organization_page_is_the_same_for_every_visitor(app, client, db, world):
    _describe(world["industry"], db)
    first = client.get("/orgs/pt-industri")
    second = fresh_client(app).get("/orgs/pt-industri")
    assert first.status_code == second.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert first.get_data() == second.get_data()


@pytest.mark.parametrize("language", ["id", "en"])
def test_person_page_shows_what_they_offer_and_only_counted_projects(client, db, world, language):
    person = world["users"]["user"]
    person.is_public_profile = True
    person.expertise = "hidrologi"
    person.seeking = "data curah hujan"
    person.sectors = "water"
    person.regions_served = "51.71"
    person.trl = 2
    db.session.add_all(
        [
            PastProject(user=person, title="Model banjir Denpasar", year=2021, link="http://contoh.id/model"),
            PastProject(user=person, title="Catatan pribadi", counts_for_matching=False),
        ]
    )
    db.session.commit()
    client.set_cookie("goi_lang", language)
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for word in ["hidrologi", "data curah hujan", "Kota Denpasar", "TRL 2", "Model banjir Denpasar", "2021"]:
        assert word in html, word
    assert ("Clean Water" if language == "en" else "Air Bersih") in html
    assert '<a href="http://contoh.id/model" rel="nofollow noopener">' in html
    assert "Catatan pribadi" not in html
    assert "/account/projects" not in html


def test_own_person_page_links_to_fill_the_profile(client, db, login_as):
    user = login_as("user")
    user.is_public_profile = True
    db.session.commit()
    html = client.get(f"/people/{user.id}").get_data(as_text=True)
    assert 'href="/account/projects"' in html
    assert 'href="/account/profile#matching-profile"' in html
