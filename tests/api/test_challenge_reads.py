"""The API's challenge reads: the site's filters, pages with Link headers, ETags, errors in the caller's language,
regions as Kemendagri codes, and strings that say whether they are text or HTML."""

import pytest

from goi.challenges.models import Addendum, ChallengeOutcome, ChallengeStatus, Question
from goi.core import clock
from goi.extensions import db as _db
from goi.proposals.models import ProposalStatus
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry
from tests.challenges import make_challenge
from tests.conftest import count_statements
from tests.opendata.conftest import _proposal


@pytest.fixture
def listed(world):
    owner = world["gov_verified"]
    open_one = make_challenge(owner, title="Banjir Musi", sector="water", budget_max=2_000_000_000)
    closed = make_challenge(owner, status=ChallengeStatus.CLOSED, title="Sampah pasar", sector="waste")
    make_challenge(owner, status=ChallengeStatus.DRAFT, title="Rahasia draf")
    open_one.problem_source = "Banjir **rutin**."
    open_one.problem_html = "<p>Banjir <strong>rutin</strong>.</p>"
    changes = '{"closes_at": [1, 2]}'
    _db.session.add(Addendum(challenge=open_one, number=1, summary="Tenggat mundur", changes_json=changes))
    asker = world["users"]["user"]
    _db.session.add_all(
        [
            Question(
                challenge=open_one,
                asker_id=asker.id,
                body="Apakah data tersedia?",
                answer_source="Ya, *tersedia*.",
                answer_html="<p>Ya, <em>tersedia</em>.</p>",
                answered_at=clock.now(),
                is_public=True,
            ),
            Question(challenge=open_one, asker_id=asker.id, body="Pertanyaan pribadi", is_public=False),
        ]
    )
    _db.session.commit()
    return {"open": open_one, "closed": closed}


def test_the_list_has_the_public_challenges_with_codes_beside_names(client, listed):
    body = client.get("/api/v1/challenges").get_json()
    titles = [item["title"] for item in body["results"]]
    assert titles == ["Banjir Musi", "Sampah pasar"]  # open first, never the draft
    first = body["results"][0]
    assert first["province"] == {"code": "16", "name": "Sumatera Selatan"}
    assert first["regency"]["code"] == "16.71"
    assert first["owner"]["slug"] == "pemkot-palembang"
    assert first["budget"]["maximum"] == 2_000_000_000
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)


def test_the_list_takes_the_sites_filters(client, listed):
    assert [c["title"] for c in client.get("/api/v1/challenges?status=closed").get_json()["results"]] == [
        "Sampah pasar"
    ]
    assert [c["title"] for c in client.get("/api/v1/challenges?sector=water").get_json()["results"]] == ["Banjir Musi"]
    assert client.get("/api/v1/challenges?province=31").get_json()["total"] == 0


def test_pages_carry_link_headers(client, listed):
    response = client.get("/api/v1/challenges?per_page=1&page=2")
    assert response.get_json()["results"][0]["title"] == "Sampah pasar"
    links = response.headers["Link"]
    assert 'rel="first"' in links and 'rel="prev"' in links and 'rel="next"' not in links
    assert "per_page=1" in links
    assert client.get("/api/v1/challenges?per_page=1&page=3").status_code == 404


