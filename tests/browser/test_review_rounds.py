"""Review rounds in a real browser, in Indonesian and English, at 1280 px and at 390 px.

The owner of a closed challenge opens the review from the challenge page, creates round 1 and assigns panel members
in the grid by keyboard alone: Enter on a cell's button assigns, the page comes back with the focus on the same cell,
Tab goes on to the next one. A conflicted cell has no button; a full load is refused with a message. At 390 px the
grid scrolls inside its own region and the page does not scroll sideways.
"""

from datetime import timedelta

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import Conflict, ConflictKind, ConflictSource, PanelMember, PanelRole, PanelStatus
from tests.browser.conftest import _open_page
from tests.challenges import make_challenge
from tests.factories import make_org, make_user

EMAIL, NAME = "rina.pemkot@example.id", "Rina Oktaviani"
TITLE = "Pengelolaan sampah plastik di sepanjang Sungai Musi"
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The cell whose button has the focus (a focused cell itself does not count: Enter would do nothing there).
_FOCUSED_CELL = "() => document.activeElement.tagName === 'BUTTON' ? document.activeElement.closest('td').id : null"

WORDS = {
    "id": {"assign": "Tugaskan", "unassign": "Batalkan", "full": "sudah penuh", "created": "Babak 1 dibuat"},
    "en": {"assign": "Assign", "unassign": "Unassign", "full": "load is full", "created": "Round 1 is created"},
}


def _setup(live_server) -> dict:
    with live_server.app.app_context():
        owner = make_user(email=EMAIL, name=NAME)
        city = make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Palembang")
        company = make_org(OrgKind.INDUSTRY, name="PT Daur Ulang Musi")
        now = clock.now()
        challenge = make_challenge(
            city,
            ChallengeStatus.CLOSED,
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
                organization_id=company.id if number == 0 else None,
                team_key=f"org:{company.id}" if number == 0 else f"user:{lead.id}",
                title=title,
                status=ProposalStatus.SUBMITTED,
            )
            db.session.add(proposal)
            proposals.append(proposal)
        db.session.flush()
        members = []
        for name, role, max_load in (
            ("Dewi Lestari", PanelRole.REVIEWER, None),
            ("Budi Santoso", PanelRole.REVIEWER, None),
            ("Sari Wulandari", PanelRole.REVIEWER, 1),
            ("Ahmad Fauzi", PanelRole.CHAIR, None),
        ):
            user = make_user(email=f"{name.split()[0].lower()}@univ.example.id", name=name)
            member = PanelMember(
                challenge_id=challenge.id,
                email=user.email,
                user_id=user.id,
                role=role,
                status=PanelStatus.ACCEPTED,
                max_load=max_load,
            )
            db.session.add(member)
            members.append(member)
        db.session.flush()
        # Dewi works for the first proposal's company.
        db.session.add(
            Conflict(
                challenge_id=challenge.id,
                proposal_id=proposals[0].id,
                user_id=members[0].user_id,
                source=ConflictSource.DETECTED,
                kind=ConflictKind.ORGANIZATION,
                reason="PT Daur Ulang Musi",
            )
        )
        db.session.commit()
        return {
            "slug": challenge.slug,
            "proposals": [proposal.id for proposal in proposals],
            "members": [member.id for member in members],
        }


def _page_in(browser, live_server, language: str, width: int, console, accessibility):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    return context, _open_page(context, console, accessibility)


def _press_cell(page, accessibility, cell: str) -> None:
    """Enter on the cell's button, by keyboard; the grid comes back with the focus on that cell."""
    page.locator(f"#{cell} button").focus()
    page.keyboard.press("Enter")
    _back_on(page, accessibility, cell)


def _back_on(page, accessibility, cell: str) -> None:
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{cell}")
    page.wait_for_load_state("load")
    assert page.evaluate(_FOCUSED_CELL) == cell
    # The focused button fades to its focus colours (Bootstrap's 0.15 s transition): axe reads the colours after it.
    page.wait_for_timeout(300)
    accessibility.check(page)


