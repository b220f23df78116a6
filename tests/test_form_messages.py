"""Every form, submitted empty and with bad values in Indonesian and in English, answers in that language only.

The pages are those of the policy matrix (tests/test_policy.py), each fetched by a role it allows; every POST form
on them (but the header's language, search and logout forms) is submitted twice per language. A message is of the
other language when it matches an English text of the catalogue or of WTForms (on an Indonesian page) or an
Indonesian translation that differs from its English (on an English page).
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import wtforms
from babel.messages.pofile import read_po

from goi.site.locale import LOCALE_COOKIE
from tests import test_policy
from tests.test_policy import CASES, _allowed_role, url_of

# The policy test's fixtures: its client (a fresh flask.g a request) and its samples (the ids its URLs need).
client = test_policy.client
samples = test_policy.samples

CATALOGUE = Path(__file__).resolve().parent.parent / "goi/translations/id/LC_MESSAGES/messages.po"
WTFORMS_POT = Path(wtforms.__file__).parent / "locale/wtforms.pot"
HEADER_FORMS = ("/language", "/logout", "/search")
BAD_VALUES = {
    "email": "bukan-alamat-email",
    "number": "abc",
    "date": "2026-13-45",
    "datetime-local": "kemarin sore",
    "password": "x",
}
TOO_LONG = "x" * 30_000


# --- the two languages' texts ------------------------------------------------------------------------------------


def _pattern(text: str) -> re.Pattern:
    """text as a pattern in which each placeholder (%(name)s, %(name)d, %s) stands for any words."""
    escaped = re.escape(text)
    return re.compile(re.sub(r"%\\\((\w+)\\\)[sd]|%[sd]", ".+?", escaped))


def _texts(entry) -> list[str]:
    return [text for text in (entry if isinstance(entry, tuple) else (entry,)) if text]


def _language_patterns() -> tuple[list[re.Pattern], list[re.Pattern]]:
    """(English-only, Indonesian-only) patterns: texts whose translation differs from them."""
    english, indonesian = [], []
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source, locale="id")
    for message in catalogue:
        if not message.id:
            continue
        originals, translations = _texts(message.id), _texts(message.string)
        if not translations or set(originals) == set(translations):
            continue
        english += [text for text in originals if text not in translations]
        indonesian += [text for text in translations if text not in originals]
    with WTFORMS_POT.open("rb") as source:
        english += [text for message in read_po(source) if message.id for text in _texts(message.id)]
    return [_pattern(text) for text in english], [_pattern(text) for text in indonesian]


def _foreign(message: str, patterns: list[re.Pattern]) -> list[str]:
    """The patterns message matches: whole, or (for a long pattern) as a sentence within it."""
    found = []
    for pattern in patterns:
        if pattern.fullmatch(message) or (len(pattern.pattern) >= 24 and pattern.search(message)):
            found.append(pattern.pattern)
    return found


# --- reading pages -----------------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """The POST forms of a page (action, fields) and the texts of its error messages and notices."""

    MESSAGE_CLASSES = ("invalid-feedback", "alert")

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.messages: list[str] = []
        self._form: dict | None = None
        self._select: dict | None = None
        self._message_depth = 0
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag not in ("input", "br", "img", "meta", "link", "option"):
            self._depth += 1
        classes = attributes.get("class", "").split()
        if not self._message_depth and any(name in classes for name in self.MESSAGE_CLASSES):
            self._message_depth, self._text = self._depth, []
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self._form = {"action": attributes.get("action", ""), "fields": [], "button": None}
        elif self._form is None:
            return
        elif tag in ("input", "textarea"):
            kind = attributes.get("type", "text") if tag == "input" else "textarea"
            self._form["fields"].append(
                {"name": attributes.get("name"), "type": kind, "value": attributes.get("value")}
            )
        elif tag == "select":
            self._select = {"name": attributes.get("name"), "type": "select", "value": None}
            self._form["fields"].append(self._select)
        elif tag == "button" and attributes.get("name") and self._form["button"] is None:
            self._form["button"] = (attributes["name"], attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        if tag == "select":
            self._select = None
        if tag not in ("input", "br", "img", "meta", "link", "option"):
            if self._message_depth and self._depth == self._message_depth:
                text = " ".join("".join(self._text).split())
                if text:
                    self.messages.append(text)
                self._message_depth = 0
            self._depth -= 1

    def handle_data(self, data):
        if self._message_depth:
            self._text.append(data)


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _filled(form: dict, bad: bool) -> dict:
    """The form's data: hidden fields as they are; every other field empty, or holding a bad value."""
    data = {}
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if not name or kind in ("submit", "file", "button"):
            continue
        if kind == "hidden":
            data[name] = field["value"] or ""
        elif not bad:
            if kind not in ("checkbox", "radio"):
                data[name] = ""
        elif kind in ("select", "checkbox", "radio"):
            data[name] = "no-such-choice"
        else:
            data[name] = BAD_VALUES.get(kind, TOO_LONG)
    if form["button"]:
        data.setdefault(*form["button"])
    return data


def _pages_with_forms(app, samples) -> list[tuple[str, str]]:
    """(role, path) of every page of the matrix that a role it allows may GET."""
    pages = []
    for case in CASES:
        if case.method == "GET" and "allow" in case.expected.values() and case.endpoint != "static":
            pages.append((_allowed_role(case), url_of(app, case, samples)))
    return sorted(set(pages))


# --- the test ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_form_answers_empty_and_bad_input_in_the_pages_language(
    app,
    client,
    db,
    samples,
    login_as,
    language,
):
    english, indonesian = _language_patterns()
    other = english if language == "id" else indonesian
    problems, messages, forms = [], [], 0
    for role, path in _pages_with_forms(app, samples):
        login_as(role)
        client.set_cookie(LOCALE_COOKIE, language)
        response = client.get(path)
        response.close()  # a download is a file; only pages have forms
        if response.mimetype != "text/html":
            continue
        page = _read(response.get_data(as_text=True))
        for form in page.forms:
            action = form["action"] or path
            if urlsplit(action).path.startswith(HEADER_FORMS):
                continue
            forms += 1
            for bad in (False, True):
                response = client.post(action, data=_filled(form, bad), headers={"Referer": f"http://localhost{path}"})
                if response.status_code in (301, 302, 303):
                    response = client.get(response.headers["Location"])
                response.close()
                for message in _read(response.get_data(as_text=True)).messages:
                    messages.append(message)
                    found = _foreign(message, other)
                    if found:
                        problems.append(f"{role} {action} ({'bad' if bad else 'empty'}): {message!r} ~ {found[0]}")
    # The walk reached the forms and read their answers: otherwise it proves nothing.
    assert forms >= 25, forms
    assert len(messages) >= 60, len(messages)
    required = "Kolom ini wajib diisi." if language == "id" else "This field is required."
    assert any(required in message for message in messages), "\n".join(sorted(set(messages)))
    assert problems == []


def test_every_form_class_asks_the_applications_catalogue(app):
    """A form class built on FlaskForm or wtforms.Form directly would answer in English on Indonesian pages."""
    from goi.core.form_messages import TRANSLATIONS

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = {cls for cls in subclasses(wtforms.Form) if cls.__module__.startswith("goi.")}
    assert len(forms) > 25
    untranslated = sorted(
        f"{cls.__module__}.{cls.__name__}" for cls in forms if cls.Meta().get_translations(None) is not TRANSLATIONS
    )
    assert untranslated == []