def test_a_bad_argument_is_a_400_naming_it_in_the_callers_language(client, listed):
    response = client.get("/api/v1/challenges?status=bogus&per_page=500", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400
    assert set(error["fields"]) == {"status", "per_page"}
    assert error["fields"]["per_page"] == "A whole number from 1 to 100."
    indonesian = client.get("/api/v1/challenges?per_page=0", headers={"Accept-Language": "id"}).get_json()
    assert indonesian["error"]["message"] != error["message"]


def test_a_challenge_has_criteria_timeline_addenda_and_public_answers(client, listed):
    body = client.get(f"/api/v1/challenges/{listed['open'].slug}").get_json()
    assert [c["weight"] for c in body["criteria"]] == [50, 50]
    assert body["problem"] == {"source": "Banjir **rutin**.", "html": "<p>Banjir <strong>rutin</strong>.</p>"}
    assert body["timeline"]["closes_at"] == listed["open"].closes_at.isoformat()
    assert body["addenda"][0]["number"] == 1 and body["addenda"][0]["changed"] == ["closes_at"]
    assert [q["question"] for q in body["questions"]] == ["Apakah data tersedia?"]
    assert body["questions"][0]["answer"]["html"] == "<p>Ya, <em>tersedia</em>.</p>"


def test_a_draft_or_unknown_challenge_is_a_404(client, world, listed):
    draft = _db.session.scalar(_db.select(type(listed["open"])).where(type(listed["open"]).title == "Rahasia draf"))
    assert client.get(f"/api/v1/challenges/{draft.slug}").status_code == 404
    response = client.get("/api/v1/challenges/tidak-ada")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_reads_answer_304_to_their_etag(client, listed):
    first = client.get(f"/api/v1/challenges/{listed['open'].slug}")
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/challenges/{listed['open'].slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    listed["open"].title = "Banjir Sungai Musi"
    _db.session.commit()
    changed = client.get(f"/api/v1/challenges/{listed['open'].slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["title"] == "Banjir Sungai Musi"


def test_the_list_reads_a_constant_number_of_statements(client, world):
    for _ in range(3):
        make_challenge(world["gov_verified"])
    _db.session.commit()
    few = count_statements(client, "/api/v1/challenges?per_page=100")
    for _ in range(12):
        make_challenge(world["gov_verified"])
    _db.session.commit()
    assert count_statements(client, "/api/v1/challenges?per_page=100") == few


def test_the_document_marks_text_and_html_and_the_reference_page_shows_it(client, listed):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    formatted = document["components"]["schemas"]["Formatted"]["properties"]
    assert formatted["html"]["contentMediaType"] == "text/html"
    assert formatted["source"]["contentMediaType"] == "text/markdown"
    summary = document["components"]["schemas"]["ChallengeSummary"]["properties"]
    assert summary["title"]["contentMediaType"] == "text/plain"
    parameters = {p["name"] for p in document["paths"]["/api/v1/challenges"]["get"]["parameters"]}
    assert {"status", "sector", "province", "metro", "kind", "q", "page", "per_page"} <= parameters
    client.set_cookie("goi_lang", "en")
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "GET /api/v1/challenges/{slug}" in page
    assert "string (text/html)" in page


def test_a_decided_challenge_shows_its_published_results_public_part_only(client, world, listed):
    decided = make_challenge(
        world["gov_verified"], ChallengeStatus.DECIDED, title="Sampah Palembang", outcome=ChallengeOutcome.AWARDED
    )
    lead, quitter = world["users"]["user"], world["users"]["org_member"]
    winner = _proposal(decided, lead, "Pemilah Sampah Pintar", ProposalStatus.SUBMITTED, organization=world["industry"])
    withdrawn = _proposal(decided, quitter, "Usulan Ditarik", ProposalStatus.WITHDRAWN)
    result = ChallengeResult(
        challenge_id=decided.id, summary_source="Satu *pemenang*.", summary_html="<p>Satu <em>pemenang</em>.</p>"
    )
    result.entries = [
        ResultEntry(proposal_id=winner.id, award=AwardLabel.WINNER, position=1, citation="Murah dan siap."),
        ResultEntry(proposal_id=withdrawn.id, award=AwardLabel.SHORTLISTED, position=2, citation=""),
    ]
    _db.session.add(result)
    _db.session.commit()
    body = client.get(f"/api/v1/challenges/{decided.slug}").get_json()
    assert body["results"]["summary"] == {"source": "Satu *pemenang*.", "html": "<p>Satu <em>pemenang</em>.</p>"}
    assert [(e["award"], e["title"], e["team"]) for e in body["results"]["entries"]] == [
        ("winner", "Pemilah Sampah Pintar", "PT Industri")
    ]
    assert client.get(f"/api/v1/challenges/{listed['open'].slug}").get_json()["results"] is None


def _unmarked_strings(schema: dict, path: str) -> list[str]:
    """The string properties below schema that do not say whether they hold plain text, HTML or Markdown."""
    kinds = schema.get("type") or []
    kinds = [kinds] if isinstance(kinds, str) else kinds
    found = []
    if "string" in kinds and "contentMediaType" not in schema and schema.get("format") not in ("date-time", "date"):
        found.append(path)
    for name, part in schema.get("properties", {}).items():
        found += _unmarked_strings(part, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        found += _unmarked_strings(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        found += _unmarked_strings(schema["additionalProperties"], f"{path}{{}}")
    for part in schema.get("anyOf", []):
        found += _unmarked_strings(part, path)
    return found


def test_every_string_of_every_schema_says_what_it_holds(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert len(schemas) > 20
    unmarked = [path for name, schema in schemas.items() for path in _unmarked_strings(schema, name)]
    assert unmarked == []
