"""A round's ranking in a real browser, in Indonesian and English, at 1280 px and at 390 px.

The owner of a challenge under review opens the ranking from the review's overview, sorts it by the calibrated score
by keyboard (the header says which column sorts it), shortlists two proposals by keyboard, downloads the XLSX export
and opens it; at the end the owner changes the review settings, locks the round and decides, which publishes the
results, and a visitor finds the winner among the solutions. At 390 px the table scrolls inside its own region and
the page does not scroll sideways.
"""

from datetime import timedelta

from openpyxl import load_workbook
from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import PanelMember, PanelRole, PanelStatus, ReviewRound, RoundProposal
from tests.browser.conftest import _open_page, open_navigation
from tests.challenges import make_challenge
from tests.factories import make_org, make_user
from tests.reviews.test_ranking import add_review

EMAIL, NAME = "rina.pemkot@example.id", "Rina Oktaviani"
TITLE = "Pengelolaan sampah plastik di sepanjang Sungai Musi"
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WORDS = {
    "id": {"saved": "Daftar pendek babak 1 disimpan", "ranking": "Peringkat", "few": "Penilaian belum cukup"},
    "en": {"saved": "The shortlist of round 1 is saved", "ranking": "Ranking", "few": "Not enough reviews"},
}
# Weighted scores of the three reviewers per proposal (None: not reviewed); the last has one review only.
SCORES = ((82, 74, 78), (91, 48, None), (60, None, 66), (None, 70, None))


def _setup(live_server) -> dict:
    with live_server.app.app_context():
        owner = make_user(email=EMAIL, name=NAME)
        city = make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Palembang")
        now = clock.now()
        challenge = make_challenge(
            city,
            ChallengeStatus.UNDER_REVIEW,
            title=TITLE,
            opens_at=now - timedelta(days=40),
            closes_at=now - timedelta(days=2),
        )
        titles = ("Bank sampah digital", "Perahu pengumpul sampah", "Ecobrick untuk sekolah", "Peta titik sampah")
        proposals = []
        for number, title in enumerate(titles):
            lead = make_user(email=f"tim{number}@example.id", name=f"Ketua Tim {number}")
            proposal = Proposal(
                challenge_id=challenge.id,
                lead_user_id=lead.id,
                team_key=f"user:{lead.id}",
                title=title,
                summary=f"Ringkasan {title}.",
                status=ProposalStatus.SUBMITTED,
                submitted_at=now - timedelta(days=3),
            )
            db.session.add(proposal)
            proposals.append(proposal)
        review_round = ReviewRound(
            challenge_id=challenge.id, number=1, name="Seleksi administrasi", deadline=now + timedelta(days=10)
        )
        db.session.add(review_round)
        db.session.flush()
        db.session.add_all(RoundProposal(round_id=review_round.id, proposal_id=p.id) for p in proposals)
        members = []
        for name in ("Dewi Lestari", "Budi Santoso", "Sari Wulandari"):
            user = make_user(email=f"{name.split()[0].lower()}@univ.example.id", name=name)
            member = PanelMember(
                challenge_id=challenge.id,
                email=user.email,
                user_id=user.id,
                role=PanelRole.REVIEWER,
                status=PanelStatus.ACCEPTED,
            )
            db.session.add(member)
            members.append(member)
        db.session.flush()
        for proposal, scores in zip(proposals, SCORES, strict=True):
            for member, value in zip(members, scores, strict=True):
                if value is not None:
                    add_review(db, review_round, proposal, member, value, comment=f"Catatan {value}.")
        db.session.commit()
        return {"slug": challenge.slug, "proposals": [p.id for p in proposals], "round": review_round.id}


def _page_in(browser, live_server, language: str, width: int, console, accessibility):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


def _sorted_by(page, key: str) -> None:
    expect(page.locator("th[aria-sort]")).to_have_count(1)
    expect(page.locator(f"th[aria-sort='descending'] a[data-sort='{key}']")).to_have_count(1)


