"""The metropolitan area pages in a real browser: the list of areas and an area's page in Indonesian and English, at
1280 px and at 390 px (nothing wider than the screen), and the way from a challenge page to its area's page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from goi.challenges.models import ChallengeCoOwner, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import GovernmentKind, OrgKind
from tests.browser.conftest import _open_page
from tests.challenges import make_challenge
from tests.factories import make_org

AREA = "/metros/patungraya-agung"
HEADINGS = {
    "id": ("Kawasan metropolitan", "Tantangan bersama", "Tantangan per sektor", "Kabupaten/kota anggota"),
    "en": ("Metropolitan areas", "Joint challenges", "Challenges by sector", "Member regencies and cities"),
}


def _area(live_server) -> None:
    """Palembang and Banyuasin on the platform, a challenge of the whole area, a joint one and one of each city."""
    with live_server.app.app_context():
        palembang = make_org(
            OrgKind.GOVERNMENT,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        banyuasin = make_org(
            OrgKind.GOVERNMENT,
            verified=True,
            name="Pemerintah Kabupaten Banyuasin",
            slug="pemkab-banyuasin",
            government_kind=GovernmentKind.REGENCY,
            province_code="16",
            regency_code="16.07",
        )
        now = clock.now()
        make_challenge(
            palembang,
            slug="angkutan-terpadu",
            title="Angkutan umum terpadu Patungraya Agung",
            summary="Satu kartu dan satu jadwal untuk bus, LRT dan angkutan sungai di empat daerah.",
            province_code=None,
            regency_code=None,
            metro_code="patungraya-agung",
            sector="transportation",
            budget_min=2_000_000_000,
            budget_max=3_500_000_000,
        )
        shared = make_challenge(
            palembang,
            slug="banjir-musi",
            title="Peringatan dini banjir Sungai Musi",
            summary="Sensor muka air dan peringatan lewat WhatsApp bagi warga di bantaran sungai.",
            sector="water",
            budget_max=1_200_000_000,
            closes_at=now + timedelta(days=45),
        )
        db.session.add(ChallengeCoOwner(challenge=shared, organization=banyuasin))
        make_challenge(
            banyuasin,
            slug="puskesmas-banyuasin",
            title="Antrean daring puskesmas Banyuasin",
            summary="Warga mendaftar dari ponsel dan datang pada jam yang ditentukan.",
            regency_code="16.07",
            sector="health",
            budget_max=400_000_000,
        )
        make_challenge(
            palembang,
            ChallengeStatus.CLOSED,
            slug="sampah-pasar",
            title="Pengolahan sampah pasar tradisional",
            summary="Sampah organik pasar menjadi kompos dan biogas.",
            sector="waste",
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=3),
        )
        make_challenge(palembang, ChallengeStatus.DRAFT, slug="konsep-rahasia", title="Konsep rahasia")
        db.session.commit()


def _no_wider_than(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_list_and_an_area_page_read_well(
    live_server, browser, console, accessibility, shoot_series, language, width
):
    _area(live_server)
    shoot = shoot_series(f"metro-{language}-{width}")
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    page = _open_page(context, console, accessibility)
    try:
        page.goto(live_server.url + "/metros")
        card = page.locator('[data-metro="patungraya-agung"]')
        expect(card).to_contain_text("Kota Palembang")
        expect(card).to_have_attribute("data-open", "3")
        _no_wider_than(page, width)
        shoot(page, "list")
        card.get_by_role("link", name="Patungraya Agung").click()
        expect(page).to_have_url(live_server.url + AREA)
        expect(page.locator("h1")).to_have_text("Patungraya Agung")
        for heading in HEADINGS[language]:
            expect(page.locator("main")).to_contain_text(heading)
        joint = page.locator('[data-section="joint"] [data-challenge]')
        expect(joint).to_have_count(2)
        expect(joint.first).to_have_attribute("data-challenge", "angkutan-terpadu")
        expect(page.locator('[data-section="challenges"] [data-challenge]')).to_have_count(2)
        expect(page.locator('[data-challenge="konsep-rahasia"]')).to_have_count(0)
        expect(page.locator('[data-section="sectors"] tbody tr')).to_have_count(4)
        _no_wider_than(page, width)
        shoot(page, "area")
        assert console.errors == []
    finally:
        context.close()


def test_a_challenge_page_leads_to_its_area(live_server, page, shoot_series):
    _area(live_server)
    shoot = shoot_series("metro-link")
    page.context.add_cookies([{"name": "goi_lang", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/challenges/puskesmas-banyuasin")
    link = page.locator("#key-facts dd.metro a")
    expect(link).to_have_text("Patungraya Agung")
    shoot(page, "challenge")
    link.click()
    expect(page).to_have_url(live_server.url + AREA)
    expect(page.locator('[data-member="16.07"]')).to_contain_text("Pemerintah Kabupaten Banyuasin")
    shoot(page, "area")
    page.get_by_role("link", name="See all 4 challenges of this area in the challenge list").click()
    expect(page.locator("a.metro-link")).to_have_attribute("href", AREA)
    expect(page.locator(".challenge-list [data-challenge]")).to_have_count(4)
    shoot(page, "list-filtered")
