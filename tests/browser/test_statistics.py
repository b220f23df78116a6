"""The statistics page in a real browser, in Indonesian and English, at 1280 px and at 390 px: the charts and their
tables are shown, nothing is wider than the screen, and axe finds no violation (each screenshot is checked)."""

from datetime import timedelta

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.challenges import make_challenge
from tests.factories import make_org, make_user
from tests.statistics.conftest import add_proposal

_WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('#main *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .map((element) => element.tagName + '.' + element.className)"""


def _setup(live_server) -> None:
    with live_server.app.app_context():
        now = clock.now()
        city = make_org(
            OrgKind.GOVERNMENT,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        startup = make_org(OrgKind.INDUSTRY, name="PT Musi Cerdas Teknologi", slug="musi-cerdas")
        for number, (sector, province) in enumerate((("water", "16"), ("health", "32"), ("environment", "11"))):
            challenge = make_challenge(
                city,
                ChallengeStatus.CLOSED if number else ChallengeStatus.PUBLISHED,
                sector=sector,
                province_code=province,
                regency_code=None,
                budget_max=500_000_000 * (number + 1),
                opens_at=now - timedelta(days=40),
                closes_at=now + timedelta(days=10) if number == 0 else now - timedelta(days=2),
                published_at=now - timedelta(days=40 * (number + 1)),
            )
            for person in range(number * 2):
                lead = make_user(email=f"solver{number}-{person}@example.id", name=f"Solver {number} {person}")
                add_proposal(challenge, lead, startup if person == 0 else None, submitted_at=now - timedelta(days=5))
        db.session.commit()


def test_the_statistics_page_reads_at_both_widths_in_both_languages(live_server, new_page, console, shoot_series):
    _setup(live_server)
    shoot = shoot_series("statistics")
    page = new_page()
    for language, width in (("id", 1280), ("id", 390), ("en", 1280), ("en", 390)):
        page.context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/statistics")
        main = page.locator("#main")
        expect(main.locator("svg#chart-sectors")).to_be_visible()
        expect(main.locator("[data-figure=challenges]")).to_have_text("3")
        expect(main.locator("[data-section=provinces] a[href='/statistics/provinces.csv']")).to_be_visible()
        assert page.evaluate(_WIDER_THAN_SCREEN) == []
        shoot(page, f"{language}-{width}")
    assert console.errors == []
