"""The metropolitan area pages: the areas, one area's members, governments, joint and members' challenges, figures
by sector; drafts never; a constant number of statements; cacheable for anonymous visitors; linked from challenges,
organizations and the challenge list."""

import re
from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeCoOwner, ChallengeStatus
from goi.extensions import db
from goi.orgs.models import GovernmentKind, OrgKind
from goi.site.page_cache import PUBLIC_CACHE_CONTROL
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.conftest import count_statements, log_in

ROW = re.compile(r'data-challenge="([^"]+)"')
AREA = "/metros/patungraya-agung"


def _government(slug: str, name: str, regency_code: str, **fields):
    return factories.make_org(
        OrgKind.GOVERNMENT,
        slug=slug,
        name=name,
        province_code=regency_code.split(".")[0],
        regency_code=regency_code,
        **fields,
    )


@pytest.fixture
def area(world):
    """Patungraya Agung (Palembang and its neighbours) with challenges of every kind, and some elsewhere."""
    palembang = world["gov_verified"]
    palembang.province_code, palembang.regency_code = "16", "16.71"
    banyuasin = _government("pemkab-banyuasin", "Pemkab Banyuasin", "16.07", government_kind=GovernmentKind.REGENCY)
    denpasar = _government("pemkot-denpasar", "Pemkot Denpasar", "51.71", verified=True)
    factories.make_org(
        OrgKind.INDUSTRY, slug="pt-musi", name="PT Musi Teknologi", province_code="16", regency_code="16.71"
    )
    make = make_challenge
    challenges = {
        "whole-area": make(
            palembang,
            slug="whole-area",
            title="Transportasi terpadu Patungraya Agung",
            province_code=None,
            regency_code=None,
            metro_code="patungraya-agung",
            sector="water",
            budget_max=1_000_000_000,
            closes_at=NOW + timedelta(days=20),
        ),
        "co-owned": make(palembang, slug="co-owned", sector="transportation", budget_max=500_000_000),
        "banyuasin": make(banyuasin, slug="banyuasin", regency_code="16.07", sector="health", budget_min=200_000_000),
        "closed": make(
            palembang,
            ChallengeStatus.CLOSED,
            slug="closed",
            sector="health",
            budget_max=300_000_000,
            opens_at=NOW - timedelta(days=20),
            closes_at=NOW - timedelta(days=2),
        ),
        "with-outsider": make(palembang, slug="with-outsider", sector="transportation"),
        "draft": make(palembang, ChallengeStatus.DRAFT, slug="draft", sector="health", budget_max=9_000_000_000),
        "draft-area": make(
            palembang,
            ChallengeStatus.DRAFT,
            slug="draft-area",
            province_code=None,
            regency_code=None,
            metro_code="patungraya-agung",
            sector="energy",
        ),
        "denpasar": make(denpasar, slug="denpasar", province_code="51", regency_code="51.71", timezone="Asia/Makassar"),
    }
    db.session.add_all(
        [
            ChallengeCoOwner(challenge=challenges["co-owned"], organization=banyuasin),
            ChallengeCoOwner(challenge=challenges["with-outsider"], organization=denpasar),
        ]
    )
    db.session.commit()
    return challenges


