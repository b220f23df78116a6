"""Proposals written with a token of proposals:write: a solver organization's system starts, edits, submits and
withdraws its proposals under the site's rules (eligibility, the deadline, one active proposal per team, the lead
alone), each write by the token's maker, named in the audit log, all or nothing; a read token reads them as the
site shows them to their team, and no other organization finds them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goi.api import tokens
from goi.api.models import ApiToken, Scope
from goi.challenges.models import SolverKind
from goi.core import clock
from goi.core.audit import AuditEvent
from goi.extensions import db as _db
from goi.orgs.models import MemberRole, Membership, OrgKind
from goi.proposals.models import Proposal, ProposalSection, ProposalStatus, ProposalVersion
from tests import factories
from tests.challenges import make_challenge
from tests.proposals.conftest import accepted_partner, make_proposal


@pytest.fixture(autouse=True)
def _in_english(client):
    client.set_cookie("goi_lang", "en")


def _bearer(user, organization, scopes=(Scope.PROPOSALS_WRITE,)) -> dict:
    """The headers of a new token of the organization, made by user."""
    _token, secret = tokens.create_token(user, organization, "Sistem ERP", set(scopes), 90)
    _db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _headers(world, organization="industry", role="org_admin", scopes=(Scope.PROPOSALS_WRITE,)) -> dict:
    return _bearer(world["users"][role], world[organization], scopes)


def _open_challenge(world, **fields):
    challenge = make_challenge(world["gov_verified"], **fields)
    _db.session.commit()
    return challenge


def _content(**fields) -> dict:
    """Every field submission needs, as the site's form has them."""
    return {
        "summary": "Sensor genangan dan peringatan dini.",
        "approach": "Sensor **IoT** di 40 titik.",
        "workplan": "1. Survei\n2. Pemasangan",
        "budget_estimate": 1_500_000_000,
        "trl": 6,
        "team_roles": "Ketua tim, insinyur",
        "sections": [{"criterion": 1, "body": "Menjawab *banjir*."}, {"criterion": 2, "body": "Sudah diuji."}],
        **fields,
    }


def _rows() -> dict:
    """What a refused write must leave as it was: every table a proposal write touches."""
    _db.session.expire_all()
    return {
        "proposals": [
            (p.id, p.status.value, p.title, p.summary, p.trl, p.version, p.updated_at)
            for p in _db.session.scalars(select(Proposal).order_by(Proposal.id))
        ],
        "sections": [
            (s.id, s.body_source) for s in _db.session.scalars(select(ProposalSection).order_by(ProposalSection.id))
        ],
        "versions": _db.session.scalar(select(func.count(ProposalVersion.id))),
        # The requests close the challenges whose deadline passed (and say so in the log): not a proposal's write.
        "audit": _db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("proposal.%"))),
    }


def _start(client, challenge, headers, **body):
    return client.post(
        f"/api/v1/challenges/{challenge.slug}/proposals", json={"title": "Sensor Banjir", **body}, headers=headers
    )


