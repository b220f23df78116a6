"""The API's reads of the directory (organizations, metropolitan areas, offers), of the published results and of
the platform's figures: what the site shows anonymous visitors and nothing it hides, its filters, pages with Link
headers, errors naming the argument, and a constant number of statements whatever the data."""

from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeStatus
from goi.core import clock
from goi.data import regions
from goi.extensions import db as _db
from goi.orgs.models import Offer, OfferKind, OrgKind
from goi.orgs.offers import today
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry
from tests import factories
from tests.challenges import make_challenge
from tests.conftest import count_statements
from tests.proposals.conftest import make_submitted_proposal

PALEMBANG_AREA = "patungraya-agung"


def _json(client, url: str, status: int = 200) -> dict:
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _bad_argument(client, url: str, name: str) -> None:
    error = _json(client, url, 400)["error"]
    assert error["code"] == 400 and name in error["fields"]


# --- organizations ----------------------------------------------------------------------------------------------------


@pytest.fixture
def profiled(world):
    """Pemkot Palembang with a description, a matching profile, a published challenge and a draft."""
    palembang = world["gov_verified"]
    palembang.province_code, palembang.regency_code = "16", "16.71"
    palembang.description_source = "Kota **sungai**."
    palembang.description_html = "<p>Kota <strong>sungai</strong>.</p>"
    palembang.website = "https://palembang.go.id"
    palembang.sectors = "water,transportation"
    palembang.regions_served = "16,16.71"
    palembang.expertise = "drainase, sungai"
    make_challenge(palembang, title="Banjir Musi")
    make_challenge(palembang, status=ChallengeStatus.DRAFT, title="Rahasia draf")
    _db.session.commit()
    return palembang


def test_the_organization_list_has_every_organization_by_name_with_codes_beside_names(client, profiled):
    body = _json(client, "/api/v1/organizations")
    # By name in the database's collation (where "PT" falls depends on it).
    assert {item["name"] for item in body["results"]} == {"Pemkot Makassar", "Pemkot Palembang", "PT Industri"}
    assert body["results"].index(next(i for i in body["results"] if i["name"] == "Pemkot Makassar")) < body[
        "results"
    ].index(next(i for i in body["results"] if i["name"] == "Pemkot Palembang"))
    palembang = next(item for item in body["results"] if item["name"] == "Pemkot Palembang")
    assert palembang["slug"] == "pemkot-palembang" and palembang["kind"] == "government"
    assert palembang["verified"] is True and palembang["government_kind"] == "city"
    assert palembang["regency"] == {"code": "16.71", "name": "Kota Palembang"}
    assert palembang["metro"]["code"] == PALEMBANG_AREA
    assert palembang["url"].endswith("/orgs/pemkot-palembang")


def test_the_organization_list_takes_the_sites_filters(client, profiled):
    governments = _json(client, "/api/v1/organizations?kind=government")["results"]
    assert [item["name"] for item in governments] == ["Pemkot Makassar", "Pemkot Palembang"]
    assert [item["name"] for item in _json(client, "/api/v1/organizations?verified=true")["results"]] == [
        "Pemkot Palembang"
    ]
    assert _json(client, "/api/v1/organizations?kind=investor")["total"] == 0
    _bad_argument(client, "/api/v1/organizations?kind=bogus", "kind")
    _bad_argument(client, "/api/v1/organizations?verified=maybe", "verified")


def test_organization_pages_carry_link_headers(client, profiled):
    everyone = [item["name"] for item in _json(client, "/api/v1/organizations")["results"]]
    response = client.get("/api/v1/organizations?per_page=1&page=2")
    assert [item["name"] for item in response.get_json()["results"]] == everyone[1:2]
    links = response.headers["Link"]
    assert all(f'rel="{relation}"' in links for relation in ("first", "prev", "next", "last"))
    assert client.get("/api/v1/organizations?per_page=1&page=4").status_code == 404


def test_an_organization_shows_its_public_profile_and_challenges_never_drafts_nor_members(client, world, profiled):
    body = _json(client, "/api/v1/organizations/pemkot-palembang")
    assert body["description"] == {"source": "Kota **sungai**.", "html": "<p>Kota <strong>sungai</strong>.</p>"}
    assert body["website"] == "https://palembang.go.id"
    assert [sector["code"] for sector in body["sectors"]] == ["water", "transportation"]
    assert body["regions_served"] == [
        {"code": "16", "name": "Sumatera Selatan"},
        {"code": "16.71", "name": "Kota Palembang"},
    ]
    assert body["expertise"] == ["drainase", "sungai"]
    assert body["challenge_count"] == 1 and [c["title"] for c in body["challenges"]] == ["Banjir Musi"]
    text = client.get("/api/v1/organizations/pemkot-palembang").get_data(as_text=True)
    assert "Rahasia draf" not in text  # a draft is its managers' only
    assert "@palembang.go.id" not in text and "Admin Palembang" not in text  # no member, no address
    _json(client, "/api/v1/organizations/tidak-ada", 404)


