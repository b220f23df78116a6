"""The review in the demo data, in a real browser, in Indonesian and English, at 1280 px and at 390 px.

The owner of the decided PJU challenge of Banjarmasin opens its review: two locked rounds, the ranking of each (four
proposals in round 1, one flagged for disagreement, the two of the shortlist in round 2 with the winner and the
runner-up), and the conflicts (one detected by organization and email domain, one declared with its note). A
reviewer finds in My reviews the open round of the puskesmas challenge of Denpasar with a draft, and the locked rounds
of the PJU challenge without the proposal she declared a conflict with and without any team's name (single-blind).
Anyone finds the winner on /solutions.
"""

from playwright.sync_api import expect
from sqlalchemy import select

from goi.challenges.models import Challenge
from goi.demo import DEMO_PASSWORD, load_demo_data
from goi.extensions import db
from goi.proposals.models import Proposal
from tests.browser.conftest import _open_page, open_navigation

OWNER = ("rina@banjarmasin.demo.goi.id", "Rina Handayani")
REVIEWER = ("ratna@energi.demo.goi.id", "Ir. Ratna Sari Dewi")
WINNER = "PJU surya dengan LoRaWAN"
DECLARED = "PJU surya swakelola warga bantaran sungai"
TEAMS = ("PT Air Nusantara Teknologi", "Universitas Sriwijaya", "Komunitas Peduli Sungai Musi", "Ahmad Fauzi")
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WORDS = {
    "id": {"menu": "Penilaian saya", "winner": "Pemenang", "runner_up": "Juara kedua", "continue": "Lanjutkan"},
    "en": {"menu": "My reviews", "winner": "Winner", "runner_up": "Runner-up", "continue": "Continue the review"},
}


def _demo(live_server) -> dict:
    with live_server.app.app_context():
        load_demo_data()
        db.session.commit()
        slug = db.session.scalar(select(Challenge.slug).where(Challenge.ref == "demo-banjarmasin-pju-pintar"))
        declared = db.session.scalar(select(Proposal.id).where(Proposal.title == DECLARED))
    return {"slug": slug, "declared": declared}


def _page_in(browser, live_server, language: str, width: int, console, accessibility):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


def test_the_demo_review_of_a_decided_and_of_an_ongoing_challenge(
    live_server, browser, log_in, accessibility, console, shoot_series
):
    demo = _demo(live_server)
    review = f"{live_server.url}/challenges/{demo['slug']}/review"
    shoot = shoot_series("reviewdemo")
    for language, width in (("id", 1280), ("en", 390)):
        words = WORDS[language]
        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            log_in(page, *OWNER, password=DEMO_PASSWORD)
            page.goto(review)
            rounds = page.locator("[data-round]")
            expect(rounds).to_have_count(2)
            expect(page.locator('[data-round="1"] [data-figure="submitted"]')).to_have_text("9")
            expect(page.locator('[data-round="2"] [data-figure="proposals"]')).to_have_text("2")
            shoot(page, f"{language}-{width}-overview")

            page.goto(f"{review}/rounds/1/ranking")
            expect(page.locator("tr.ranking-row")).to_have_count(4)
            expect(page.locator(".flag-disagreement")).to_have_count(1)
            expect(page.locator(".flag-few")).to_have_count(0)
            expect(page.locator("tr.ranking-row").first).to_contain_text(WINNER)
            assert page.evaluate(_OVERFLOW) <= 0, f"round 1's ranking scrolls sideways at {width} px"
            shoot(page, f"{language}-{width}-ranking-1")

            page.goto(f"{review}/rounds/2/ranking")
            rows = page.locator("tr.ranking-row")
            expect(rows).to_have_count(2)
            expect(rows.nth(0)).to_contain_text(words["winner"])
            expect(rows.nth(1)).to_contain_text(words["runner_up"])
            shoot(page, f"{language}-{width}-ranking-2")

            page.goto(f"{review}/conflicts")
            conflicts = page.locator("tr[data-conflict]")
            expect(conflicts).to_have_count(3)
            expect(page.locator('tr[data-source="detected"]')).to_have_count(2)
            expect(page.locator('tr[data-source="declared"]')).to_contain_text("adik ipar")
            assert page.evaluate(_OVERFLOW) <= 0, f"the conflicts scroll sideways at {width} px"
            shoot(page, f"{language}-{width}-conflicts")
        finally:
            context.close()

        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            log_in(page, *REVIEWER, password=DEMO_PASSWORD)
            if width < 992:
                open_navigation(page)
            page.locator("#account-menu").click()
            page.get_by_role("link", name=words["menu"]).click()
            expect(page).to_have_url(f"{live_server.url}/account/reviews")
            expect(page.locator("[data-challenge-id]")).to_have_count(2)
            expect(page.get_by_role("link", name=words["continue"])).to_have_count(1)
            main = page.locator("#main")
            expect(main).to_contain_text(WINNER)
            expect(main).not_to_contain_text(DECLARED)
            for team in TEAMS:
                expect(main).not_to_contain_text(team)
            assert page.evaluate(_OVERFLOW) <= 0, f"My reviews scrolls sideways at {width} px"
            shoot(page, f"{language}-{width}-my-reviews")
            response = page.goto(f"{review}/proposals/{demo['declared']}")
            assert response.status == 404  # her declared conflict: she sees nothing of it
            accessibility.check(page)
        finally:
            context.close()

        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            page.goto(f"{live_server.url}/solutions")
            expect(page.locator("#main")).to_contain_text(WINNER)
            shoot(page, f"{language}-{width}-solutions")
        finally:
            context.close()
    assert console.csp_violations() == []