def test_a_token_starts_edits_and_submits_its_organizations_proposal(client, world):
    headers = _headers(world)
    token = _db.session.scalar(select(ApiToken))
    challenge = _open_challenge(world)
    response = _start(client, challenge, headers)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    proposal = _db.session.get(Proposal, answer["id"])
    assert response.headers["Location"] == f"http://localhost/api/v1/proposals/{proposal.id}"
    assert answer["status"] == "draft" and answer["version"] == 0 and answer["role"] == "lead"
    assert answer["organization"]["slug"] == "pt-industri"
    assert answer["challenge"]["slug"] == challenge.slug and answer["challenge"]["is_open"] is True
    assert [(s["criterion"], s["name"], s["body"]["source"]) for s in answer["sections"]] == [
        (1, "Relevansi", ""),
        (2, "Kelayakan", ""),
    ]
    assert "Fill in the summary." in answer["problems"]
    assert proposal.organization_id == world["industry"].id
    assert proposal.lead_user_id == world["users"]["org_admin"].id
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.started"))
    assert event.actor_id == world["users"]["org_admin"].id and event.detail["api_token"] == token.id

    response = client.patch(f"/api/v1/proposals/{proposal.id}", json=_content(), headers=headers)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["title"] == "Sensor Banjir"
    assert answer["approach"] == {
        "source": "Sensor **IoT** di 40 titik.",
        "html": "<p>Sensor <strong>IoT</strong> di 40 titik.</p>",
    }
    assert answer["sections"][0]["body"]["html"] == "<p>Menjawab <em>banjir</em>.</p>"
    assert answer["problems"] == []
    # Only the fields sent change: a section and the title.
    response = client.patch(
        f"/api/v1/proposals/{proposal.id}",
        json={"title": "Sensor Banjir Musi", "sections": [{"criterion": 2, "body": "Diuji di Musi."}]},
        headers=headers,
    )
    answer = response.get_json()
    assert answer["title"] == "Sensor Banjir Musi" and answer["trl"] == 6
    assert [s["body"]["source"] for s in answer["sections"]] == ["Menjawab *banjir*.", "Diuji di Musi."]

    response = client.post(f"/api/v1/proposals/{proposal.id}/submit", headers=headers)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "submitted" and answer["version"] == 1 and answer["submitted_at"]
    assert answer["unsubmitted_changes"] is False
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.submitted"))
    assert event.actor_id == world["users"]["org_admin"].id and event.detail["api_token"] == token.id
    # Submitting again with nothing changed records no new version.
    assert client.post(f"/api/v1/proposals/{proposal.id}/submit", headers=headers).get_json()["version"] == 1
    # A read token of the organization reads it.
    response = client.get(f"/api/v1/proposals/{proposal.id}", headers=_headers(world, scopes=(Scope.READ,)))
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"


def test_a_proposal_starts_with_its_content_at_once_and_the_read_shows_nothing_of_its_review(client, world):
    headers = _headers(world)
    challenge = _open_challenge(world)
    response = _start(client, challenge, headers, **_content())
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["problems"] == [] and answer["budget_estimate"] == 1_500_000_000
    read = client.get(f"/api/v1/proposals/{answer['id']}", headers=headers).get_json()
    assert set(read) == set(answer)
    assert not {"score", "scores", "reviews", "outcome", "award"} & set(read)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": ""}, {"title"}),
        ({"trl": 12, "budget_estimate": -1}, {"trl", "budget_estimate"}),
        ({"colour": "red"}, {"colour"}),
        ({"sections": [{"criterion": 3, "body": "x"}]}, {"sections"}),
        ({"sections": [{"criterion": 1, "body": "x"}, {"criterion": 1, "body": "y"}]}, {"sections"}),
        ({"summary": "x" * 2001}, {"summary"}),
        # The service's rule: a title of spaces is no title.
        ({"title": "   "}, {"title"}),
    ],
)
def test_a_body_that_is_not_valid_is_refused_naming_its_fields_and_writes_nothing(client, world, body, fields):
    headers = _headers(world)
    challenge = _open_challenge(world)
    proposal = make_proposal(_db, challenge, world["users"]["org_admin"], world["industry"], filled=False)
    other = _open_challenge(world)
    before = _rows()
    for response in (
        client.patch(f"/api/v1/proposals/{proposal.id}", json=body, headers=headers),
        _start(client, other, headers, **body),
    ):
        assert response.status_code == 422, response.get_json()
        error = response.get_json()["error"]
        assert set(error["fields"]) == fields
        assert all(error["fields"].values())
    assert _rows() == before


