"""The compact statistics of a metropolitan area's page and of an organization's page: the same figures, scoped."""

import re

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from tests.challenges import make_challenge
from tests.conftest import count_statements
from tests.statistics.conftest import add_proposal


def _statistics(client, url: str) -> str:
    client.set_cookie("goi_lang", "en")
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.find('data-section="statistics"')
    assert start >= 0, url
    return html[start : html.index("</section>", start)]


def _numbers(section: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', section))


def _states(section: str) -> dict[str, str]:
    table = section[section.index('data-table="states"') :]
    table = table[: table.index("</table>")]
    return dict(re.findall(r'<tr data-key="(\w+)">.*?<td[^>]*>(\d+)</td>', table, re.S))


def test_an_area_page_shows_its_challenges_by_state_proposals_and_budget(client, platform):
    section = _statistics(client, "/metros/patungraya-agung")
    assert "<h2" in section and "Statistics" in section
    # sealed-open, closed, decided-palembang, unsealed-open, whole-area; not Denpasar's nor the draft
    assert _numbers(section) == {"challenges": "5", "open": "3", "budget": "Rp 1.200.000.000", "proposals": "4"}
    assert _states(section)["open"] == "3" and _states(section)["closed"] == "1" and _states(section)["decided"] == "1"
    assert 'role="img"' in section and 'href="/statistics"' in section


def test_an_organization_page_counts_its_owned_and_co_owned_challenges(client, platform):
    section = _statistics(client, "/orgs/pemkot-denpasar")
    # Its own decided challenge and Palembang's it co-owns.
    assert _numbers(section) == {"challenges": "2", "open": "0", "budget": "—", "proposals": "1"}
    assert _states(section)["decided"] == "2"
    assert "Transportation" in section and "Clean Water" in section  # by sector
    palembang = _statistics(client, "/orgs/pemkot-palembang")
    assert _numbers(palembang) == {"challenges": "5", "open": "3", "budget": "Rp 1.200.000.000", "proposals": "4"}


def test_an_organization_without_public_challenges_shows_no_statistics(client, platform):
    client.set_cookie("goi_lang", "en")
    html = client.get("/orgs/pt-industri").get_data(as_text=True)
    assert 'data-section="statistics"' not in html


def test_sealed_proposals_stay_uncounted_on_the_area_and_organization_pages(client, platform, people):
    before = _numbers(_statistics(client, "/orgs/pemkot-palembang"))["proposals"]
    add_proposal(
        platform["challenges"]["sealed-open"], people[7], submitted_at=platform["challenges"]["closed"].closes_at
    )
    db.session.commit()
    assert _numbers(_statistics(client, "/orgs/pemkot-palembang"))["proposals"] == before
    assert _numbers(_statistics(client, "/metros/patungraya-agung"))["proposals"] == before


def test_the_sections_read_a_constant_number_of_statements(client, platform, people):
    urls = ("/metros/patungraya-agung", "/orgs/pemkot-palembang")
    few = {url: count_statements(client, url) for url in urls}
    for number in range(3):
        challenge = make_challenge(
            platform["palembang"],
            ChallengeStatus.PUBLISHED,
            sector=("health", "energy", "economy")[number],
            is_sealed=False,
        )
        add_proposal(challenge, people[number], submitted_at=challenge.published_at)
    db.session.commit()
    assert {url: count_statements(client, url) for url in urls} == few
    assert _numbers(_statistics(client, "/orgs/pemkot-palembang"))["challenges"] == "8"