def test_owner_sorts_shortlists_exports_and_decides(
    live_server, browser, console, accessibility, log_in, shoot_series, tmp_path
):
    data = _setup(live_server)
    slug, (p1, p2, p3, p4) = data["slug"], data["proposals"]
    shoot = shoot_series("ranking")
    ranking_url = f"{live_server.url}/challenges/{slug}/review/rounds/1/ranking"
    first = True
    for language, width in (("id", 1280), ("en", 390), ("id", 390), ("en", 1280)):
        words = WORDS[language]
        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            log_in(page, EMAIL, NAME)
            if first:
                page.goto(f"{live_server.url}/challenges/{slug}/review")
                accessibility.check(page)
                link = page.locator(f'#main a[href="/challenges/{slug}/review/ranking"]').first
                expect(link).to_contain_text(words["ranking"])
                link.focus()
                page.keyboard.press("Enter")
                expect(page).to_have_url(ranking_url)
            else:
                page.goto(ranking_url)
            accessibility.check(page)
            _sorted_by(page, "mean")
            rows = page.locator("tr.ranking-row")
            expect(rows).to_have_count(4)
            expect(rows.nth(3)).to_have_attribute("data-proposal", str(p4))  # one review: after the ranked ones
            expect(rows.nth(3)).to_contain_text(words["few"])
            expect(page.locator(".panel-agreement")).to_be_visible()
            expect(page.locator(".leniency-table tbody tr")).to_have_count(3)

            # Sort by the calibrated score by keyboard.
            page.locator("a.sort-link[data-sort='calibrated']").focus()
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{ranking_url}?sort=calibrated")
            _sorted_by(page, "calibrated")
            accessibility.check(page)

            if first:
                # Shortlist the first two by keyboard: Space on each checkbox, Enter on the save button.
                for proposal in (p1, p2):
                    page.locator(f"#shortlist-{proposal}").focus()
                    page.keyboard.press("Space")
                page.locator("#save-shortlist").focus()
                page.keyboard.press("Enter")
                expect(page.locator(".alert-success")).to_contain_text(words["saved"])
                _sorted_by(page, "calibrated")  # the sort is kept
            expect(page.locator(f"#shortlist-{p1}")).to_be_checked()
            expect(page.locator(f"#shortlist-{p2}")).to_be_checked()
            expect(page.locator(f"#shortlist-{p3}")).not_to_be_checked()

            # The XLSX export, by keyboard, opens with both sheets.
            with page.expect_download() as download:
                page.locator("#export-xlsx").focus()
                page.keyboard.press("Enter")
            path = tmp_path / f"{language}-{width}.xlsx"
            download.value.save_as(path)
            workbook = load_workbook(path)
            assert len(workbook.sheetnames) == 2
            assert workbook.worksheets[0].max_row == 5 and workbook.worksheets[1].max_row == 1 + 8

            assert page.evaluate(_OVERFLOW) <= 0, f"the page scrolls sideways at {width} px ({language})"
            page.evaluate("window.scrollTo(0, 0)")
            shoot(page, f"{language}-{width}")
            first = False
        finally:
            context.close()

    # The owner shares the comments, locks the round and decides: the results are published.
    context, page = _page_in(browser, live_server, "en", 1280, console, accessibility)
    try:
        log_in(page, EMAIL, NAME)
        page.goto(f"{live_server.url}/challenges/{slug}/review/settings")
        accessibility.check(page)
        page.locator("#share_comments").check()
        page.locator("#min_reviews").fill("2")
        shoot(page, "en-1280-settings")
        page.locator(".review-settings button[type=submit]").click()
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator("#share_comments")).to_be_checked()
        accessibility.check(page)
        with live_server.app.app_context():
            db.session.get(ReviewRound, data["round"]).locked_at = clock.now()
            db.session.commit()
        page.goto(ranking_url)
        expect(page.locator("#decide")).to_be_visible()
        for proposal, decision in ((p1, "winner"), (p2, "runner_up"), (p3, "not_selected"), (p4, "not_selected")):
            page.locator(f"#decision_{proposal}").select_option(decision)
            page.locator(f"#reason_{proposal}").fill(f"Alasan keputusan {decision}.")
        page.locator("#summary").fill("Empat proposal dinilai oleh tiga penilai.")
        shoot(page, "en-1280-decide")
        page.locator(".decide-form button[type=submit]").click()
        expect(page.locator("#results")).to_contain_text("Bank sampah digital")
        shoot(page, "en-1280-results")
    finally:
        context.close()

    # A visitor finds the winner among the solutions, from the menu, and searches them.
    for language, width in (("id", 390), ("en", 1280)):
        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            page.goto(live_server.url + "/")
            accessibility.check(page)
            if width < 600:
                open_navigation(page)
            page.locator('header a[href="/solutions"]').click()
            expect(page.locator(".solution")).to_have_count(1)
            expect(page.locator(".solution")).to_contain_text("Bank sampah digital")
            accessibility.check(page)
            page.locator("#solutions-q").fill("perahu")
            page.locator("#solutions-q").press("Enter")
            expect(page.locator(".solution")).to_have_count(0)
            expect(page.locator(".solutions-empty")).to_be_visible()
            accessibility.check(page)
            page.locator("#solutions-q").fill("sampah digital")
            page.locator("#solutions-q").press("Enter")
            expect(page.locator(".solution")).to_have_count(1)
            assert page.evaluate(_OVERFLOW) <= 0
            shoot(page, f"{language}-{width}-solutions")
        finally:
            context.close()
    assert not console.errors, console.errors