def test_after_the_deadline_nothing_changes(client, world):
    headers = _headers(world)
    challenge = _open_challenge(world)
    proposal = make_proposal(_db, challenge, world["users"]["org_admin"], world["industry"])
    challenge.closes_at = clock.now() - timedelta(minutes=1)
    closed = _open_challenge(world, opens_at=clock.now() - timedelta(days=9), closes_at=clock.now() - timedelta(days=1))
    before = _rows()
    url = f"/api/v1/proposals/{proposal.id}"
    answers = [
        client.patch(url, json={"title": "Lain"}, headers=headers),
        client.post(f"{url}/submit", headers=headers),
        client.post(f"{url}/withdraw", headers=headers),
        _start(client, closed, headers),
    ]
    assert [answer.status_code for answer in answers] == [409, 409, 409, 409]
    assert "deadline has passed" in answers[1].get_json()["error"]["message"]
    assert "not accepting proposals" in answers[3].get_json()["error"]["message"]
    assert _rows() == before
    assert client.get(url, headers=headers).get_json()["is_open"] is False


def test_a_submission_with_something_missing_is_refused_listing_it(client, world):
    headers = _headers(world)
    challenge = _open_challenge(world)
    proposal_id = _start(client, challenge, headers).get_json()["id"]
    before = _rows()
    response = client.post(f"/api/v1/proposals/{proposal_id}/submit", headers=headers)
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert "Fill in the summary." in message and "Answer the criterion “Kelayakan”." in message
    assert _rows() == before


def test_a_kind_the_challenge_does_not_accept_a_government_and_an_insider_are_refused(client, world):
    no_industry = _open_challenge(world, allow_industry=False)
    before = _rows()
    response = _start(client, no_industry, _headers(world))
    assert response.status_code == 403
    assert "does not accept proposals from industry" in response.get_json()["error"]["message"]
    challenge = _open_challenge(world)
    government = _headers(world, organization="gov_unverified", role="gov_admin_unverified")
    response = _start(client, challenge, government)
    assert response.status_code == 403
    assert "Government organizations" in response.get_json()["error"]["message"]
    # The token's maker is also a member of the challenge's owner.
    factories.add_member(world["gov_verified"], world["users"]["org_admin"])
    _db.session.commit()
    response = _start(client, challenge, _headers(world))
    assert response.status_code == 403
    assert "Members of the organizations that own this challenge" in response.get_json()["error"]["message"]
    assert _rows() == before


def test_one_active_proposal_per_organization_and_a_withdrawn_one_makes_room(client, world):
    headers = _headers(world)
    challenge = _open_challenge(world)
    first = _start(client, challenge, headers).get_json()["id"]
    before = _rows()
    response = _start(client, challenge, headers)
    assert response.status_code == 409
    assert response.headers["Location"] == f"http://localhost/api/v1/proposals/{first}"
    assert _rows() == before
    response = client.post(f"/api/v1/proposals/{first}/withdraw", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "withdrawn"
    assert _db.session.get(Proposal, first).status == ProposalStatus.WITHDRAWN
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.withdrawn"))
    assert "api_token" in event.detail
    assert client.post(f"/api/v1/proposals/{first}/withdraw", headers=headers).status_code == 409
    response = _start(client, challenge, headers)
    assert response.status_code == 201 and response.get_json()["id"] != first


def _write_requests(proposal_id: int, slug: str) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", f"/api/v1/proposals/{proposal_id}", None),
        ("patch", f"/api/v1/proposals/{proposal_id}", {"title": "Lain"}),
        ("post", f"/api/v1/proposals/{proposal_id}/submit", None),
        ("post", f"/api/v1/proposals/{proposal_id}/withdraw", None),
        ("post", f"/api/v1/challenges/{slug}/proposals", {"title": "Lain"}),
    ]


def _statuses(client, proposal_id: int, slug: str, headers: dict) -> list[int]:
    return [
        getattr(client, method)(url, json=body, headers=headers).status_code
        for method, url, body in _write_requests(proposal_id, slug)
    ]


