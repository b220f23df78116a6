"""The statistics page and its CSV downloads: figures right on a known platform (see conftest.py), drafts and sealed
proposals left out, the months in western Indonesian time, a constant number of statements, an empty state."""

import csv
import io
import re
from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.reviews.models import ChallengeResult
from goi.site.page_cache import CACHED_ENDPOINTS
from goi.statistics import figures
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.conftest import count_statements
from tests.statistics.conftest import add_proposal


def _html(client, url: str) -> str:
    client.set_cookie("goi_lang", "en")
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _section(html: str, name: str) -> str:
    start = html.find(f'data-section="{name}"')
    assert start >= 0, name
    return html[start : html.index("</section>", start)]


def _summary(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([\w-]+)">([^<]*)<', _section(html, "summary")))


def _table(html: str, name: str) -> dict[str, list[str]]:
    """The figure's table rows by their key: the row heading and the cells."""
    table = _section(html, name)
    rows = {}
    for key, row in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', table, re.S):
        rows[key] = [cell.strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    return rows


def _csv(client, name: str) -> list[list[str]]:
    client.set_cookie("goi_lang", "en")
    response = client.get(f"/statistics/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_summary_counts_public_challenges_open_budget_proposals_consortia_and_time_to_results(client, platform):
    html = _html(client, "/statistics")
    assert _summary(html) == {
        "challenges": "6",  # never the draft
        "open": "3",
        "budget": "Rp 1.200.000.000",  # the open ones: 1,000,000,000 + 200,000,000; not the closed or the draft
        "proposals": "5",  # closed 3, decided 1, unsealed 1; never the sealed open call's 2 nor the draft's
        "average": "1.2",  # 5 over the 4 challenges no longer sealed
        "median-proposals": "1.0",  # 0, 1, 1, 3
        "consortium": "20%",  # 1 of 5
        "decision": "20 days",  # 30 and 10 days
    }


def test_figures_by_sector_state_province_and_area_leave_drafts_out(client, platform):
    html = _html(client, "/statistics")
    sectors = _table(html, "sectors")
    assert sectors == {
        "water": ["Clean Water", "4", "3", "1.200.000.000"],
        "health": ["Health", "1", "0", "—"],
        "transportation": ["Transportation", "1", "0", "—"],
    }
    assert "energy" not in sectors  # the draft's sector
    states = _table(html, "states")
    assert states["open"][1:] == ["3"] and states["closed"][1:] == ["1"] and states["decided"][1:] == ["2"]
    assert "draft" not in states
    # The whole-area challenge counts in the province of its members; codes beside the names.
    assert _table(html, "provinces") == {"16": ["16", "Sumatera Selatan", "5", "3"], "51": ["51", "Bali", "1", "0"]}
    metros = _table(html, "metros")
    assert metros["patungraya-agung"][:4] == ["patungraya-agung", "Patungraya Agung", "5", "3"]
    assert metros["sarbagita"][2] == "1"


def test_proposals_per_challenge_and_the_solver_mix_count_only_unsealed_submitted_proposals(client, platform):
    html = _html(client, "/statistics")
    buckets = _table(html, "proposals")
    assert {key: cells[1] for key, cells in buckets.items()} == {
        "0": "1",
        "1": "2",
        "2–4": "1",
        "5–9": "0",
        "10 or more": "0",
    }
    solvers = _table(html, "solvers")
    assert {key: cells[1:] for key, cells in solvers.items()} == {
        "industry": ["1", "1"],  # the sealed call's and the draft's industry proposals are not counted
        "academia": ["1", "0"],
        "community": ["1", "0"],
        "citizen": ["2", "0"],
        "investor": ["0", "0"],
    }


def test_the_monthly_series_counts_the_last_twelve_months_in_western_indonesian_time(client, platform):
    rows = _csv(client, "months")
    assert rows[0] == ["month", "challenges", "proposals"]
    months = {month: (int(challenges), int(proposals)) for month, challenges, proposals in rows[1:]}
    assert next(iter(months)) == "2025-12" and list(months)[-1] == "2026-11" and len(months) == 12
    # Published three hours before NOW (31 October in UTC): 1 November in WIB.
    assert months["2026-11"] == (1, 1)
    assert months["2026-10"] == (1, 3)  # the sealed call's proposals are not counted
    assert months["2026-09"] == (2, 1)
    assert months["2026-07"] == (1, 0)
    assert sum(challenges for challenges, _proposals in months.values()) == 5  # the 400-day-old one is before


def test_a_figure_downloads_as_csv_with_codes_as_quoted_text(client, platform):
    client.set_cookie("goi_lang", "en")
    response = client.get("/statistics/provinces.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="goi-statistics-provinces.csv"'
    body = response.get_data()
    assert not body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == '"province_code","label","challenges","open"'
    # The code is quoted (text for a spreadsheet), the numbers are not.
    assert lines[1:] == ['"16","Sumatera Selatan",5,3', '"51","Bali",1,0']
    summary = {row[0]: row[2] for row in _csv(client, "summary")[1:]}
    assert summary["budget_on_offer"] == "1200000000" and summary["median_days_to_results"] == "20.0"


def test_codes_with_leading_zeros_stay_text(app):
    from goi.statistics.views import csv_text

    figure = figures.Figure(
        "x",
        "X",
        (figures.Column("regency_code", "Code"), figures.Column("challenges", "n", True)),
        [
            {"regency_code": "11.01", "challenges": 2},
            {"regency_code": "07", "challenges": 0},
        ],
    )
    assert csv_text(figure).splitlines() == ['"regency_code","challenges"', '"11.01",2', '"07",0']


@pytest.mark.parametrize("name", ["unknown", "summary.json", "figures"])
def test_an_unknown_figure_is_not_found(client, platform, name):
    assert client.get(f"/statistics/{name}.csv").status_code == 404


def test_charts_are_accessible_svg_beside_their_tables(client, platform):
    html = _html(client, "/statistics")
    section = _section(html, "sectors")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in section and 'role="img"' in section
    assert '<title id="chart-sectors-title">Challenges by sector</title>' in section
    assert "<caption" in section and "<table" in section
    assert 'href="/statistics/sectors.csv"' in section


def test_the_page_is_in_the_page_cache_and_linked_from_the_footer(client, platform):
    assert "statistics.index" in CACHED_ENDPOINTS
    footer = _html(client, "/").split("<footer", 1)[1]
    assert 'href="/statistics"' in footer and "Statistics" in footer


def test_the_page_reads_a_constant_number_of_statements(client, platform, people):
    few = count_statements(client, "/statistics")
    palembang, industry = platform["palembang"], platform["industry"]
    campus = factories.make_org(OrgKind.ACADEMIA, slug="kampus-2", name="Institut Teknologi")
    for number in range(4):
        challenge = make_challenge(
            palembang,
            ChallengeStatus.DECIDED,
            sector=("health", "energy", "economy", "education")[number],
            province_code=("11", "31", "32", "16")[number],
            regency_code=None,
            opens_at=NOW - timedelta(days=80),
            closes_at=NOW - timedelta(days=70),
            published_at=NOW - timedelta(days=80 + 31 * number),
        )
        add_proposal(challenge, people[number], industry, submitted_at=NOW - timedelta(days=75), partner=campus)
        add_proposal(challenge, people[number + 4], submitted_at=NOW - timedelta(days=72))
        db.session.add(ChallengeResult(challenge_id=challenge.id, published_at=NOW - timedelta(days=60)))
    db.session.commit()
    assert count_statements(client, "/statistics") == few
    assert _summary(_html(client, "/statistics"))["challenges"] == "10"


def test_an_empty_platform_shows_a_clear_empty_state(client, world):
    make_challenge(world["gov_verified"], ChallengeStatus.DRAFT, slug="only-a-draft")
    db.session.commit()
    html = _html(client, "/statistics")
    assert 'id="statistics-empty"' in html
    assert "No challenge has been published yet" in html
    assert "<svg" not in html and 'data-section="sectors"' not in html
    rows = _csv(client, "sectors")
    assert rows == [["sector", "label", "challenges", "open", "budget_on_offer"]]


def test_the_last_month_is_this_month_in_western_indonesian_time(app):
    assert figures._months(NOW)[-1] == "2026-11"
    assert figures._months(NOW - timedelta(hours=8))[-1] == "2026-10"  # 31 October, 23:00 WIB
