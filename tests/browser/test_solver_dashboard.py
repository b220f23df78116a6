"""A solver's dashboard in a real browser: the demo's company owner answers a team invitation from it, filters their
proposals, opens a receipt and prints it; in Indonesian and English, at 1280 and 390 px."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges import following
from goi.challenges.models import Challenge
from goi.challenges.queries import is_open
from goi.core import clock
from goi.demo import DEMO_PASSWORD, load_demo_data
from goi.extensions import db
from goi.orgs.models import Organization
from goi.proposals import services
from goi.proposals import team as teams
from goi.proposals.models import Proposal
from goi.proposals.permissions import proposal_is_open
from tests.factories import make_user

SOLVER = ("budi@airnusantara.demo.goi.id", "Budi Santoso")
NEWCOMER = ("nadia.putri@example.id", "Nadia Putri")  # registered today: no proposal, follows nothing
INVITER = "siti@unsri.demo.goi.id"  # leads a draft on the Musi challenge, on which Budi's company proposes too
COMPANY = "pt-air-nusantara-teknologi"
DRAFT_TITLE = "Pemantauan kebocoran pipa PDAM berbasis akustik"


def _world(live_server) -> tuple[int, str, int]:
    """The demo, plus a draft of Budi's company, an invitation of Budi to Siti's team, Budi's follows and a newcomer;
    returns the id of Siti's proposal, its title and how many followed challenges the dashboard lists."""
    with live_server.app.app_context():
        load_demo_data()
        budi = db.session.scalar(select(User).where(User.email == SOLVER[0]))
        siti = db.session.scalar(select(User).where(User.email == INVITER))
        company = db.session.scalar(select(Organization).where(Organization.slug == COMPANY))
        open_challenges = list(
            db.session.scalars(
                select(Challenge).where(is_open(clock.now())).order_by(Challenge.closes_at, Challenge.id)
            )
        )
        proposed = set(db.session.scalars(select(Proposal.challenge_id).where(Proposal.lead_user_id == budi.id)))
        target = next(
            challenge
            for challenge in open_challenges
            if challenge.id not in proposed and challenge.allow_industry and challenge.is_accepting_proposals
        )
        services.start_proposal(budi, target, company, DRAFT_TITLE)
        invited_to = next(
            proposal
            for proposal in db.session.scalars(
                select(Proposal).where(Proposal.lead_user_id == siti.id).order_by(Proposal.id)
            )
            if proposal_is_open(proposal)
        )
        teams.invite_partner(siti, invited_to, budi.email, "Pemasangan sensor di lapangan", None)
        for challenge in open_challenges:
            following.follow(budi, challenge)
        make_user(email=NEWCOMER[0], name=NEWCOMER[1])
        db.session.commit()
        return invited_to.id, invited_to.title, min(5, len(open_challenges))


def _no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_solver_answers_an_invitation_filters_proposals_and_prints_a_receipt(
    live_server, page, log_in, accessibility, console, shoot_series
):
    invited_id, invited_title, followed = _world(live_server)
    shoot = shoot_series("solver")
    main = page.locator("#main")
    page.context.add_cookies([{"name": "goi_lang", "value": "id", "url": live_server.url}])
    log_in(page, *SOLVER, password=DEMO_PASSWORD)

    # The dashboard: the invitation and the draft first, the followed deadlines beside them, then the proposals.
    page.goto(live_server.url + "/account/proposals")
    expect(main.locator("h1")).to_have_text("Proposal saya")
    invitation = main.locator("[data-invitation-id]")
    expect(invitation).to_have_count(1)
    expect(invitation).to_contain_text(invited_title)
    expect(main.locator("[data-draft-id]")).to_contain_text(DRAFT_TITLE)
    expect(main.locator("[data-followed-id]")).to_have_count(followed)
    expect(main.locator('a[href="/account/following"]')).to_have_text("Semua tantangan yang diikuti")
    expect(main.locator("tr[data-proposal-id]", has_text=DRAFT_TITLE)).to_have_attribute("data-status", "draft")
    shoot(page, "dashboard-id-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page, 390)
    shoot(page, "dashboard-id-390")
    page.set_viewport_size({"width": 1280, "height": 800})

    # Accepting from the dashboard leads to the proposal; back on the dashboard it is listed, as a partner's.
    invitation.get_by_role("button", name=re.compile("^Terima")).click()
    expect(page).to_have_url(re.compile(rf"/proposals/{invited_id}$"))
    expect(main.locator(".alert-success")).to_contain_text(invited_title)
    accessibility.check(page)
    page.goto(live_server.url + "/account/proposals")
    expect(main.locator("[data-invitation-id]")).to_have_count(0)
    expect(main.locator(f'tr[data-proposal-id="{invited_id}"]')).to_contain_text("Mitra")
    accessibility.check(page)

    # The closed ones: past their deadline, with their outcome.
    main.locator('a[data-group="closed"]').click()
    expect(page).to_have_url(re.compile(r"state=closed$"))
    expect(main.locator('a[data-group="closed"]')).to_have_attribute("aria-current", "page")
    shoot(page, "closed-id-1280")

    # A receipt, and the receipt as printed: no header, navigation, footer or button; the hash in black on white.
    page.goto(live_server.url + "/account/proposals?state=active")
    accessibility.check(page)
    receipt_link = main.locator("tr[data-proposal-id] a[href$='/receipt']").first
    receipt_link.click()
    expect(page).to_have_url(re.compile(r"/proposals/\d+/receipt$"))
    print_button = main.locator("button[data-print]")
    expect(print_button).to_be_visible()
    expect(print_button).to_have_text("Cetak tanda terima")
    shoot(page, "receipt-id-1280")
    page.evaluate("window.print = function () { window.printed = true; }")
    print_button.click()
    assert page.evaluate("window.printed === true")
    _check_printed(page)
    shoot(page, "receipt-print-id")
    page.emulate_media(media="screen")
    receipt_url = page.url

    # English, wide and narrow.
    page.context.add_cookies([{"name": "goi_lang", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/account/proposals")
    expect(main.locator("h1")).to_have_text("My proposals")
    expect(main.locator('a[data-group="active"]')).to_contain_text("Active")
    expect(main.locator("#needs-action-heading")).to_have_text("Needs your action")
    shoot(page, "dashboard-en-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(page, 390)
    shoot(page, "dashboard-en-390")
    page.goto(receipt_url)
    expect(main.locator("button[data-print]")).to_have_text("Print receipt")
    _no_sideways_scroll(page, 390)
    shoot(page, "receipt-en-390")
    _check_printed(page)
    shoot(page, "receipt-print-en-390")
    page.emulate_media(media="screen")

    # A newcomer is told what to do, and led to the challenges.
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "goi_lang", "value": "id", "url": live_server.url}])
    log_in(page, *NEWCOMER)
    page.goto(live_server.url + "/account/proposals")
    expect(main.locator(".empty-state")).to_contain_text("Anda belum memiliki proposal")
    expect(main.locator(".empty-state a")).to_have_attribute("href", "/challenges")
    _no_sideways_scroll(page, 390)
    shoot(page, "empty-id-390")
    assert console.csp_violations() == []
    assert console.errors == []


def _check_printed(page) -> None:
    page.emulate_media(media="print")
    for hidden in ("header", "footer", "main nav", "button[data-print]", ".skip-link"):
        expect(page.locator(hidden).first).to_be_hidden()
    hash_cell = page.locator("[data-content-hash]").first
    expect(hash_cell).to_be_visible()
    expect(hash_cell).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert hash_cell.evaluate("element => getComputedStyle(element).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )
