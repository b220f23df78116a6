"""Alerts in a real browser: a resident filters the challenge list, saves the search, finds it under "Saved searches"
in the account menu, hears of a new challenge that matches it, and stops its alerts from the email's link without
logging in; in Indonesian and English, at 1280 px and at 390 px.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges import lifecycle
from goi.challenges.models import ChallengeStatus
from goi.core.mail import OutboxMessage
from goi.extensions import db
from goi.orgs.models import Organization, OrgKind
from tests.browser.conftest import _open_page, open_navigation
from tests.challenges import make_challenge
from tests.factories import make_org, make_user

EMAIL, NAME = "sari.warga@example.id", "Sari Wulandari"
OWNER_EMAIL = "pemkot@example.id"
TITLES = ("Air bersih untuk kampung tepian Musi", "Banjir rob di Plaju")
NEW_TITLE = "Pemantauan banjir Sungai Musi dengan sensor murah"


def _setup(live_server) -> None:
    with live_server.app.app_context():
        make_user(email=EMAIL, name=NAME)
        owner = make_user(email=OWNER_EMAIL, name="Pemkot Palembang")
        government = make_org(
            OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Palembang", slug="pemkot-palembang"
        )
        for title in TITLES:
            make_challenge(government, title=title, sector="water", province_code="16", regency_code="16.71")
        make_challenge(government, title="Parkir pintar Bandung", sector="transportation", province_code="32")
        db.session.commit()


def _page(browser, live_server, language: str, width: int, console, accessibility):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


def _open_account_menu(page, width: int) -> None:
    if width < 992:
        open_navigation(page)
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bcollapse show\b"))
    page.locator("#account-menu").click()


TEXTS = {
    "en": {
        "save": "Save this search and get alerts",
        "saved": "The search is saved",
        "menu": "Saved searches",
        "empty": "You have no saved searches yet",
        "login": "Log in to save this search and get alerts",
        "sector": "Clean Water",
        "stop": "Stop these alerts",
        "stopped": "are stopped",
        "rename": "Rename",
    },
    "id": {
        "save": "Simpan pencarian ini dan terima pemberitahuan",
        "saved": "Pencarian disimpan",
        "menu": "Pencarian tersimpan",
        "empty": "Anda belum memiliki pencarian tersimpan",
        "login": "Masuk untuk menyimpan pencarian ini dan menerima pemberitahuan",
        "sector": "Air Bersih",
        "stop": "Hentikan pemberitahuan ini",
        "stopped": "dihentikan",
        "rename": "Ubah nama",
    },
}


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("id", 390), ("id", 1280), ("en", 390)])
def test_save_a_search_see_it_hear_of_a_new_challenge_and_stop_it(
    live_server, browser, console, accessibility, shoot_series, log_in, language, width
):
    _setup(live_server)
    text = TEXTS[language]
    shoot = shoot_series(f"alerts-{language}-{width}")

    # Anonymous: the filtered list offers a login, not a form.
    context, anonymous = _page(browser, live_server, language, width, console, accessibility)
    try:
        anonymous.goto(live_server.url + "/challenges?sector=water")
        expect(anonymous.locator(".save-search-login")).to_have_text(text["login"])
        expect(anonymous.locator(".save-search-form")).to_have_count(0)
        shoot(anonymous, "anonymous-list")
    finally:
        context.close()

    context, page = _page(browser, live_server, language, width, console, accessibility)
    try:
        log_in(page, EMAIL, NAME)
        page.goto(live_server.url + "/account/alerts")
        expect(page.locator(".empty-state")).to_contain_text(text["empty"])
        shoot(page, "empty")

        # Filter the list by keywords, sector and province, then save it.
        page.goto(live_server.url + "/challenges")
        accessibility.check(page)
        page.locator("#q").fill("banjir air")
        page.locator("#sector").select_option("water")
        page.locator("#province").select_option("16")
        page.locator(".browse-filters button[type=submit]").click()
        expect(page.locator(".result-count")).to_have_attribute("data-total", "2")
        save = page.locator(".save-search-form button")
        expect(save).to_contain_text(text["save"])
        shoot(page, "list-filtered")
        save.click()
        expect(page.locator(".flash-messages")).to_contain_text(text["saved"])
        expect(page.locator(".save-search-saved")).to_be_visible()
        expect(page.locator("#q")).to_have_value("banjir air")
        shoot(page, "list-saved")

        # The search page offers the same for a search of challenges.
        page.goto(live_server.url + "/search?q=rob&type=challenge")
        expect(page.locator(".save-search-form button")).to_contain_text(text["save"])
        shoot(page, "search")

        # The account menu leads to the saved searches.
        _open_account_menu(page, width)
        page.locator('.dropdown-menu a[href="/account/alerts"]').click()
        expect(page.locator("main h1")).to_have_text(text["menu"])
        row = page.locator(".saved-search")
        expect(row).to_have_count(1)
        expect(row.locator(".saved-search-criteria")).to_contain_text(text["sector"])
        expect(row.locator(".saved-search-criteria")).to_contain_text("Sumatera Selatan")
        shoot(page, "account-alerts")
        # No part of the page is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        # Renamed in place: the form opens under the row.
        row.locator("summary").click()
        row.locator("input[name=name]").fill("Banjir Palembang")
        row.locator("form button", has_text=text["rename"]).click()
        expect(page.locator(".saved-search-name")).to_have_text("Banjir Palembang")
        accessibility.check(page)

        # Its link runs the search again.
        row.locator("a.btn-primary").click()
        expect(page.locator(".result-count")).to_have_attribute("data-total", "2")
        expect(page.locator("#sector")).to_have_value("water")
        accessibility.check(page)
    finally:
        context.close()

    # A new challenge that matches is published: the resident's email carries a link that stops the alerts.
    with live_server.app.app_context():
        owner = db.session.scalar(select(User).where(User.email == OWNER_EMAIL))
        government = db.session.scalar(select(Organization).where(Organization.slug == "pemkot-palembang"))
        draft = make_challenge(
            government, status=ChallengeStatus.DRAFT, title=NEW_TITLE, sector="water", province_code="16"
        )
        lifecycle.publish(owner, draft)
        db.session.commit()
        mail = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == EMAIL).order_by(OutboxMessage.id.desc())
        )
        assert mail is not None and NEW_TITLE in mail.subject
        stop_link = re.search(r"(http://\S+/alerts/stop/\S+)", mail.body_text).group(1)

    context, page = _page(browser, live_server, language, width, console, accessibility)
    try:
        page.goto(stop_link)
        expect(page.locator("main form button")).to_have_text(text["stop"])
        shoot(page, "stop-confirm")
        page.locator("main form button").click()
        expect(page.locator(".unsubscribe-done")).to_contain_text(text["stopped"])
        shoot(page, "stop-done")
    finally:
        context.close()