def test_owner_creates_a_round_and_assigns_by_keyboard(
    live_server, browser, console, accessibility, log_in, shoot_series
):
    data = _setup(live_server)
    slug, (p1, p2, p3, _p4), (dewi, budi, sari, _chair) = data["slug"], data["proposals"], data["members"]
    shoot = shoot_series("rounds")
    grid_url = f"{live_server.url}/challenges/{slug}/review/rounds/1/assignments"
    first = True
    for language, width in (("id", 1280), ("en", 390), ("id", 390), ("en", 1280)):
        words = WORDS[language]
        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        try:
            log_in(page, EMAIL, NAME)
            if first:
                page.goto(f"{live_server.url}/challenges/{slug}")
                accessibility.check(page)
                page.locator(f'.manage-panel a[href="/challenges/{slug}/review"]').focus()
                page.keyboard.press("Enter")
                expect(page.locator(".review-may-start")).to_be_visible()
                shoot(page, f"{language}-{width}-overview-empty")
                page.locator(f'#main a[href="/challenges/{slug}/review/rounds"]').first.focus()
                page.keyboard.press("Enter")
                expect(page.locator("#new-name")).to_be_visible()
                accessibility.check(page)
                page.locator("#new-name").fill("Seleksi administrasi")
                deadline = clock.in_zone(clock.now() + timedelta(days=14), "Asia/Jakarta")
                page.locator("#new-deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
                page.locator("#new-reviews_per_proposal").fill("2")
                page.locator("#new-name").press("Enter")
                expect(page.locator(".alert-success")).to_contain_text(words["created"])
                shoot(page, f"{language}-{width}-rounds")
                page.locator(f'a[href="/challenges/{slug}/review/rounds/1/assignments"]').first.focus()
                page.keyboard.press("Enter")
                expect(page).to_have_url(grid_url)
            else:
                page.goto(grid_url)
            accessibility.check(page)
            # The conflicted cell has no button and says why.
            conflict = page.locator(f"#cell-{p1}-{dewi}")
            expect(conflict.locator("button")).to_have_count(0)
            expect(conflict.locator(".assign-conflict")).to_be_visible()
            expect(page.locator("#grid-caption")).to_be_visible()
            expect(page.locator("#grid-hint")).to_be_visible()

            if first:
                # Assign Budi to the first proposal, then Tab on to Sari's cell and assign her: by keyboard alone.
                _press_cell(page, accessibility, f"cell-{p1}-{budi}")
                expect(page.locator(f"#cell-{p1}-{budi} button")).to_contain_text(words["unassign"])
                page.keyboard.press("Tab")
                assert page.evaluate(_FOCUSED_CELL) == f"cell-{p1}-{sari}"
                page.keyboard.press("Enter")
                _back_on(page, accessibility, f"cell-{p1}-{sari}")
                # Sari's load is 1: a second proposal is refused with the reason.
                _press_cell(page, accessibility, f"cell-{p2}-{sari}")
                expect(page.locator(".alert-danger")).to_contain_text(words["full"])
                expect(page.locator(f"#cell-{p2}-{sari} button")).to_contain_text(words["assign"])
            else:
                cell = f"cell-{p3}-{budi}"
                _press_cell(page, accessibility, cell)
                expect(page.locator(f"#{cell} button")).to_contain_text(words["unassign"])
                _press_cell(page, accessibility, cell)
                expect(page.locator(f"#{cell} button")).to_contain_text(words["assign"])
            assert page.evaluate(_OVERFLOW) <= 0, f"the page scrolls sideways at {width} px ({language})"
            page.evaluate("window.scrollTo(0, 0)")
            shoot(page, f"{language}-{width}-grid")
            page.goto(f"{live_server.url}/challenges/{slug}/review")
            expect(page.locator('[data-round="1"] [data-figure="assigned"]')).to_contain_text("2 / 8")
            assert page.evaluate(_OVERFLOW) <= 0
            shoot(page, f"{language}-{width}-overview")
            if not first:
                page.goto(f"{live_server.url}/challenges/{slug}/review/rounds")
                expect(page.locator("#round1-name")).to_have_value("Seleksi administrasi")
                assert page.evaluate(_OVERFLOW) <= 0
                shoot(page, f"{language}-{width}-rounds")
            first = False
        finally:
            context.close()
    assert not console.errors, console.errors
