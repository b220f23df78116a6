"""The home page in a real browser, in Indonesian and English, at 1280 px and at 390 px.

A visitor sees what the platform is with the way in, then the open challenges closing soon, the figures, the newest
challenges, the awarded solutions and the metropolitan areas; a solver sees instead of the banner what needs them
(a draft to submit, a followed challenge closing soon), and an owner their draft challenge and a question waiting
for an answer. Nothing is wider than the screen.
"""

from datetime import timedelta

from playwright.sync_api import expect

from goi.challenges import following, questions
from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges import services as challenge_services
from goi.challenges.models import ChallengeOutcome, ChallengeStatus, SolverKind
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals import services as proposal_services
from goi.proposals import submission
from goi.reviews import services as review_services
from goi.reviews.models import AwardLabel
from goi.reviews.services import EntryChoice
from tests.factories import make_org, make_user
from tests.proposals.conftest import fill

OWNER_EMAIL, OWNER_NAME = "rina.pemkot@example.id", "Rina Wulandari"
SOLVER_EMAIL, SOLVER_NAME = "agus.startup@example.id", "Agus Prasetyo"
CLOSING_FIRST = "Pengelolaan sampah pasar tradisional Palembang"
DRAFT_TITLE = "Kompos skala kelurahan dari sampah pasar"
WINNER_TITLE = "Sensor genangan LoRa untuk Sungai Musi"
DRAFT_CHALLENGE = "Rancangan: parkir elektronik Jakabaring"
QUESTION = "Apakah data timbangan sampah boleh dibuka untuk umum?"
# Overflow: an element reaching past the right edge of the window.
_WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('#main *')]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
  .map((element) => element.tagName + '.' + element.className)"""


def _challenge(owner, organization, title: str, days: int, publish: bool = True, **values):
    now = clock.now()
    challenge = challenge_services.create_challenge(
        owner,
        organization,
        {
            "title": title,
            "summary": f"{title}: solusi yang terjangkau dan dapat dipelihara oleh pemerintah kota.",
            "problem": "Masalah yang dihadapi warga setiap hari.",
            "sector": "environment",
            "province_code": "16",
            "regency_code": "16.71",
            "eligible_kinds": list(SolverKind),
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=days),
            **values,
        },
    )
    if publish:
        challenge_lifecycle.publish(owner, challenge)
    return challenge


def _setup(live_server) -> None:
    with live_server.app.app_context():
        owner = make_user(email=OWNER_EMAIL, name=OWNER_NAME)
        solver = make_user(email=SOLVER_EMAIL, name=SOLVER_NAME)
        city = make_org(
            OrgKind.GOVERNMENT,
            owner=owner,
            verified=True,
            name="Pemerintah Kota Palembang",
            slug="pemkot-palembang",
            province_code="16",
            regency_code="16.71",
        )
        startup = make_org(OrgKind.INDUSTRY, owner=solver, name="PT Musi Cerdas Teknologi", slug="musi-cerdas")
        make_org(OrgKind.ACADEMIA, name="Universitas Sriwijaya", slug="unsri")
        market = _challenge(owner, city, CLOSING_FIRST, 5, budget_min=250_000_000, budget_max=750_000_000)
        _challenge(owner, city, "Air bersih untuk permukiman bantaran Sungai Musi", 21, budget_max=1_500_000_000)
        _challenge(owner, city, "Antrean puskesmas secara digital", 40, budget_min=300_000_000)
        _challenge(owner, city, DRAFT_CHALLENGE, 60, publish=False)
        flood = _challenge(owner, city, "Peringatan dini banjir Sungai Musi", 2)
        winner = proposal_services.start_proposal(solver, flood, startup, WINNER_TITLE)
        fill(winner, summary="Sensor genangan hemat energi di 40 titik.")
        submission.submit_proposal(solver, winner)
        challenge_lifecycle.transition(flood, ChallengeStatus.CLOSED, None, note="test")
        challenge_lifecycle.start_review(owner, flood)
        challenge_lifecycle.decide(owner, flood, ChallengeOutcome.AWARDED)
        review_services.publish_results(
            owner, flood, "Terima kasih kepada semua tim.", [EntryChoice(winner.id, AwardLabel.WINNER, "Hemat energi.")]
        )
        draft = proposal_services.start_proposal(solver, market, startup, DRAFT_TITLE)
        fill(draft)
        following.follow(solver, market)
        questions.ask_question(solver, market, QUESTION)
        db.session.commit()


def _open(page, live_server, language: str, width: int) -> None:
    page.context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/")
    assert page.evaluate(_WIDER_THAN_SCREEN) == []


def test_home_page_for_visitors_solvers_and_owners(live_server, new_page, log_in, console, shoot_series):
    _setup(live_server)
    shoot = shoot_series("home")
    visitor, solver, owner = new_page(), new_page(), new_page()
    log_in(solver, SOLVER_EMAIL, SOLVER_NAME)
    log_in(owner, OWNER_EMAIL, OWNER_NAME)

    for language, width in (("id", 1280), ("id", 390), ("en", 1280), ("en", 390)):
        english = language == "en"

        # A visitor: what the platform is and the way in, then the challenges closing soonest first.
        _open(visitor, live_server, language, width)
        main = visitor.locator("#main")
        expect(main.locator("#welcome a[href='/register']")).to_be_visible()
        expect(main.locator("#needs")).to_have_count(0)
        expect(main.locator("#closing-soon .challenge-row").first).to_contain_text(CLOSING_FIRST)
        expect(main.locator("#closing-soon .challenge-row")).to_have_count(3)
        expect(main.locator("#awarded")).to_contain_text(WINNER_TITLE)
        expect(main.locator("#awarded")).to_contain_text("Winner" if english else "Pemenang")
        expect(main.locator("[data-figure=budget]")).to_have_text("Rp 2.550.000.000")
        expect(main.locator("#metros a[href='/metros']")).to_be_visible()
        expect(main).not_to_contain_text(DRAFT_CHALLENGE)
        shoot(visitor, f"visitor-{language}-{width}")

        # A solver: their draft and the followed challenge closing within two weeks, instead of the banner.
        _open(solver, live_server, language, width)
        needs = solver.locator("#needs")
        expect(solver.locator("#welcome")).to_have_count(0)
        expect(needs.locator("h1")).to_have_text("What needs you" if english else "Yang perlu Anda tangani")
        expect(needs.locator("a", has_text=DRAFT_TITLE)).to_be_visible()
        expect(needs.locator(f"a:text-is('{CLOSING_FIRST}')")).to_be_visible()
        shoot(solver, f"solver-{language}-{width}")

        # An owner: the draft challenge and the question waiting for an answer.
        _open(owner, live_server, language, width)
        needs = owner.locator("#needs")
        expect(needs.locator("a", has_text=DRAFT_CHALLENGE)).to_be_visible()
        expect(needs.locator("[data-questions='1'] a")).to_be_visible()
        shoot(owner, f"owner-{language}-{width}")

    # The owner follows the link to the question and lands on the page that answers it.
    owner.locator("#needs [data-questions='1'] a").click()
    expect(owner.locator("#main")).to_contain_text(QUESTION)
    shoot(owner, "owner-questions")
    assert console.errors == []
