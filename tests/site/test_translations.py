"""The interface speaks Indonesian by default and English on request; the Indonesian catalogue is complete."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from goi.core.mail import queue_mail
from goi.site.locale import LOCALE_COOKIE

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "goi" / "translations"
CATALOGUE = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# The keywords of `make messages`: Babel's defaults (_, gettext, ngettext, ...) plus Flask-Babel's lazy ones.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
}
# Mail and notification templates (templates/mail, templates/notify) are rendered in the recipient's language, so
# their strings need translating too; babel.cfg maps only the HTML templates.
TEXT_TEMPLATES = ("templates/**.txt", "jinja2")

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def _source_messages(with_context: bool = False) -> dict:
    """msgid (a tuple for plurals) -> the files it comes from, extracted as `make messages` does; with_context, the
    keys are (msgid, context), context None for most."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    if not any(pattern.endswith(".txt") for pattern, _method in method_map):
        method_map = [*method_map, TEXT_TEMPLATES]
    messages: dict = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(part for part in message if part)
        if key:
            messages.setdefault((key, context or None) if with_context else key, set()).add(filename)
    return messages


def _read_catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po, locale="id")


def test_sources_have_messages():
    messages = _source_messages()
    files = {name for names in messages.values() for name in names}
    assert any(name.startswith("goi/") for name in files), "nothing extracted from goi/*.py: check babel.cfg"
    assert any(name.startswith("templates/") for name in files), "nothing extracted from templates: check babel.cfg"
    assert "The email address or password is not correct." in messages


def test_catalogue_header_is_indonesian_with_one_plural_form():
    catalogue = _read_catalogue()
    assert str(catalogue.locale) == "id"
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    assert catalogue.num_plurals == 1


def test_every_source_message_has_an_indonesian_translation():
    catalogue = _read_catalogue()
    problems = []
    for (key, context), files in sorted(_source_messages(with_context=True).items(), key=lambda item: str(item[0])):
        where = ", ".join(sorted(files))
        entry = catalogue.get(key if isinstance(key, str) else key[0], context=context)
        if entry is None or (isinstance(key, tuple) and entry.id != key):
            problems.append(f"missing: {key!r} ({where})")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {key!r} ({where})")
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not strings or not all(text and text.strip() for text in strings):
            problems.append(f"untranslated: {key!r} ({where})")
    assert not problems, "run `make messages` and translate:\n" + "\n".join(problems)


def test_translations_keep_the_placeholders():
    problems = []
    for entry in _read_catalogue():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            if text and _placeholders(text) != expected:
                problems.append(f"{ids[0]!r}: {sorted(expected)} but {text!r} has {sorted(_placeholders(text))}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


@pytest.fixture
def compiled(app):
    """The compiled catalogue (tests/conftest.py gives every request a fresh `g`, so the language is re-read)."""
    assert COMPILED.exists(), "the catalogue is not compiled: run `make translations` before the tests"


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


def test_home_page_is_indonesian_by_default(client, compiled):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _html_lang(html) == "id"
    assert "Untuk pemerintah daerah" in html
    assert "Masuk" in html
    assert "For local governments" not in html


def test_switching_to_english_is_remembered(client, post, compiled):
    response = post("/language", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    cookie = client.get_cookie(LOCALE_COOKIE)
    assert cookie is not None and cookie.value == "en"

    for _request in range(2):
        html = client.get("/").get_data(as_text=True)
        assert _html_lang(html) == "en"
        assert "For local governments" in html
        assert "Log in" in html
        assert "Untuk pemerintah daerah" not in html

    post("/language", {"language": "id", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert _html_lang(html) == "id"
    assert "Untuk pemerintah daerah" in html


def test_language_choice_is_kept_on_the_account(app, db, client, post, login_as, compiled):
    user = login_as("user")
    post("/language", {"language": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"

    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    assert other_device.get_cookie(LOCALE_COOKIE) is None
    assert _html_lang(other_device.get("/").get_data(as_text=True)) == "en"


@pytest.mark.parametrize("language", ["fr", "", "EN", "id-ID"])
def test_unknown_language_is_refused(client, post, language, compiled):
    response = post("/language", {"language": language, "next": "/"})
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.get_data(as_text=True)
    assert client.get_cookie(LOCALE_COOKIE) is None


def test_error_page_follows_the_language(client, post, compiled):
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _html_lang(html) == "id"
    assert "Halaman tidak ditemukan" in html
    assert "Kembali ke beranda" in html

    post("/language", {"language": "en", "next": "/"})
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _html_lang(html) == "en"
    assert "Page not found" in html
    assert "Back to the home page" in html


@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [("id", "Konfirmasi akun GOI Anda", "Halo Budi,"), ("en", "Confirm your GOI account", "Hello Budi,")],
)
def test_mail_is_written_in_the_recipients_language(app, db, locale, subject, greeting, compiled):
    message = queue_mail(
        "budi@example.id", "confirm_email", locale, user=SimpleNamespace(name="Budi"), link="http://localhost/x"
    )
    assert message.subject == subject
    assert message.body_text.startswith(greeting)
    db.session.rollback()


def test_a_word_with_two_meanings_is_translated_in_its_context(app):
    """ "Accept" is a button (an invitation) and a reviewer's recommendation; Indonesian says them differently."""
    from flask_babel import force_locale, gettext

    from goi.reviews.models import Recommendation
    from goi.reviews.scoring import RECOMMENDATION_LABELS

    with app.test_request_context("/"), force_locale("id"):
        assert gettext("Accept") == "Terima" and gettext("Reject") == "Tolak"
        assert str(RECOMMENDATION_LABELS[Recommendation.ACCEPT]) == "Layak diterima"
        assert str(RECOMMENDATION_LABELS[Recommendation.REJECT]) == "Tidak layak diterima"
