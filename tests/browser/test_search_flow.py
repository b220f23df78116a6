"""Search in a real browser, with the keyboard only: the header box, a typo and its suggestion, a facet, the API.

A resident types "macet" in the header and presses Enter: the Indonesian traffic challenge is found and the
word is marked in its snippet. "floood" (a typo) offers "did you mean flood", followed by keyboard; "banjir" finds
the English flood challenge through the glossary, never the draft that holds the word. A facet link, reached by
keyboard, narrows the results.
"""

import re

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.factories import make_org, make_user
from tests.search.conftest import make_challenge

TRAFFIC = "Mengurangi kemacetan lalu lintas di pusat Kota Surakarta"
FLOOD = "Flood early warning for riverside neighbourhoods"
DRAFT = "Banjir rahasia yang masih draf"


def _setup(live_server) -> None:
    with live_server.app.app_context():
        owner = make_user(email="owner@surakarta.example.id", name="Admin Surakarta")
        city = make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Surakarta")
        make_challenge(city, TRAFFIC, summary="Kemacetan di simpang padat setiap pagi.", sector="transportation")
        make_challenge(
            city,
            FLOOD,
            summary="Sensors along the river warn residents before the water rises.",
            sector="water",
            province_code="33",
        )
        make_challenge(city, DRAFT, status=ChallengeStatus.DRAFT, sector="water")
        db.session.commit()  # the index follows the commit


def test_search_with_the_keyboard(live_server, page, accessibility, console, shoot):
    _setup(live_server)
    page.goto(live_server.url + "/")
    accessibility.check(page)
    page.context.add_cookies([{"name": "goi_lang", "value": "en", "url": live_server.url}])
    page.reload()
    accessibility.check(page)

    # 1. The header box: type, Enter.
    page.locator("#header-search").focus()
    page.keyboard.type("macet")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=macet$"))
    traffic = page.locator('[data-type="challenge"]', has_text=TRAFFIC)
    expect(traffic).to_be_visible()
    expect(traffic.locator("mark").first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(FLOOD)
    shoot("search-macet")

    # 2. A typo: the suggestion is a link reached and followed by keyboard.
    page.locator("#search-q").fill("floood")
    page.locator("#search-q").press("Enter")
    suggestion = page.locator("#did-you-mean a")
    expect(suggestion).to_have_text("flood")
    accessibility.check(page)
    suggestion.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=flood"))
    expect(page.locator('[data-type="challenge"]', has_text=FLOOD)).to_be_visible()
    shoot("search-did-you-mean")

    # 3. The glossary: the Indonesian word finds the English text; the draft that holds the word never shows.
    page.locator("#search-q").fill("banjir")
    page.locator("#search-q").press("Enter")
    expect(page.locator('[data-type="challenge"]', has_text=FLOOD)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(DRAFT)
    accessibility.check(page)

    # 4. A facet narrows the results (keyboard: focus the link, Enter).
    page.locator("#search-q").fill("kota")
    page.locator("#search-q").press("Enter")
    expect(page.locator('[data-type="challenge"]')).to_have_count(2)
    accessibility.check(page)
    facet = page.locator('section[aria-labelledby="facet-sector"] a', has_text=re.compile("transport", re.I))
    facet.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sector=transportation"))
    expect(page.locator('[data-type="challenge"]')).to_have_count(1)
    expect(page.locator('[data-type="challenge"]')).to_contain_text(TRAFFIC)
    shoot("search-facet")

    assert console.errors == []
