"""axe-core over the main pages, logged out and logged in, in both languages: no serious or critical violation.

The world is the demo's (`flask goi seed-demo`): challenges in every state, proposals, results and notifications.
"""

import pytest
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.demo import DEMO_PASSWORD, load_demo_data
from goi.demo_challenges import MARKER_REF
from goi.extensions import db
from goi.proposals.models import Proposal

SOLVER = ("budi@airnusantara.demo.goi.id", "Budi Santoso")  # a company's owner with proposals
OWNER = ("dina@palembang.demo.goi.id", "Dina Marlina")  # a city's owner with challenges


def _demo_world(live_server) -> tuple[str, int]:
    """Load the demo; return the slug of its challenge with questions and the id of one of the solver's proposals."""
    with live_server.app.app_context():
        load_demo_data()
        db.session.commit()
        slug = db.session.scalar(select(Challenge.slug).where(Challenge.ref == MARKER_REF))
        proposal_id = db.session.scalar(
            select(Proposal.id).join(User, Proposal.lead_user_id == User.id).where(User.email == SOLVER[0]).limit(1)
        )
    return slug, proposal_id


@pytest.mark.parametrize("language", ["id", "en"])
def test_main_pages_have_no_serious_violations(live_server, page, log_in, accessibility, language):
    slug, proposal_id = _demo_world(live_server)
    accessibility.defer()  # every page's violations in one report

    def choose_language() -> None:
        page.context.add_cookies([{"name": "goi_lang", "value": language, "url": live_server.url}])

    def visit(path: str) -> None:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        accessibility.check(page)

    choose_language()
    for path in (
        "/",
        "/challenges",
        f"/challenges/{slug}",
        "/orgs",
        "/orgs/pemkot-palembang",
        "/search?q=banjir",
        "/login",
        "/register",
    ):
        visit(path)

    log_in(page, *SOLVER, password=DEMO_PASSWORD)
    for path in ("/notifications", "/account/proposals", "/account/organizations", f"/proposals/{proposal_id}"):
        visit(path)
    page.context.clear_cookies()  # logged out
    choose_language()
    log_in(page, *OWNER, password=DEMO_PASSWORD)
    visit("/account/challenges")

    assert not accessibility.deferred, "\n".join(accessibility.deferred)
