"""A reviewer's journey in a real browser, in Indonesian at 1280 px and in English at 390 px.

The reviewer opens "My reviews" from the account menu, opens an assignment, saves a draft with one score, tries to
submit it incomplete (every missing part is named), completes and submits it, reads the other reviewer's review on
the panel's page and posts in the discussion. The review is single-blind: no page names the team.
"""

from datetime import timedelta

from playwright.sync_api import expect

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals import services as proposal_services
from goi.proposals.submission import submit_proposal
from goi.reviews.models import (
    Assignment,
    Blindness,
    CriterionScore,
    PanelMember,
    PanelStatus,
    Recommendation,
    Review,
    ReviewRound,
    ReviewSettings,
    ReviewStatus,
    RoundProposal,
)
from tests.browser.conftest import _open_page, open_navigation
from tests.challenges import make_challenge
from tests.factories import make_org, make_user

EMAIL, NAME = "dewi@univ-sriwijaya.ac.id", "Dewi Lestari"
OTHER = "Budi Santoso"
TEAM_ORG = "CV Inovasi Rahasia Musi"
TEAM_LEAD = "Hendra Rahasiawan"
OTHER_COMMENT = "Rencana kerjanya realistis, tetapi biaya sensor belum dirinci."
_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
WORDS = {
    "id": {
        "menu": "Penilaian saya",
        "draft": "Draf Anda tersimpan",
        "missing": "Beri nilai kriteria ini untuk mengirim penilaian.",
        "submitted": "Penilaian Anda terkirim",
        "posted": "Pesan Anda terkirim",
    },
    "en": {
        "menu": "My reviews",
        "draft": "Your draft is saved",
        "missing": "Score this criterion to submit the review.",
        "submitted": "Your review is submitted",
        "posted": "Your message is posted",
    },
}
TITLES = {"id": "Sensor genangan di pasar 16 Ilir", "en": "Perahu pengumpul sampah Sungai Musi"}


def _setup(live_server) -> dict:
    """A single-blind review of an unsealed challenge: one proposal per pass, each assigned to the reviewer and to a
    second reviewer who has submitted their review."""
    with live_server.app.app_context():
        owner = make_user(email="rina.pemkot@example.id", name="Rina Oktaviani")
        city = make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Palembang")
        challenge = make_challenge(city, ChallengeStatus.PUBLISHED, title="Banjir di pusat kota", is_sealed=False)
        db.session.add(ReviewSettings(challenge_id=challenge.id, blindness=Blindness.SINGLE_BLIND))
        review_round = ReviewRound(
            challenge_id=challenge.id, number=1, name="Seleksi", deadline=clock.now() + timedelta(days=12, hours=1)
        )
        db.session.add(review_round)
        reviewer = make_user(email=EMAIL, name=NAME)
        other = make_user(email="budi@its.ac.id", name=OTHER)
        members = {}
        for user in (reviewer, other):
            members[user.id] = PanelMember(
                challenge_id=challenge.id, email=user.email, user_id=user.id, status=PanelStatus.ACCEPTED
            )
            db.session.add(members[user.id])
        db.session.flush()
        assignments = {}
        for language, title in TITLES.items():
            lead = make_user(email=f"ketua.{language}@inovasi-musi.co.id", name=f"{TEAM_LEAD} {language}")
            organization = make_org(OrgKind.INDUSTRY, owner=lead, name=f"{TEAM_ORG} {language}")
            proposal = proposal_services.start_proposal(lead, challenge, organization, title)
            proposal_services.update_proposal(
                lead,
                proposal,
                {
                    "title": title,
                    "summary": "Sensor ketinggian air dan peringatan dini lewat pesan singkat.",
                    "approach": "Sensor **ultrasonik** di 40 titik rawan.",
                    "workplan": "1. Survei\n2. Pemasangan\n3. Uji coba",
                    "budget_estimate": 850_000_000,
                    "trl": 6,
                    "team_roles": f"{TEAM_LEAD}: ketua",
                    "sections": {criterion.id: f"Jawaban untuk {criterion.name}." for criterion in challenge.criteria},
                },
            )
            submit_proposal(lead, proposal)
            db.session.add(RoundProposal(round_id=review_round.id, proposal_id=proposal.id))
            mine = Assignment(round_id=review_round.id, proposal_id=proposal.id, member_id=members[reviewer.id].id)
            theirs = Assignment(round_id=review_round.id, proposal_id=proposal.id, member_id=members[other.id].id)
            db.session.add_all([mine, theirs])
            db.session.flush()
            review = Review(
                assignment_id=theirs.id,
                status=ReviewStatus.SUBMITTED,
                recommendation=Recommendation.WEAK_ACCEPT,
                confidence=3,
                weighted_score=62.5,
                submitted_at=clock.now(),
            )
            review.updated_at = review.submitted_at
            db.session.add(review)
            db.session.flush()
            for criterion, score in zip(challenge.criteria, (4, 3), strict=True):
                db.session.add(
                    CriterionScore(review_id=review.id, criterion_id=criterion.id, score=score, comment=OTHER_COMMENT)
                )
            assignments[language] = {"id": mine.id, "proposal": proposal.id}
        db.session.commit()
        criteria = [criterion.id for criterion in challenge.criteria]
        return {"slug": challenge.slug, "assignments": assignments, "criteria": criteria}


