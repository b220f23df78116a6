"""The review panel in a real browser, in Indonesian and English, at 1280 px and at 390 px.

The owner of an open, unsealed challenge checks an address for conflicts of interest (one shares the email domain of
a team; a webmail address has none), invites a reviewer, and the reviewer, logged in in another browser, opens the
emailed link, accepts and lands on the page where they declare their conflicts; the owner's panel shows them
accepted. Neither page scrolls sideways at 390 px.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus, TeamRole
from tests.browser.test_review_rounds import _page_in
from tests.challenges import make_challenge
from tests.factories import make_org, make_user

EMAIL, NAME = "rina.pemkot@example.id", "Rina Oktaviani"
TITLE = "Pengelolaan sampah plastik di sepanjang Sungai Musi"
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
LINK = re.compile(r"https?://[^/\s]+(/review-invitations/[A-Za-z0-9_-]+)")

WORDS = {
    "id": {
        "none": "Tidak ditemukan konflik",
        "domain": "domain email",
        "sent": "Undangan telah dikirim",
        "joined": "Anda bergabung",
        "accepted": "Diterima",
        "invalid": "Alamat email tidak sah",
    },
    "en": {
        "none": "No conflicts found",
        "domain": "email domain",
        "sent": "Invitation sent",
        "joined": "You joined",
        "accepted": "Accepted",
        "invalid": "Invalid email address",
    },
}


def _setup(live_server) -> dict:
    with live_server.app.app_context():
        owner = make_user(email=EMAIL, name=NAME)
        city = make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Palembang")
        company = make_org(OrgKind.INDUSTRY, name="PT Daur Ulang Musi")
        challenge = make_challenge(city, ChallengeStatus.PUBLISHED, title=TITLE, is_sealed=False)
        for number, (title, email) in enumerate(
            (("Bank sampah digital", "ketua@daurulang.co.id"), ("Perahu pengumpul sampah", "warga.musi@gmail.com"))
        ):
            lead = make_user(email=email, name=f"Ketua Tim {number}")
            proposal = Proposal(
                challenge_id=challenge.id,
                lead_user_id=lead.id,
                organization_id=company.id if number == 0 else None,
                team_key=f"org:{company.id}" if number == 0 else f"user:{lead.id}",
                title=title,
                status=ProposalStatus.SUBMITTED,
                submitted_at=clock.now() - timedelta(days=1),
            )
            proposal.members.append(
                TeamMember(
                    user_id=lead.id,
                    email=email,
                    organization_id=proposal.organization_id,
                    role=TeamRole.LEAD,
                    status=TeamMemberStatus.ACCEPTED,
                    accepted_at=clock.now(),
                )
            )
            db.session.add(proposal)
        # The first reviewer works where a team's lead does: accepting records that conflict.
        reviewers = [
            make_user(email=email, name=f"Dewi Lestari {n}", locale=language)
            for n, (email, language) in enumerate(
                (
                    ("juri@daurulang.co.id", "id"),
                    ("juri1@univ.example.id", "en"),
                    ("juri2@univ.example.id", "id"),
                    ("juri3@univ.example.id", "en"),
                )
            )
        ]
        db.session.commit()
        return {"slug": challenge.slug, "reviewers": [(user.email, user.name) for user in reviewers]}


def _invitation_link(live_server, email: str) -> str:
    with live_server.app.app_context():
        body = db.session.scalar(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.recipient == email, OutboxMessage.kind == "panel_invitation")
            .order_by(OutboxMessage.id.desc())
        )
    match = LINK.search(body or "")
    assert match, body
    return live_server.url + match.group(1)


def test_owner_checks_an_address_invites_and_the_reviewer_accepts(
    live_server, browser, console, accessibility, log_in, shoot_series
):
    data = _setup(live_server)
    slug = data["slug"]
    shoot = shoot_series("panel")
    panel_url = f"{live_server.url}/challenges/{slug}/review/panel"
    for index, (language, width) in enumerate((("id", 1280), ("en", 390), ("id", 390), ("en", 1280))):
        words = WORDS[language]
        reviewer_email, reviewer_name = data["reviewers"][index]
        name = f"{language}-{width}"
        context, page = _page_in(browser, live_server, language, width, console, accessibility)
        other_context = None
        try:
            log_in(page, EMAIL, NAME)
            # The standalone check: an invalid address, one of the same institution as a team, a webmail one.
            page.goto(panel_url)
            accessibility.check(page)
            page.locator(f'a[href="/challenges/{slug}/review/conflicts/check"]').first.click()
            expect(page.locator("#email")).to_be_visible()
            accessibility.check(page)
            page.locator("#email").fill("bukan-alamat")
            page.locator("#email").press("Enter")
            expect(page.locator("#email-error")).to_contain_text(words["invalid"])
            accessibility.check(page)
            page.locator("#email").fill("staf@daurulang.co.id")
            page.locator("#email").press("Enter")
            rows = page.locator("table.conflict-check tbody tr")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("Bank sampah digital")
            expect(rows.first).to_contain_text(words["domain"])
            assert page.evaluate(_OVERFLOW) <= 0, f"the check scrolls sideways at {width} px ({language})"
            shoot(page, f"{name}-check-conflict")
            page.locator("#email").fill("siapa.saja@gmail.com")
            page.locator("#email").press("Enter")
            expect(page.locator(".no-conflicts")).to_contain_text(words["none"])
            if index == 0:
                shoot(page, f"{name}-check-none")
            else:
                accessibility.check(page)

            # The invitation.
            page.goto(panel_url)
            accessibility.check(page)
            page.locator("#email").fill(reviewer_email)
            page.locator("#max_load").fill("5")
            page.locator("#invite-heading ~ form button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text(words["sent"])
            expect(page.locator(f'tr[data-member="{reviewer_email}"]')).to_have_attribute("data-status", "invited")
            assert page.evaluate(_OVERFLOW) <= 0, f"the panel scrolls sideways at {width} px ({language})"
            shoot(page, f"{name}-invited")

            # The reviewer, in a browser of their own, opens the emailed link and accepts.
            other_context, other = _page_in(browser, live_server, language, width, console, accessibility)
            log_in(other, reviewer_email, reviewer_name)
            other.goto(_invitation_link(live_server, reviewer_email))
            expect(other.locator("h1")).to_be_visible()
            expect(other.locator("#main")).to_contain_text(TITLE)
            shoot(other, f"{name}-invitation")
            other.locator("button[value=accept]").click()
            expect(other.locator(".alert-success")).to_contain_text(words["joined"])
            expect(other).to_have_url(f"{live_server.url}/challenges/{slug}/review/conflicts/declare")
            assert other.evaluate(_OVERFLOW) <= 0, f"the declarations scroll sideways at {width} px ({language})"
            shoot(other, f"{name}-declare")

            page.reload()
            row = page.locator(f'tr[data-member="{reviewer_email}"]')
            expect(row).to_have_attribute("data-status", "accepted")
            expect(row).to_contain_text(words["accepted"])
            if index in (0, 1):
                shoot(page, f"{name}-accepted")
            else:
                accessibility.check(page)

            # The panel's conflicts: the first reviewer's detected one, with the form to clear it.
            page.goto(f"{live_server.url}/challenges/{slug}/review/conflicts")
            conflict = page.locator('table.review-conflicts tr[data-source="detected"]')
            expect(conflict).to_have_count(1)
            expect(conflict).to_contain_text("Bank sampah digital")
            expect(conflict.locator("form.conflict-clear")).to_have_count(1)
            assert page.evaluate(_OVERFLOW) <= 0, f"the conflicts scroll sideways at {width} px ({language})"
            shoot(page, f"{name}-conflicts")
        finally:
            if other_context is not None:
                other_context.close()
            context.close()
    assert not console.errors, console.errors