def test_no_token_a_read_token_a_partner_and_another_organization(client, world, login_as):
    challenge = _open_challenge(world)
    proposal = make_proposal(_db, challenge, world["users"]["org_admin"], world["industry"])
    university_owner = factories.make_user(email="rektor@kampus.ac.id", name="Rektor")
    university = factories.make_org(OrgKind.ACADEMIA, owner=university_owner, slug="universitas", name="Universitas")
    accepted_partner(_db, proposal, university_owner, university)
    community_owner = factories.make_user(email="ketua@komunitas.id", name="Ketua")
    community = factories.make_org(OrgKind.COMMUNITY, owner=community_owner, slug="komunitas", name="Komunitas")
    partner = _bearer(university_owner, university)
    stranger = _bearer(community_owner, community)
    read_only = _headers(world, scopes=(Scope.READ,))
    other = _open_challenge(world)
    before = _rows()
    login_as("org_admin")  # a session is not a token
    assert _statuses(client, proposal.id, other.slug, {}) == [401, 401, 401, 401, 401]
    assert _statuses(client, proposal.id, other.slug, read_only) == [200, 403, 403, 403, 403]
    # A partner's organization reads it and changes nothing; another organization finds nothing.
    assert _statuses(client, proposal.id, "no-such-challenge", partner) == [200, 403, 403, 403, 404]
    assert client.get(f"/api/v1/proposals/{proposal.id}", headers=partner).get_json()["role"] == "partner"
    assert _statuses(client, proposal.id, "no-such-challenge", stranger) == [404, 404, 404, 404, 404]
    assert _statuses(client, 999_999, other.slug, read_only)[:1] == [404]
    assert _rows() == before


def test_the_maker_must_still_administer_the_organization_and_lead_the_proposal(client, world):
    headers = _headers(world)
    challenge = _open_challenge(world)
    by_admin = _start(client, challenge, headers).get_json()["id"]
    on_the_site = make_proposal(_db, _open_challenge(world), world["users"]["org_owner"], world["industry"])
    before = _rows()
    response = client.patch(f"/api/v1/proposals/{on_the_site.id}", json={"title": "Lain"}, headers=headers)
    assert response.status_code == 403
    assert "does not lead this proposal" in response.get_json()["error"]["message"]
    membership = _db.session.scalar(
        select(Membership).where(
            Membership.user_id == world["users"]["org_admin"].id, Membership.organization_id == world["industry"].id
        )
    )
    membership.role = MemberRole.MEMBER
    _db.session.commit()
    for url in (f"/api/v1/proposals/{by_admin}/submit", f"/api/v1/proposals/{by_admin}/withdraw"):
        response = client.post(url, headers=headers)
        assert response.status_code == 403
        assert "no longer administers" in response.get_json()["error"]["message"]
    assert _start(client, _open_challenge(world), headers).status_code == 403
    assert _rows() == before


def test_the_operations_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    start = document["paths"]["/api/v1/challenges/{slug}/proposals"]["post"]
    assert start["security"] == [{"token": ["proposals:write"]}]
    assert start["tags"] == ["proposals"]
    assert {"201", "401", "403", "404", "409", "422", "429"} <= set(start["responses"])
    proposal = document["paths"]["/api/v1/proposals/{proposal_id}"]
    assert proposal["get"]["security"] == [{"token": ["read"]}]
    assert proposal["patch"]["security"] == [{"token": ["proposals:write"]}]
    for action in ("submit", "withdraw"):
        assert document["paths"][f"/api/v1/proposals/{{proposal_id}}/{action}"]["post"]["tags"] == ["proposals"]


def test_a_citizens_kind_is_not_the_organizations(client, world):
    """The kind checked is the token's organization's, never the maker's own as a citizen."""
    headers = _headers(world)
    citizens_only = _open_challenge(world, **{f"allow_{kind.value}": kind == SolverKind.CITIZEN for kind in SolverKind})
    assert _start(client, citizens_only, headers).status_code == 403
