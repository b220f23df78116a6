"""The challenge page in a real browser: its owner adds a cover; a visitor sees the cover, the prize apart from the
budget and the timeline as phases (a row from 768 px, a column at 390 px) and copies the page's link, in Indonesian
and English, at 1280 px and 390 px, with nothing wider than the screen."""

from datetime import timedelta
from urllib.parse import quote

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.challenges import make_challenge
from tests.factories import make_org, make_user
from tests.images import solid_png

SLUG = "banjir-musi"
OWNER_EMAIL, OWNER_NAME = "rina.pemkot@example.id", "Rina Palembang"
TEXTS = {
    "id": {
        "phase": "Pengajuan proposal",
        "now": "Sedang berlangsung",
        "prize": "Hadiah atau penghargaan",
        "copy": "Salin tautan",
        "copied": "Tautan disalin.",
    },
    "en": {
        "phase": "Call for proposals",
        "now": "Now",
        "prize": "Prize or award",
        "copy": "Copy link",
        "copied": "Link copied.",
    },
}


def _challenge(live_server) -> None:
    with live_server.app.app_context():
        owner = make_user(email=OWNER_EMAIL, name=OWNER_NAME)
        palembang = make_org(
            OrgKind.GOVERNMENT,
            owner=owner,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        now = clock.now()
        make_challenge(
            palembang,
            ChallengeStatus.PUBLISHED,
            slug=SLUG,
            title="Peringatan dini banjir Sungai Musi",
            summary="Sensor muka air dan peringatan lewat WhatsApp bagi warga di bantaran sungai.",
            sector="water",
            budget_min=500_000_000,
            budget_max=1_200_000_000,
            prize_amount=50_000_000,
            prize_description="Kontrak uji coba 6 bulan + Rp 50 juta",
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=27),
            review_until=now + timedelta(days=45),
            decision_at=now + timedelta(days=52),
        )
        db.session.commit()


def _cover_shown(page) -> None:
    cover = page.locator("img.challenge-cover")
    expect(cover).to_be_visible()
    assert cover.evaluate("image => image.complete && image.naturalWidth") == 640


def _no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def test_owner_adds_a_cover_and_a_visitor_reads_and_shares_the_page(
    live_server, new_page, log_in, shoot_series, tmp_path
):
    _challenge(live_server)
    shoot = shoot_series("challenge-page")
    url = f"{live_server.url}/challenges/{SLUG}"

    # The owner adds the cover from the page's manage panel.
    owner = new_page()
    log_in(owner, OWNER_EMAIL, OWNER_NAME)
    owner.context.add_cookies([{"name": "goi_lang", "value": "en", "url": live_server.url}])
    owner.goto(url)
    shoot(owner, "owner-manage-en-1280")
    bad = tmp_path / "notes.png"
    bad.write_text("just some notes, not an image\n", encoding="utf-8")
    owner.locator("#cover").set_input_files(str(bad))
    owner.locator("#cover-form button[type=submit]").click()
    expect(owner.locator("#cover-error")).to_contain_text("This kind of file is not accepted")
    shoot(owner, "owner-refused-cover-en-1280")
    image = tmp_path / "sungai-musi.png"
    image.write_bytes(solid_png(640, 240, (31, 119, 180)))
    owner.locator("#cover").set_input_files(str(image))
    owner.locator("#alt").fill("Sungai Musi meluap di kawasan Seberang Ulu")
    owner.locator("#cover-form button[type=submit]").click()
    expect(owner.locator(".alert-success")).to_contain_text("The cover image is saved.")
    _cover_shown(owner)
    shoot(owner, "owner-cover-en-1280")

    for language in ("id", "en"):
        texts = TEXTS[language]
        visitor = new_page()
        visitor.context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
        visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        visitor.goto(url)
        _cover_shown(visitor)
        expect(visitor.locator("img.challenge-cover")).to_have_attribute(
            "alt", "Sungai Musi meluap di kawasan Seberang Ulu"
        )
        expect(visitor.locator(".key-facts .prize")).to_contain_text("Rp 50.000.000")
        expect(visitor.locator(".key-facts")).to_contain_text(texts["prize"])
        current = visitor.locator('.phases [aria-current="step"]')
        expect(current).to_have_count(1)
        expect(current).to_contain_text(texts["phase"])
        expect(current.locator(".phase-progress")).to_have_text(texts["now"])
        # A row of phases on a wide screen.
        tops = [
            box["y"]
            for box in visitor.locator(".phases > li").evaluate_all(
                "items => items.map(item => item.getBoundingClientRect().toJSON())"
            )
        ]
        assert len(tops) == 3 and max(tops) - min(tops) < 2, tops
        _no_overflow(visitor)
        shoot(visitor, f"page-{language}-1280")

        button = visitor.locator("#share .share-copy")
        expect(button).to_have_text(texts["copy"])
        button.click()
        expect(visitor.locator("#share .share-status")).to_have_text(texts["copied"])
        assert visitor.evaluate("navigator.clipboard.readText()") == url
        whatsapp = visitor.locator("#share .share-whatsapp").get_attribute("href")
        assert whatsapp.startswith("https://wa.me/?text=") and quote(url, safe="") in whatsapp

        visitor.set_viewport_size({"width": 390, "height": 844})
        visitor.reload()
        _cover_shown(visitor)
        # A column of phases on a narrow screen.
        tops = [
            box["y"]
            for box in visitor.locator(".phases > li").evaluate_all(
                "items => items.map(item => item.getBoundingClientRect().toJSON())"
            )
        ]
        assert tops == sorted(tops) and tops[1] - tops[0] > 20, tops
        _no_overflow(visitor)
        shoot(visitor, f"page-{language}-390")


def test_the_phases_of_a_challenge_in_review_and_of_a_cancelled_one(live_server, new_page, shoot_series):
    with live_server.app.app_context():
        palembang = make_org(
            OrgKind.GOVERNMENT, verified=True, name="Pemerintah Kota Palembang", slug="pemkot-palembang"
        )
        now = clock.now()
        past = {"opens_at": now - timedelta(days=40), "closes_at": now - timedelta(days=10)}
        make_challenge(
            palembang,
            ChallengeStatus.UNDER_REVIEW,
            slug="dalam-penilaian",
            closed_at=past["closes_at"],
            review_until=now + timedelta(days=5),
            decision_at=now + timedelta(days=12),
            **past,
        )
        make_challenge(
            palembang,
            ChallengeStatus.CANCELLED,
            slug="dibatalkan",
            cancel_reason="Anggaran dialihkan untuk penanganan bencana banjir.",
            review_until=now + timedelta(days=50),
            decision_at=now + timedelta(days=60),
        )
        db.session.commit()
    shoot = shoot_series("challenge-page-states")
    for language, width in (("en", 1280), ("id", 390)):
        visitor = new_page()
        visitor.set_viewport_size({"width": width, "height": 900})
        visitor.context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
        visitor.goto(f"{live_server.url}/challenges/dalam-penilaian")
        expect(visitor.locator('.phases [aria-current="step"]')).to_have_attribute("data-phase", "review")
        expect(visitor.locator('.phases [data-progress="done"]')).to_have_count(1)
        _no_overflow(visitor)
        shoot(visitor, f"review-{language}-{width}")
        visitor.goto(f"{live_server.url}/challenges/dibatalkan")
        expect(visitor.locator(".phases > li")).to_have_count(2)
        expect(visitor.locator('.phases [aria-current="step"]')).to_have_attribute("data-phase", "cancelled")
        _no_overflow(visitor)
        shoot(visitor, f"cancelled-{language}-{width}")