def _no_team_named(page) -> None:
    html = page.content()
    assert TEAM_ORG not in html and TEAM_LEAD not in html, "a reviewer page names the team"


def test_reviewer_drafts_submits_reads_the_other_review_and_discusses(
    live_server, browser, console, accessibility, log_in, shoot_series
):
    data = _setup(live_server)
    first_criterion, second_criterion = data["criteria"]
    shoot = shoot_series("scoring")
    for language, width in (("id", 1280), ("en", 390)):
        words = WORDS[language]
        assignment = data["assignments"][language]
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
        page = _open_page(context, console, accessibility)
        try:
            log_in(page, EMAIL, NAME)
            if width < 992:
                open_navigation(page)
            page.locator("#account-menu").click()
            page.get_by_role("link", name=words["menu"]).click()
            expect(page).to_have_url(f"{live_server.url}/account/reviews")
            expect(page.locator("[data-assignment-id]")).to_have_count(2)
            _no_team_named(page)
            assert page.evaluate(_OVERFLOW) <= 0, f"the list scrolls sideways at {width} px"
            shoot(page, f"{language}-{width}-mine")

            page.locator(f'a[href="/reviews/assignments/{assignment["id"]}"]').click()
            expect(page.locator("h1")).to_contain_text(TITLES[language])
            expect(page.locator("#blind-notice")).to_be_visible()
            _no_team_named(page)
            accessibility.check(page)

            # A draft with one score and one comment.
            page.locator(f'label[for="score_{first_criterion}-3"]').click()
            page.locator(f"#comment_{first_criterion}").fill("Dampaknya besar bagi pedagang pasar.")
            page.locator('button[value="draft"]').click()
            expect(page.locator(".alert-success")).to_contain_text(words["draft"])
            expect(page.locator(f"#score_{first_criterion}-3")).to_be_checked()
            assert page.evaluate(_OVERFLOW) <= 0, f"the form scrolls sideways at {width} px"
            shoot(page, f"{language}-{width}-draft")

            # Submitting it incomplete names what is missing and keeps what was written.
            page.locator('button[value="submit"]').click()
            expect(page.locator(f"#score_{second_criterion}-error")).to_have_text(words["missing"])
            expect(page.locator("#recommendation-error")).to_be_visible()
            expect(page.locator("#confidence-error")).to_be_visible()
            expect(page.locator(f"#comment_{first_criterion}")).to_have_value("Dampaknya besar bagi pedagang pasar.")
            page.locator("#form-errors").scroll_into_view_if_needed()
            shoot(page, f"{language}-{width}-incomplete")

            page.locator(f'label[for="score_{second_criterion}-4"]').click()
            page.locator('label[for="recommendation-1"]').click()
            page.locator('label[for="confidence-2"]').click()
            page.locator("#panel_note").fill("Perlu dibandingkan dengan sistem BPBD yang ada.")
            page.locator('button[value="submit"]').click()

            # The panel's page: the other review, then the discussion.
            expect(page).to_have_url(
                f"{live_server.url}/challenges/{data['slug']}/review/proposals/{assignment['proposal']}"
            )
            expect(page.locator(".alert-success")).to_contain_text(words["submitted"])
            expect(page.locator(".panel-review")).to_have_count(2)
            expect(page.locator("#reviews")).to_contain_text(OTHER)
            expect(page.locator("#reviews")).to_contain_text(OTHER_COMMENT)
            _no_team_named(page)
            assert page.evaluate(_OVERFLOW) <= 0, f"the panel's page scrolls sideways at {width} px"
            shoot(page, f"{language}-{width}-reviews")

            page.locator("#body").fill("Skor **dampak** kita berbeda: saya menilai dari jumlah pedagang terdampak.")
            page.locator(".discussion-form button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text(words["posted"])
            expect(page.locator(".discussion-post div strong").last).to_have_text("dampak")
            expect(page.locator(".discussion-post").last).to_contain_text(NAME)
            page.locator("#discussion").scroll_into_view_if_needed()
            shoot(page, f"{language}-{width}-discussion")
        finally:
            context.close()
    # The refused submission answers 422, which the browser logs; nothing else may be logged.
    unexpected = [text for text in console.errors if "status of 422" not in text]
    assert unexpected == [], unexpected
    assert len(console.errors) == 2
