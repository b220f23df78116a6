"""Editing one's profile, and who may see a person's page."""

import pytest
from flask import g
from sqlalchemy import select

from goi.core.audit import AuditEvent
from tests.conftest import log_in, post_form
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    """Start every request with an empty g, as a real server does.

    The app fixture keeps one app context open for the whole test and every request reuses it, so
    without this what flask-login, flask-babel, flask-wtf (the CSRF token) and the templates cache in g
    would carry over from one request (or one client) to the next.
    """

    def forget() -> None:
        for name in list(vars(g)):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


BIO = (
    "Saya **ahli drainase** kota.\n\n"
    "<script>alert('xss')</script>\n\n"
    '<a href="https://example.id/" onclick="steal()">tautan</a>\n\n'
    "- satu\n- dua\n"
)


def _profile(**changes):
    data = {
        "name": "Warga Biasa",
        "headline": "",
        "bio": "",
        "expertise": "",
        "languages": ["id"],
        "province_code": "",
        "regency_code": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _save(client, **changes):
    return post_form(client, "/account/profile", _profile(**changes))


def test_profile_page_requires_login(client, world):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_edit_profile_stores_sanitized_bio_and_fields(client, db, login_as):
    user = login_as("user")
    response = _save(
        client,
        name="  Siti Rahma  ",
        headline="Hidrolog, ITB",
        bio=BIO,
        languages=["id", "en", "jv"],
        province_code="32",
        regency_code="32.01",
        is_public_profile="y",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/profile"
    db.session.refresh(user)
    assert user.name == "Siti Rahma"
    assert user.headline == "Hidrolog, ITB"
    assert user.bio_source == BIO.replace("\n", "\r\n") or user.bio_source.replace("\r\n", "\n") == BIO
    html = user.bio_html
    assert "<strong>ahli drainase</strong>" in html
    assert "<script" not in html.lower()
    assert "onclick" not in html.lower()
    assert "steal()" not in html
    assert 'href="https://example.id/"' in html
    assert "nofollow" in html
    assert "<li>satu</li>" in html
    assert user.language_list == ["id", "en", "jv"]
    assert (user.province_code, user.regency_code) == ("32", "32.01")
    assert user.is_public_profile is True
    assert "account.profile_updated" in db.session.scalars(select(AuditEvent.action)).all()

    page = client.get(f"/people/{user.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<strong>ahli drainase</strong>" in text
    assert "alert('xss')</script>" not in text
    assert "alert(&#39;xss&#39;)</script>" not in text
    assert "onclick" not in text
    assert "Hidrolog, ITB" in text
    assert "Kabupaten Bogor" in text
    # Languages by their names, not their codes; one in another script also by the reader's name for it.
    assert "Bahasa Indonesia, English, Basa Jawa" in text
    assert ", jv" not in text
    form = client.get("/account/profile").get_data(as_text=True)
    assert "中文 (Tionghoa)" in form and "日本語 (Jepang)" in form
    client.set_cookie("goi_lang", "en")
    assert "中文 (Chinese)" in client.get("/account/profile").get_data(as_text=True)


def test_profile_form_shows_saved_values(client, db, login_as):
    login_as("user")
    _save(client, bio="**tebal**", expertise="drainase, IoT", province_code="11", regency_code="11.01")
    html = client.get("/account/profile").get_data(as_text=True)
    assert "**tebal**" in html
    assert 'value="drainase, IoT"' in html
    assert '<option selected value="11">' in html or 'value="11" selected' in html
    assert '<option selected value="11.01">' in html or 'value="11.01" selected' in html


def test_expertise_keywords_are_deduplicated_case_insensitively(client, db, login_as):
    user = login_as("user")
    response = _save(client, expertise="drainase, IoT,  Drainase , iot,waste   management,, ,DRAINASE")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.expertise_list == ["drainase", "IoT", "waste management"]
    assert user.expertise == "drainase, IoT, waste management"


def test_more_than_20_keywords_are_refused(client, db, login_as):
    user = login_as("user")
    response = _save(client, expertise=", ".join(f"kata{n}" for n in range(21)))
    assert response.status_code == 200
    assert 'id="expertise-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.expertise == ""


def test_unknown_language_is_refused(client, db, login_as):
    user = login_as("user")
    response = _save(client, languages=["id", "xx"])
    assert response.status_code == 200
    assert 'id="languages-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.language_list == ["id"]


def test_regency_outside_province_is_refused_and_nothing_saved(client, db, login_as):
    user = login_as("user")
    response = _save(client, name="Nama Baru", headline="Baru", province_code="11", regency_code="32.01")
    assert response.status_code == 200
    assert 'id="regency_code-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.name == "Warga Biasa"
    assert user.headline == ""
    assert user.province_code is None
    assert user.regency_code is None
    assert "account.profile_updated" not in db.session.scalars(select(AuditEvent.action)).all()


def test_regency_without_province_is_refused(client, db, login_as):
    user = login_as("user")
    response = _save(client, regency_code="32.01")
    assert response.status_code == 200
    db.session.refresh(user)
    assert user.regency_code is None


def test_province_alone_is_accepted(client, db, login_as):
    user = login_as("user")
    assert _save(client, province_code="32").status_code == 302
    db.session.refresh(user)
    assert (user.province_code, user.regency_code) == ("32", None)


def test_private_profile_is_hidden_from_others_and_anonymous(app, client, db, world):
    person = world["users"]["user"]
    assert person.is_public_profile is False
    url = f"/people/{person.id}"
    assert client.get(url).status_code == 404
    for role in ("org_member", "gov_admin"):
        other = app.test_client()
        log_in(other, world["users"][role])
        assert other.get(url).status_code == 404
    own = app.test_client()
    log_in(own, person)
    assert own.get(url).status_code == 200
    admin = app.test_client()
    log_in(admin, world["users"]["platform_admin"])
    response = admin.get(url)
    assert response.status_code == 200
    assert "Warga Biasa" in response.get_data(as_text=True)


def test_public_profile_is_visible_to_everyone(app, client, db, world):
    person = world["users"]["user"]
    person.is_public_profile = True
    person.headline = "Penanda publik"
    db.session.commit()
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    assert "Penanda publik" in response.get_data(as_text=True)
    other = app.test_client()
    log_in(other, world["users"]["org_member"])
    assert other.get(f"/people/{person.id}").status_code == 200


def test_making_profile_private_hides_it_again(client, db, login_as):
    user = login_as("user")
    _save(client, is_public_profile="y")
    db.session.refresh(user)
    assert user.is_public_profile
    _save(client)  # the box unticked
    db.session.refresh(user)
    assert user.is_public_profile is False


def test_disabled_users_profile_is_404(app, client, db, world):
    person = make_user(email="mati@example.id", is_public_profile=True, is_disabled=True)
    db.session.commit()
    url = f"/people/{person.id}"
    assert client.get(url).status_code == 404
    other = app.test_client()
    log_in(other, world["users"]["user"])
    assert other.get(url).status_code == 404


def test_unknown_person_is_404(client, world):
    assert client.get("/people/999999").status_code == 404
