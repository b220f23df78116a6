"""The recommendation endpoints of the JSON API: public data only, `limit` checked, references resolved."""

from goi.challenges.models import ChallengeStatus
from goi.extensions import db
from goi.orgs.models import OrgKind
from tests.challenges import make_challenge
from tests.factories import make_org, make_user


def _data():
    city = make_org(OrgKind.GOVERNMENT, verified=True, ref="kota-palembang")
    flood = make_challenge(
        city,
        ref="banjir-musi",
        title="Sistem peringatan dini banjir Sungai Musi",
        summary="Peringatan dini banjir berbasis sensor tinggi muka air.",
        sector="water",
    )
    draft = make_challenge(
        city, ref="draf-banjir", title="Peringatan dini banjir draf", sector="water", status=ChallengeStatus.DRAFT
    )
    company = make_org(
        OrgKind.INDUSTRY,
        ref="hidro-sensor",
        name="Hidro Sensor",
        expertise="flood early warning, water level sensors",
        seeking="hydrology research",
        sectors="water",
    )
    university = make_org(
        OrgKind.ACADEMIA,
        ref="lab-hidro",
        name="Lab Hidrologi",
        expertise="hydrology research, flood forecasting",
        seeking="water level sensors, early warning devices",
        sectors="water",
    )
    make_user(name="Private Person", expertise="flood early warning", is_public_profile=False)
    db.session.commit()
    return flood, draft, company, university


def test_recommended_challenges_of_an_organization(client):
    flood, _draft, _company, _ = _data()

    response = client.get("/api/v1/organizations/hidro-sensor/recommended-challenges")

    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [result["ref"] for result in results] == ["banjir-musi"]
    assert results[0]["title"] == flood.title and 0 < results[0]["score"] <= 1
    assert {reason["kind"] for reason in results[0]["reasons"]} >= {"terms", "sector", "kind"}
    assert all(reason["text"] for reason in results[0]["reasons"])
    assert "Set-Cookie" not in response.headers


def test_recommended_solvers_of_a_challenge_are_public_and_best_first(client):
    _data()

    results = client.get("/api/v1/challenges/banjir-musi/recommended-solvers").get_json()["results"]

    assert [result["ref"] for result in results][:2] == ["hidro-sensor", "lab-hidro"]
    assert all("name" in result for result in results)
    assert "Private Person" not in [result["name"] for result in results]
    # A draft is not public: it has no recommendations to show.
    assert client.get("/api/v1/challenges/draf-banjir/recommended-solvers").status_code == 404


def test_recommended_partners_for_a_challenge(client):
    _data()

    response = client.get("/api/v1/organizations/hidro-sensor/recommended-partners?challenge=banjir-musi&limit=1")

    results = response.get_json()["results"]
    assert [result["ref"] for result in results] == ["lab-hidro"]
    assert {"brings", "gets"} <= {reason["kind"] for reason in results[0]["reasons"]}


def test_bad_parameters_are_named_and_unknown_references_are_404(client):
    _data()

    for limit in ("0", "51", "ten", "-1"):
        response = client.get(f"/api/v1/organizations/hidro-sensor/recommended-challenges?limit={limit}")
        assert response.status_code == 400, limit
        assert "limit" in response.get_json()["error"]["fields"]
    response = client.get("/api/v1/organizations/hidro-sensor/recommended-partners?challenge=draf-banjir")
    # A challenge that is not public is as missing as an unknown organization.
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404
    assert client.get("/api/v1/organizations/nobody/recommended-challenges").status_code == 404
    assert client.get("/api/v1/challenges/nothing/recommended-solvers").status_code == 404
    assert client.get("/api/v1/organizations/hidro-sensor/recommended-challenges?limit=50").status_code == 200