def _html(client, url: str, language: str = "id") -> str:
    client.set_cookie("goi_lang", language)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _section(html: str, name: str) -> str:
    """The HTML of the page's section data-section=name ('' when the page has none)."""
    start = html.find(f'data-section="{name}"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def test_the_list_names_every_area_with_its_members_and_open_challenges(client, area):
    html = _html(client, "/metros", "en")
    for name in ("Patungraya Agung", "Sarbagita", "Banjarbakula", "Mamminasata", "Jabodetabekpunjur"):
        assert name in html
    item = re.search(r'<li[^>]*data-metro="patungraya-agung"[^>]*>', html).group(0)
    assert 'data-members="4"' in item
    # whole-area, co-owned, banyuasin and with-outsider; never the draft nor the closed one
    assert 'data-open="4"' in item
    assert 'data-metro="sarbagita" data-members="4" data-open="1"' in html  # Denpasar's
    assert 'data-metro="mamminasata" data-members="4" data-open="0"' in html
    assert 'href="/metros/patungraya-agung"' in html


def test_an_unknown_area_is_not_found(client, world):
    assert client.get("/metros/atlantis").status_code == 404


def test_the_area_page_names_its_core_city_members_and_governments(client, area):
    html = _html(client, AREA, "en")
    assert "<h1" in html and "Patungraya Agung" in html
    assert "Kota Palembang" in _section(html, "summary")
    members = _section(html, "members")
    for member in ("Kota Palembang", "Kabupaten Banyuasin", "Kabupaten Ogan Ilir", "Kabupaten Ogan Komering Ilir"):
        assert member in members, member
    assert 'href="/orgs/pemkot-palembang"' in members and 'href="/orgs/pemkab-banyuasin"' in members
    assert "pemkot-denpasar" not in members  # a government elsewhere
    assert "pt-musi" not in members  # a company in a member city is not a government


def test_joint_challenges_come_first_then_the_members_challenges_without_drafts(client, area):
    html = _html(client, AREA)
    joint, members = _section(html, "joint"), _section(html, "challenges")
    assert html.index('data-section="joint"') < html.index('data-section="challenges"')
    assert ROW.findall(joint) == ["whole-area", "co-owned"]  # open ones by deadline
    assert set(ROW.findall(members)) == {"banyuasin", "with-outsider", "closed"}
    assert ROW.findall(members)[-1] == "closed"  # the open ones first
    for hidden in ("draft", "draft-area", "denpasar"):
        assert f'data-challenge="{hidden}"' not in html
    assert 'href="/challenges?metro=patungraya-agung"' in html


def test_a_government_sees_no_draft_either(client, area, login_as):
    login_as("gov_admin")
    html = _html(client, AREA)
    assert 'data-challenge="draft"' not in html and 'data-challenge="draft-area"' not in html


SECTOR_ROW = re.compile(
    r'<tr data-sector="([^"]+)">\s*<th[^>]*>[^<]*</th>\s*'
    r"<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]*)</td>"
)


def _figures(html: str) -> dict[str, tuple[str, str, str]]:
    rows = SECTOR_ROW.findall(_section(html, "sectors"))
    return {sector: (count, open_count, budget.strip()) for sector, count, open_count, budget in rows}


def test_figures_by_sector_count_public_and_open_challenges_and_the_budget_on_offer(client, area):
    html = _html(client, AREA, "en")
    assert _figures(html) == {
        "transportation": ("2", "2", "500.000.000"),
        "health": ("2", "1", "200.000.000"),
        "water": ("1", "1", "1.000.000.000"),
    }
    sectors = _section(html, "sectors")
    # the busiest first, sectors as busy by name
    assert re.findall(r'data-sector="([^"]+)"', sectors) == ["health", "transportation", "water"]
    assert "Clean Water" in sectors and "Health" in sectors
    assert "energy" not in sectors  # only a draft has it
    summary = _section(html, "summary")
    assert 'data-total="5"' in summary and 'data-open="4"' in summary
    assert "Rp 1.700.000.000" in summary


def test_the_page_speaks_indonesian(client, area):
    html = _html(client, AREA, "id")
    assert "Air Bersih" in _section(html, "sectors") and "Kesehatan" in _section(html, "sectors")
    assert "Kawasan metropolitan" in html
    assert "Clean Water" not in html


def test_an_area_without_challenges_says_so(client, world):
    html = _html(client, "/metros/mamminasata", "en")
    assert "Kota Makassar" in html
    assert ROW.findall(html) == []
    assert 'class="text-muted empty-state"' in _section(html, "joint")
    assert 'class="text-muted empty-state"' in _section(html, "challenges")


def _add_more(area_challenges, world, number: int) -> None:
    palembang = world["gov_verified"]
    owners = [palembang] + [_government(f"pemkab-{number}-{index}", f"Pemkab {index}", "16.10") for index in range(2)]
    for index in range(number):
        owner = owners[index % len(owners)]
        challenge = make_challenge(owner, regency_code=owner.regency_code, sector=("water", "waste", "food")[index % 3])
        if index % 2:
            db.session.add(ChallengeCoOwner(challenge=challenge, organization=owners[(index + 1) % len(owners)]))
        make_challenge(palembang, province_code=None, regency_code=None, metro_code="patungraya-agung")
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("url", ["/metros", AREA])
def test_the_number_of_statements_does_not_grow_with_the_data(client, area, world, url):
    few = count_statements(client, url)
    _add_more(area, world, 12)
    assert count_statements(client, url) == few
    # a logged-in user's page too
    log_in(client, world["users"]["user"])
    logged_in = count_statements(client, url)
    _add_more(area, world, 3)
    assert count_statements(client, url) == logged_in


@pytest.mark.parametrize("url", ["/metros", AREA])
def test_an_anonymous_visitor_gets_a_cached_public_page(app, client, area, url):
    app.config["PAGE_CACHE"] = True
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert "Set-Cookie" not in first.headers
    assert count_statements(client, url) <= 1  # the content version only


def test_a_challenge_in_the_area_links_to_its_page(client, area):
    for slug in ("whole-area", "banyuasin"):
        html = _html(client, f"/challenges/{slug}", "en")
        assert f'href="{AREA}"' in html, slug
    assert 'href="/metros/sarbagita"' in _html(client, "/challenges/denpasar", "en")


def test_a_challenge_outside_any_area_links_to_none(client, world):
    challenge = make_challenge(world["gov_verified"], province_code="16", regency_code="16.03")
    db.session.commit()
    assert 'href="/metros/' not in _html(client, f"/challenges/{challenge.slug}")


def test_an_organization_in_a_member_city_links_to_the_area(client, area):
    assert f'href="{AREA}"' in _html(client, "/orgs/pemkab-banyuasin")
    assert f'href="{AREA}"' in _html(client, "/orgs/pt-musi")
    assert 'href="/metros/' not in _html(client, "/orgs/pt-industri")


def test_the_challenge_list_filtered_by_area_links_to_the_area(client, area):
    html = _html(client, "/challenges?metro=patungraya-agung", "en")
    assert f'href="{AREA}"' in html and "About this metropolitan area" in html
    assert 'href="/metros/' not in _html(client, "/challenges?sector=water")
    assert 'href="/metros/' not in _html(client, "/challenges?metro=atlantis")


def test_the_open_challenges_come_soonest_deadline_first_then_the_others_latest_first(client, world):
    palembang = world["gov_verified"]

    def past(slug: str, days: int, status=ChallengeStatus.CLOSED):
        return make_challenge(
            palembang, status, slug=slug, opens_at=NOW - timedelta(days=400), closes_at=NOW - timedelta(days=days)
        )

    past("last-year", 300, ChallengeStatus.ARCHIVED)
    past("last-week", 7)
    make_challenge(palembang, slug="later", closes_at=NOW + timedelta(days=40))
    make_challenge(palembang, slug="sooner", closes_at=NOW + timedelta(days=4))
    db.session.commit()
    html = _html(client, AREA)
    assert ROW.findall(_section(html, "challenges")) == ["sooner", "later", "last-week", "last-year"]


def test_a_member_lists_its_first_governments_and_counts_the_others(client, area):
    for number in range(12):
        _government(f"dinas-{number:02d}", f"Dinas {number:02d} Kota Palembang", "16.71")
    db.session.commit()
    html = _html(client, AREA, "en")
    palembang = _section(html, "members").split('data-member="16.71"', 1)[1].split('data-member="16.07"', 1)[0]
    assert palembang.count('href="/orgs/') == 8
    assert "and 5 more" in palembang  # Pemkot Palembang and 12 agencies: 13 governments, 8 named
    assert re.search(r"Governments on the platform</dt><dd[^>]*>14<", _section(html, "summary"))  # and Banyuasin