def test_the_organization_list_reads_a_constant_number_of_statements(client, world):
    few = count_statements(client, "/api/v1/organizations?per_page=100")
    for number in range(12):
        factories.make_org(OrgKind.GOVERNMENT, name=f"Pemkab {number}", province_code="16", regency_code="16.07")
    _db.session.commit()
    assert count_statements(client, "/api/v1/organizations?per_page=100") == few
    make_challenge(world["gov_verified"])
    _db.session.commit()
    many = count_statements(client, "/api/v1/organizations/pemkot-palembang")
    for _ in range(5):
        make_challenge(world["gov_verified"])
    _db.session.commit()
    assert count_statements(client, "/api/v1/organizations/pemkot-palembang") == many


# --- metropolitan areas -----------------------------------------------------------------------------------------------


def test_the_metro_list_has_every_area_with_members_provinces_and_counts(client, profiled):
    body = _json(client, "/api/v1/metros")
    area = next(item for item in body["results"] if item["code"] == PALEMBANG_AREA)
    assert area["core"] == {"code": "16.71", "name": "Kota Palembang"}
    assert {"code": "16.07", "name": area["members"][1]["name"]} in area["members"]
    assert area["provinces"] == [{"code": "16", "name": "Sumatera Selatan"}]
    assert area["counts"] == {"governments": 1, "challenges": 1, "open": 1}  # never the draft
    assert [item["code"] for item in body["results"]] == [metro.code for metro in regions.metros()]


def test_a_metro_has_its_members_and_sectors_figures(client, profiled):
    body = _json(client, f"/api/v1/metros/{PALEMBANG_AREA}")
    assert body["member_figures"][0]["regency"]["code"] == "16.71" and body["member_figures"][0]["is_core"]
    assert body["member_figures"][0]["challenges"] == 1 and body["member_figures"][0]["governments"] == 1
    assert [row["sector"]["code"] for row in body["sectors"]] == ["transportation"]
    assert body["counts"]["challenges"] == 1
    _json(client, "/api/v1/metros/tidak-ada", 404)


def test_metros_read_a_constant_number_of_statements(client, world):
    few = [count_statements(client, url) for url in ("/api/v1/metros", f"/api/v1/metros/{PALEMBANG_AREA}")]
    for _ in range(12):
        make_challenge(world["gov_verified"], sector="water")
    for number in range(5):
        factories.make_org(OrgKind.GOVERNMENT, name=f"Dinas {number}", province_code="16", regency_code="16.71")
    _db.session.commit()
    assert [count_statements(client, url) for url in ("/api/v1/metros", f"/api/v1/metros/{PALEMBANG_AREA}")] == few


# --- results ----------------------------------------------------------------------------------------------------------


def _decided_with_results(world, title: str, winners: list[str], others: list[str] = ()) -> dict:
    """A decided challenge whose published results name winners (and runners-up for others); rows directly."""
    challenge = make_challenge(world["gov_verified"], title=title, is_sealed=True)
    leads = [factories.make_user(email=f"tim{next(_leads)}@example.id", name=name) for name in [*winners, *others]]
    proposals = [
        make_submitted_proposal(_db, challenge, lead, title=f"Usulan {lead.name}", summary=f"Ringkasan {lead.name}.")
        for lead in leads
    ]
    challenge.status = ChallengeStatus.DECIDED
    challenge.closes_at = challenge.closed_at = clock.now() - timedelta(days=1)
    result = ChallengeResult(challenge_id=challenge.id, summary_source="Ringkasan.", summary_html="<p>Ringkasan.</p>")
    for position, proposal in enumerate(proposals, start=1):
        award = AwardLabel.WINNER if position <= len(winners) else AwardLabel.RUNNER_UP
        result.entries.append(
            ResultEntry(proposal_id=proposal.id, award=award, position=position, citation=f"Kutipan {position}")
        )
    _db.session.add(result)
    _db.session.commit()
    return {"challenge": challenge, "proposals": proposals}


