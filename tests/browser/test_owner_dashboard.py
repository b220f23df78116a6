"""The owner dashboard in a real browser, in Indonesian and English, at 1280 px and at 390 px.

An owner who administers two verified city governments logs in, sees each challenge's state, deadline, followers,
questions waiting, proposals started and submitted and the next action; filters by state with the chips by keyboard;
opens the choice of organization for a new challenge by keyboard; and downloads the CSV of the chosen state. At 390 px
nothing scrolls sideways.
"""

import csv
import io
from datetime import timedelta

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus, Follow, Question
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import MemberRole, OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from tests.browser.conftest import _open_page
from tests.challenges import make_challenge
from tests.factories import add_member, make_org, make_user

EMAIL, NAME = "rina.pemkot@example.id", "Rina Oktaviani"
CITIZEN_EMAIL, CITIZEN_NAME = "yudi.warga@example.id", "Yudi Pratama"
OPEN_TITLE = "Pengelolaan sampah plastik di sepanjang Sungai Musi"

# Wider than the window: something scrolls sideways.
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _setup(live_server) -> None:
    with live_server.app.app_context():
        owner = make_user(email=EMAIL, name=NAME)
        make_user(email=CITIZEN_EMAIL, name=CITIZEN_NAME)
        city = make_org(
            OrgKind.GOVERNMENT,
            owner=owner,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        province = make_org(
            OrgKind.GOVERNMENT, verified=True, name="Pemerintah Provinsi Sumatera Selatan", slug="pemprov-sumsel"
        )
        add_member(province, owner, MemberRole.ADMIN)
        people = [make_user(email=f"warga{number}@example.id") for number in range(4)]
        now = clock.now()
        past = {"opens_at": now - timedelta(days=30), "closes_at": now - timedelta(days=3)}
        open_ = make_challenge(city, ChallengeStatus.PUBLISHED, title=OPEN_TITLE, closes_at=now + timedelta(days=9))
        db.session.add_all(Follow(challenge_id=open_.id, user_id=person.id) for person in people)
        for person in people[:2]:
            db.session.add(Question(challenge_id=open_.id, asker_id=person.id, body="Data?", asked_at=now))
        statuses = (ProposalStatus.DRAFT, ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)
        for person, status in zip(people[:3], statuses, strict=True):
            db.session.add(
                Proposal(
                    challenge_id=open_.id,
                    lead_user_id=person.id,
                    team_key=f"user:{person.id}",
                    title="Usulan",
                    status=status,
                )
            )
        make_challenge(city, ChallengeStatus.DRAFT, title="Lampu jalan tenaga surya untuk kawasan Jakabaring")
        make_challenge(province, ChallengeStatus.DRAFT, title="Data banjir terpadu se-Sumatera Selatan")
        make_challenge(city, ChallengeStatus.CLOSED, title="Antrean layanan kependudukan", **past)
        make_challenge(city, ChallengeStatus.UNDER_REVIEW, title="Parkir elektronik di pasar tradisional", **past)
        make_challenge(city, ChallengeStatus.DECIDED, title="Aplikasi pengaduan warga", **past)
        make_challenge(city, ChallengeStatus.CANCELLED, title="Bus air Sungai Musi", cancel_reason="Anggaran dialihkan")
        db.session.commit()


def _page_in(browser, live_server, language: str, width: int, console, accessibility):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


WORDS = {
    "id": {"draft": "Draf", "all": "Semua", "new": "Tantangan baru", "answer": "Jawab 2 pertanyaan", "state": "Status"},
    "en": {"draft": "Draft", "all": "All", "new": "New challenge", "answer": "Answer 2 questions", "state": "State"},
}


def test_owner_dashboard_in_both_languages_and_widths(
    live_server, browser, console, accessibility, log_in, shoot_series
):
    _setup(live_server)
    shoot = shoot_series("owner")
    for language in ("id", "en"):
        words = WORDS[language]
        for width in (1280, 390):
            context, page = _page_in(browser, live_server, language, width, console, accessibility)
            try:
                log_in(page, EMAIL, NAME)
                page.goto(live_server.url + "/account/challenges")
                rows = page.locator(".dashboard-row")
                expect(rows).to_have_count(7)
                row = rows.filter(has_text=OPEN_TITLE)
                expect(row.locator('[data-figure="followers"]')).to_have_text("4")
                expect(row.locator('[data-figure="questions"]')).to_have_text("2")
                expect(row.locator('[data-figure="started"]')).to_contain_text("2")
                expect(row.locator('[data-figure="submitted"]')).to_contain_text("1")
                expect(row.locator(".dashboard-row-action a")).to_contain_text(words["answer"])
                assert page.evaluate(_OVERFLOW) <= 0, f"scrolls sideways at {width} px ({language})"
                shoot(page, f"{language}-{width}")

                # The chips by keyboard: focus "Draft", Enter; it becomes the current one and filters the rows.
                chip = page.locator(".status-chips a", has_text=words["draft"])
                chip.focus()
                page.keyboard.press("Enter")
                expect(page).to_have_url(live_server.url + "/account/challenges?status=draft")
                expect(page.locator('.status-chips a[aria-current="page"]')).to_contain_text(words["draft"])
                expect(rows).to_have_count(2)
                expect(page.locator(".dashboard-row-action a").first).to_be_visible()
                assert page.evaluate(_OVERFLOW) <= 0
                shoot(page, f"{language}-{width}-draft")

                # A new challenge: two organizations, so a choice, opened by keyboard.
                page.locator("#new-challenge").focus()
                page.keyboard.press("Enter")
                menu = page.locator(".dashboard-tools .dropdown-menu")
                expect(menu).to_be_visible()
                expect(menu.locator('a[href="/orgs/pemkot-palembang/challenges/new"]')).to_be_visible()
                expect(menu.locator('a[href="/orgs/pemprov-sumsel/challenges/new"]')).to_be_visible()
                accessibility.check(page)
                page.keyboard.press("Escape")
                expect(menu).to_be_hidden()

                # The CSV of the chosen state, by keyboard as well.
                page.locator(".csv-export").focus()
                with page.expect_download() as download_info:
                    page.keyboard.press("Enter")
                download = download_info.value
                assert download.suggested_filename.startswith("goi-challenges-draft-")
                text = download.path().read_text(encoding="utf-8")
                records = list(csv.reader(io.StringIO(text)))
                assert records[0][2] == words["state"]
                assert sorted(record[1] for record in records[1:]) == [
                    "Data banjir terpadu se-Sumatera Selatan",
                    "Lampu jalan tenaga surya untuk kawasan Jakabaring",
                ]

                # Back to all by keyboard.
                page.locator(".status-chips a", has_text=words["all"]).first.focus()
                page.keyboard.press("Enter")
                expect(page).to_have_url(live_server.url + "/account/challenges")
                expect(rows).to_have_count(7)
                accessibility.check(page)
            finally:
                context.close()
    assert not console.errors, console.errors


def test_someone_who_owns_no_challenges_is_told_what_to_do(
    live_server, browser, console, accessibility, log_in, shoot_series
):
    _setup(live_server)
    context, page = _page_in(browser, live_server, "id", 390, console, accessibility)
    try:
        log_in(page, CITIZEN_EMAIL, CITIZEN_NAME)
        page.goto(live_server.url + "/account/challenges")
        expect(page.locator(".empty-state")).to_be_visible()
        expect(page.locator('.empty-state a[href="/orgs/new"]')).to_be_visible()
        expect(page.locator(".dashboard-row")).to_have_count(0)
        assert page.evaluate(_OVERFLOW) <= 0
        shoot_series("owner-none")(page, "id-390")
    finally:
        context.close()
