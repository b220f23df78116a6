"""The header and the challenge list in a real browser, at 1280 px and at 390 px.

At 1280 px in English, an owner who is also a platform admin (the longest header) sees every link and button on one
line, in one row, and opens the account menu (my proposals, followed challenges …) with the keyboard; at 390 px the
toggler opens the navigation with the keyboard. The rows of the challenge list keep budget and deadline in one
column on a wide screen and on a line of their own under the summary on a narrow one.
"""

import re

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.browser.conftest import _open_page
from tests.challenges import make_challenge
from tests.factories import PASSWORD, make_org, make_user

OPENED = re.compile(r"\bcollapse show\b")
EMAIL, NAME = "dina.pemkot@example.id", "Dina Marlina Kusumawardani"

# Each element's height against its own line, padding and border: more than one line means it wrapped.
_WRAPPED = """() => [...document.querySelectorAll(
    'header .navbar-brand, header .nav-link, header .btn, header input')]
  .filter((element) => element.offsetParent !== null)
  .map((element) => {
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    const one_line = ['lineHeight', 'paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
      .reduce((total, name) => total + (parseFloat(style[name]) || 0), 0);
    return {text: element.textContent.trim() || element.id, top: box.top, bottom: box.bottom,
            height: box.height, one_line: one_line};
  })"""


def _setup(live_server) -> None:
    with live_server.app.app_context():
        owner = make_user(email=EMAIL, name=NAME, is_platform_admin=True)
        make_org(
            OrgKind.GOVERNMENT,
            owner=owner,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        db.session.commit()


def _english_page(browser, live_server, width: int, console, accessibility):
    """A page in English at width, watched by axe like every fixture's page."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "goi_lang", "value": "en", "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


def _log_in(page, live_server, accessibility) -> None:
    page.goto(live_server.url + "/login")
    accessibility.check(page)
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator("#account-menu")).to_have_text(NAME)
    accessibility.check(page)


def test_the_longest_header_keeps_to_one_line_and_its_menu_opens_by_keyboard(
    live_server, browser, console, accessibility
):
    _setup(live_server)
    context, page = _english_page(browser, live_server, 1280, console, accessibility)
    try:
        _log_in(page, live_server, accessibility)
        page.goto(live_server.url + "/challenges")
        accessibility.check(page)
        header = page.locator("header")
        for link in ("/challenges", "/orgs", "/admin/"):
            expect(header.locator(f'a.nav-link[href="{link}"]')).to_be_visible()
        expect(header.locator('button[name="language"][value="id"]')).to_have_text("Bahasa Indonesia")
        expect(header.locator("#notification-bell")).to_be_visible()
        expect(header.locator("#header-search")).to_be_visible()

        elements = page.evaluate(_WRAPPED)
        assert len(elements) >= 8, elements
        wrapped = [element for element in elements if element["height"] > element["one_line"] + 1]
        assert not wrapped, f"on more than one line: {wrapped}"
        # One row: every element crosses the same horizontal line.
        assert max(element["top"] for element in elements) < min(element["bottom"] for element in elements), elements

        # The account menu, by keyboard: Enter opens it, the arrows move through it, Escape closes it.
        menu = header.locator(".dropdown-menu")
        expect(menu).to_be_hidden()
        page.locator("#account-menu").focus()
        page.keyboard.press("Enter")
        expect(menu).to_be_visible()
        accessibility.check(page)  # with the menu open
        for link in ("/account/profile", "/account/proposals", "/account/following", "/account/organizations"):
            expect(menu.locator(f'a[href="{link}"]')).to_be_visible()
        expect(menu.locator('a[href="/account/challenges"]')).to_be_visible()
        expect(menu.get_by_role("button", name="Log out")).to_be_visible()
        page.keyboard.press("ArrowDown")
        expect(menu.locator('a[href="/account/profile"]')).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(menu.locator('a[href="/account/proposals"]')).to_be_focused()
        for link in ("/account/recommendations", "/account/invitations", "/account/projects", "/account/following"):
            page.keyboard.press("ArrowDown")
            expect(menu.locator(f'a[href="{link}"]')).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main h1")).to_have_text("Followed challenges")
        accessibility.check(page)

        page.locator("#account-menu").focus()
        page.keyboard.press("Enter")
        expect(menu).to_be_visible()
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(page.locator("#account-menu")).to_be_focused()
    finally:
        context.close()


def test_at_390_px_the_toggler_opens_the_navigation_by_keyboard(live_server, browser, console, accessibility):
    _setup(live_server)
    context, page = _english_page(browser, live_server, 390, console, accessibility)
    try:
        _log_in(page, live_server, accessibility)
        navigation = page.locator("#main-nav")
        toggler = page.locator(".navbar-toggler")
        expect(navigation).to_be_hidden()
        toggler.focus()
        page.keyboard.press("Enter")
        expect(navigation).to_have_class(OPENED)  # the opening transition has ended
        expect(toggler).to_have_attribute("aria-expanded", "true")
        expect(navigation.locator('a.nav-link[href="/challenges"]')).to_be_visible()
        expect(navigation.locator("#header-search")).to_be_visible()
        # The account menu opens inside the open navigation, by keyboard too.
        page.locator("#account-menu").focus()
        page.keyboard.press("Enter")
        expect(navigation.locator('.dropdown-menu a[href="/account/following"]')).to_be_visible()
        accessibility.check(page)  # the open navigation and menu
        # Nothing sticks out of the narrow screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.keyboard.press("Escape")
        toggler.focus()
        page.keyboard.press("Enter")
        expect(navigation).to_be_hidden()
    finally:
        context.close()


def _row_boxes(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('li.challenge-row')].map((row) => {
          const main = row.querySelector('.challenge-row-main').getBoundingClientRect();
          const meta = row.querySelector('.challenge-row-meta').getBoundingClientRect();
          return {main_left: main.left, main_bottom: main.bottom, meta_left: meta.left, meta_right: meta.right,
                  meta_top: meta.top};
        })"""
    )


def test_challenge_rows_line_up_wide_and_narrow(live_server, browser, console, accessibility):
    with live_server.app.app_context():
        owner = make_org(OrgKind.GOVERNMENT, verified=True, slug="pemkot-palembang", name="Pemerintah Kota Palembang")
        for number, words in enumerate((1, 10, 4)):  # summaries of one line to several (at most 300 characters)
            make_challenge(
                owner,
                ChallengeStatus.PUBLISHED,
                summary=" ".join(["Sensor muka air dan curah hujan di sungai"] * words)[:300],
                budget_min=750_000_000 if number != 1 else None,
                budget_max=1_500_000_000,
            )
        db.session.commit()
    for width in (1280, 390):
        context, page = _english_page(browser, live_server, width, console, accessibility)
        try:
            page.goto(live_server.url + "/challenges")
            accessibility.check(page)
            rows = _row_boxes(page)
            assert len(rows) == 3
            if width == 1280:
                # A column of its own, at the same place in every row, beside the summary.
                assert len({round(row["meta_left"]) for row in rows}) == 1, rows
                assert len({round(row["meta_right"]) for row in rows}) == 1, rows
                assert all(row["meta_left"] > row["main_left"] + 600 for row in rows), rows
            else:
                # A line under the summary, aligned with it.
                assert all(row["meta_top"] >= row["main_bottom"] for row in rows), rows
                assert all(round(row["meta_left"]) == round(row["main_left"]) for row in rows), rows
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            context.close()