_leads = iter(range(10_000))


def test_results_list_the_winners_of_published_results_only(client, world):
    decided = _decided_with_results(world, "Banjir Musi", ["Tim Pemenang"], ["Tim Kedua"])
    sealed = make_challenge(world["gov_verified"], title="Masih Tersegel", is_sealed=True)
    make_submitted_proposal(_db, sealed, world["users"]["user"], title="Usulan Tersegel")
    body = _json(client, "/api/v1/results")
    assert [item["title"] for item in body["results"]] == ["Usulan Tim Pemenang"]
    item = body["results"][0]
    assert item["award"] == "winner" and item["citation"] == "Kutipan 1" and item["team"] == "Tim Pemenang"
    assert item["challenge"]["slug"] == decided["challenge"].slug and item["challenge"]["url"].endswith("#results")
    assert item["province"] == {"code": "16", "name": "Sumatera Selatan"} and item["regency"]["code"] == "16.71"
    text = client.get("/api/v1/results").get_data(as_text=True)
    assert "Tim Kedua" not in text and "Tersegel" not in text


def test_results_take_the_showcase_search_and_pages(client, world):
    _decided_with_results(world, "Banjir Musi", ["Tim Satu"])
    _decided_with_results(world, "Sampah Pasar", ["Tim Dua"])
    assert [item["title"] for item in _json(client, "/api/v1/results?q=sampah")["results"]] == ["Usulan Tim Dua"]
    assert _json(client, "/api/v1/results?q=jembatan")["total"] == 0
    response = client.get("/api/v1/results?per_page=1")
    assert response.get_json()["pages"] == 2 and 'rel="next"' in response.headers["Link"]
    _bad_argument(client, "/api/v1/results?q=" + "x" * 201, "q")
    _bad_argument(client, "/api/v1/results?per_page=0", "per_page")


def test_results_read_a_constant_number_of_statements(client, world):
    _decided_with_results(world, "Banjir Musi", ["Tim Satu"])
    few = count_statements(client, "/api/v1/results?per_page=100")
    _decided_with_results(world, "Sampah Pasar", [f"Tim {n}" for n in range(6)])
    assert count_statements(client, "/api/v1/results?per_page=100") == few


# --- offers -----------------------------------------------------------------------------------------------------------


def _offer(organization, title: str, **fields) -> Offer:
    values = {
        "kind": OfferKind.TECHNOLOGY_OFFER,
        "description": "Sensor murah untuk memantau sungai.",
        "province_code": "16",
        "regency_code": "16.71",
        "expires_on": today() + timedelta(days=30),
        "is_public": True,
        **fields,
    }
    offer = Offer(organization=organization, title=title, **values)
    _db.session.add(offer)
    _db.session.flush()
    return offer


@pytest.fixture
def market(world):
    industry = world["industry"]
    live = _offer(industry, "Sensor kualitas air", sector="water")
    request = _offer(world["gov_verified"], "Butuh aplikasi parkir", kind=OfferKind.TECHNOLOGY_REQUEST)
    hidden = _offer(industry, "Penawaran tersembunyi", is_public=False)
    expired = _offer(industry, "Penawaran kedaluwarsa", expires_on=today() - timedelta(days=1))
    _db.session.commit()
    return {"live": live, "request": request, "hidden": hidden, "expired": expired}


def test_offers_list_the_live_offers_only(client, market):
    body = _json(client, "/api/v1/offers")
    assert sorted(item["title"] for item in body["results"]) == ["Butuh aplikasi parkir", "Sensor kualitas air"]
    sensor = next(item for item in body["results"] if item["id"] == market["live"].id)
    assert sensor["organization"]["slug"] == "pt-industri" and sensor["sector"]["code"] == "water"
    assert sensor["province"] == {"code": "16", "name": "Sumatera Selatan"} and sensor["regency"]["code"] == "16.71"
    assert sensor["expires_on"] == (today() + timedelta(days=30)).isoformat()


def test_offers_take_the_marketplace_filters(client, market):
    by_kind = _json(client, "/api/v1/offers?kind=technology_request")["results"]
    assert [item["title"] for item in by_kind] == ["Butuh aplikasi parkir"]
    assert [item["title"] for item in _json(client, "/api/v1/offers?sector=water")["results"]] == [
        "Sensor kualitas air"
    ]
    assert [item["title"] for item in _json(client, "/api/v1/offers?q=SENSOR%20air")["results"]] == [
        "Sensor kualitas air"
    ]
    assert _json(client, "/api/v1/offers?province=31")["total"] == 0
    _bad_argument(client, "/api/v1/offers?kind=bogus", "kind")
    _bad_argument(client, "/api/v1/offers?province=99", "province")
    response = client.get("/api/v1/offers?per_page=1&page=2")
    assert 'rel="prev"' in response.headers["Link"] and 'rel="next"' not in response.headers["Link"]


def test_an_offer_is_shown_while_live_a_hidden_or_expired_one_is_a_404(client, market):
    assert _json(client, f"/api/v1/offers/{market['live'].id}")["title"] == "Sensor kualitas air"
    for name in ("hidden", "expired"):
        _json(client, f"/api/v1/offers/{market[name].id}", 404)
    _json(client, "/api/v1/offers/999999", 404)


def test_offers_read_a_constant_number_of_statements(client, world, market):
    few = count_statements(client, "/api/v1/offers?per_page=100")
    for number in range(12):
        owner = factories.make_org(OrgKind.INDUSTRY, name=f"PT Lain {number}")
        _offer(owner, f"Tawaran {number}")
    _db.session.commit()
    assert count_statements(client, "/api/v1/offers?per_page=100") == few


# --- statistics -------------------------------------------------------------------------------------------------------


def test_statistics_have_the_platform_figures_with_codes_beside_names(client, world):
    _decided_with_results(world, "Banjir Musi", ["Tim Satu"])
    sealed = make_challenge(world["gov_verified"], title="Masih Tersegel", is_sealed=True, sector="water")
    make_submitted_proposal(_db, sealed, world["users"]["user"], title="Usulan Tersegel")
    make_challenge(world["gov_verified"], status=ChallengeStatus.DRAFT, title="Rahasia draf")
    _db.session.commit()
    body = _json(client, "/api/v1/statistics")
    summary = body["summary"]
    assert summary["challenges"] == 2 and summary["open"] == 1  # never the draft
    assert summary["proposals"] == 1  # the sealed challenge's proposal is not counted before its deadline
    assert summary["decided_challenges"] == 1
    assert body["provinces"][0] == {"province": {"code": "16", "name": "Sumatera Selatan"}, "challenges": 2, "open": 1}
    assert {row["sector"]["code"] for row in body["sectors"]} == {"transportation", "water"}
    assert body["metros"][0]["metro"]["code"] == PALEMBANG_AREA
    assert {row["state"] for row in body["states"]} >= {"open", "decided"}
    assert len(body["months"]) == 12 and body["months"][-1]["challenges"] == 2
    assert sum(row["challenges"] for row in body["proposals_per_challenge"]) == 1
    assert {row["kind"] for row in body["solvers"]} >= {"industry", "citizen"}


def test_statistics_read_a_constant_number_of_statements(client, world):
    _decided_with_results(world, "Banjir Musi", ["Tim Satu"])
    few = count_statements(client, "/api/v1/statistics")
    for _ in range(6):
        make_challenge(world["gov_verified"], sector="water", province_code="31", regency_code=None)
    _decided_with_results(world, "Sampah Pasar", [f"Tim {n}" for n in range(3)])
    assert count_statements(client, "/api/v1/statistics") == few


# --- the document -----------------------------------------------------------------------------------------------------


def test_the_document_lists_the_new_operations_with_their_arguments(client):
    document = _json(client, "/api/v1/openapi.json")
    paths = document["paths"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/organizations/{slug}",
        "/api/v1/metros",
        "/api/v1/metros/{code}",
        "/api/v1/results",
        "/api/v1/offers",
        "/api/v1/offers/{offer_id}",
        "/api/v1/statistics",
    ):
        assert "get" in paths[path], path
    organization_arguments = {p["name"] for p in paths["/api/v1/organizations"]["get"]["parameters"]}
    assert {"kind", "verified", "page", "per_page"} <= organization_arguments
    offer_arguments = {p["name"] for p in paths["/api/v1/offers"]["get"]["parameters"]}
    assert {"q", "kind", "sector", "province"} <= offer_arguments
    description = document["components"]["schemas"]["Organization"]["properties"]["description"]
    assert "Formatted" in str(description)
    tags = {tag["name"] for tag in document.get("tags", [])} | {
        tag for path in paths.values() for operation in path.values() for tag in operation.get("tags", [])
    }
    assert {"organizations", "metros", "results", "offers", "statistics"} <= tags
