"""The recommendation pages: who sees them, the reasons shown, dismissing, inviting to apply (once, declinable,
rate-limited) and to co-own a similar challenge; refused input writes nothing and a GET changes nothing."""

import pytest
from sqlalchemy import func, select

from goi.challenges.models import ChallengeCoOwner, ChallengeStatus
from goi.extensions import db
from goi.matching import invitations
from goi.matching.models import ApplyInvitation, CoOwnInvitation, Dismissal, InvitationStatus
from goi.notify.models import Notification
from goi.orgs.models import MemberRole, OrgKind
from tests import factories
from tests.challenges import conftest as challenge_fixtures
from tests.challenges import make_challenge
from tests.conftest import log_in, post_form
from tests.proposals.conftest import make_submitted_proposal

_frozen_clock = challenge_fixtures._frozen_clock
client = challenge_fixtures.client


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def scene(db):
    owner = factories.make_user(email="admin@palembang.go.id", name="Admin Palembang")
    city = factories.make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, slug="kota-palembang", name="Palembang")
    flood = make_challenge(
        city,
        slug="banjir-musi",
        title="Sistem peringatan dini banjir Sungai Musi",
        summary="Peringatan dini banjir berbasis sensor tinggi muka air.",
        sector="water",
    )
    other_owner = factories.make_user(email="admin@banjarmasin.go.id", name="Admin Banjarmasin")
    other_city = factories.make_org(
        OrgKind.GOVERNMENT, owner=other_owner, verified=True, slug="kota-banjarmasin", name="Banjarmasin"
    )
    similar = make_challenge(
        other_city,
        slug="banjir-martapura",
        title="Peringatan dini banjir Sungai Martapura",
        summary="Sensor banjir dan peringatan dini bagi warga bantaran.",
        sector="water",
        province_code="63",
        regency_code="63.71",
    )
    solver = factories.make_user(email="ceo@hidro.id", name="CEO Hidro", expertise="flood early warning")
    company = factories.make_org(
        OrgKind.INDUSTRY,
        owner=solver,
        slug="hidro-sensor",
        name="Hidro Sensor",
        expertise="flood early warning, water level sensors",
        seeking="hydrology research",
        sectors="water",
    )
    member = factories.make_user(email="staff@hidro.id", name="Staf Hidro")
    factories.add_member(company, member, MemberRole.MEMBER)
    university = factories.make_org(
        OrgKind.ACADEMIA,
        slug="lab-hidro",
        name="Lab Hidrologi",
        expertise="hydrology research, flood forecasting",
        seeking="water level sensors",
        sectors="water",
    )
    stranger = factories.make_user(email="orang@example.id", name="Orang Lain")
    db.session.commit()
    return locals()


def test_recommendations_show_reasons_and_a_dismissed_one_never_comes_back(client, scene):
    log_in(client, scene["solver"])

    page = client.get("/account/recommendations").get_data(as_text=True)
    assert "Sistem peringatan dini banjir Sungai Musi" in page
    assert "Sektor" in page or "Sector" in page

    response = post_form(
        client,
        "/recommendations/dismiss",
        {"kind": "challenge", "target": f"challenge:{scene['flood'].id}", "next": "/account/recommendations"},
        page="/account/recommendations",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/recommendations")
    assert _count(Dismissal) == 1
    assert "Sistem peringatan dini banjir Sungai Musi" not in client.get("/account/recommendations").get_data(
        as_text=True
    )


def test_dismissing_needs_csrf_a_valid_target_and_a_post(client, scene):
    log_in(client, scene["solver"])
    target = f"challenge:{scene['flood'].id}"
    assert client.post("/recommendations/dismiss", data={"kind": "challenge", "target": target}).status_code == 400
    bad = post_form(client, "/recommendations/dismiss", {"kind": "challenge", "target": "drop table"})
    assert bad.status_code == 400
    assert post_form(client, "/recommendations/dismiss", {"kind": "anything", "target": target}).status_code == 400
    assert client.get("/recommendations/dismiss").status_code == 405
    assert _count(Dismissal) == 0


def test_solvers_page_is_for_the_challenges_managers_only(client, scene):
    assert client.get("/challenges/banjir-musi/solvers").status_code == 302  # to log in
    log_in(client, scene["stranger"])
    assert client.get("/challenges/banjir-musi/solvers").status_code in (403, 404)
    log_in(client, scene["owner"])
    page = client.get("/challenges/banjir-musi/solvers").get_data(as_text=True)
    assert "Hidro Sensor" in page and "Lab Hidrologi" in page
    assert "Invite to apply" in page or "Undang" in page


def test_an_invitation_to_apply_is_sent_once_told_to_the_managers_and_declinable(client, scene):
    log_in(client, scene["owner"])
    target = f"organization:{scene['company'].id}"
    response = post_form(
        client, "/challenges/banjir-musi/solvers/invite", {"target": target, "message": "Silakan melamar."}
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(ApplyInvitation))
    assert invitation.organization_id == scene["company"].id and invitation.message == "Silakan melamar."
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "apply_invitation")))
    assert told == {scene["solver"].id}  # the managers, not the plain member

    again = post_form(client, "/challenges/banjir-musi/solvers/invite", {"target": target})
    assert again.status_code == 302
    assert _count(ApplyInvitation) == 1

    # A member who is not a manager cannot decline it; the manager can, once.
    log_in(client, scene["member"])
    assert (
        post_form(client, f"/apply-invitations/{invitation.id}/decline", page="/account/invitations").status_code == 404
    )
    log_in(client, scene["solver"])
    assert "Sistem peringatan dini banjir Sungai Musi" in client.get("/account/invitations").get_data(as_text=True)
    post_form(client, f"/apply-invitations/{invitation.id}/decline", page="/account/invitations")
    db.session.refresh(invitation)
    assert invitation.declined_at is not None


def test_inviting_is_refused_for_an_ineligible_kind_and_beyond_the_days_limit(client, scene, monkeypatch):
    flood = scene["flood"]
    flood.allow_academia = False
    db.session.commit()
    log_in(client, scene["owner"])
    post_form(client, "/challenges/banjir-musi/solvers/invite", {"target": f"organization:{scene['university'].id}"})
    assert _count(ApplyInvitation) == 0

    monkeypatch.setattr(invitations, "APPLY_PER_DAY", 1)
    post_form(client, "/challenges/banjir-musi/solvers/invite", {"target": f"organization:{scene['company'].id}"})
    assert _count(ApplyInvitation) == 1
    person = factories.make_user(name="Ahli", is_public_profile=True)
    db.session.commit()
    response = post_form(client, "/challenges/banjir-musi/solvers/invite", {"target": f"user:{person.id}"})
    assert response.status_code == 302
    assert _count(ApplyInvitation) == 1
    # Someone who is not a manager of the challenge cannot invite at all.
    log_in(client, scene["solver"])
    status = post_form(
        client, "/challenges/banjir-musi/solvers/invite", {"target": f"user:{person.id}"}, page="/"
    ).status_code
    assert status in (403, 404)
    assert _count(ApplyInvitation) == 1


def test_a_challenge_page_shows_similar_challenges_and_its_owner_invites_one_to_co_own(client, scene):
    page = client.get("/challenges/banjir-musi").get_data(as_text=True)
    assert "Peringatan dini banjir Sungai Martapura" in page
    assert "co-owners/invite" not in page  # no form for an anonymous visitor: the public page stays cacheable

    log_in(client, scene["owner"])
    page = client.get("/challenges/banjir-musi").get_data(as_text=True)
    assert 'action="/challenges/banjir-musi/co-owners/invite"' in page
    response = post_form(
        client,
        "/challenges/banjir-musi/co-owners/invite",
        {"organization_id": scene["other_city"].id, "similar_id": scene["similar"].id},
        page="/challenges/banjir-musi",
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(CoOwnInvitation))
    assert invitation.status == InvitationStatus.PENDING
    assert db.session.scalar(select(Notification.user_id).where(Notification.kind == "co_own_invitation")) == (
        scene["other_owner"].id
    )

    # Only the invited government's managers answer; accepting makes it a co-owner.
    assert post_form(client, f"/co-own-invitations/{invitation.id}/accept").status_code == 404
    log_in(client, scene["other_owner"])
    post_form(client, f"/co-own-invitations/{invitation.id}/accept", page="/account/invitations")
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert (
        db.session.scalar(
            select(ChallengeCoOwner.organization_id).where(ChallengeCoOwner.challenge_id == scene["flood"].id)
        )
        == scene["other_city"].id
    )


def test_a_logged_in_visitor_dismisses_a_similar_challenge_and_it_never_comes_back(client, scene):
    anonymous = client.get("/challenges/banjir-musi").get_data(as_text=True)
    assert "Peringatan dini banjir Sungai Martapura" in anonymous
    assert "/recommendations/dismiss" not in anonymous  # the anonymous page holds no form, so it stays cacheable

    log_in(client, scene["solver"])
    page = client.get("/challenges/banjir-musi").get_data(as_text=True)
    assert 'action="/recommendations/dismiss"' in page and f'value="challenge:{scene["similar"].id}"' in page
    response = post_form(
        client,
        "/recommendations/dismiss",
        {
            "kind": "similar",
            "target": f"challenge:{scene['similar'].id}",
            "context": f"challenge:{scene['flood'].id}",
            "next": "/challenges/banjir-musi#similar",
        },
        page="/challenges/banjir-musi",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/challenges/banjir-musi#similar")
    assert _count(Dismissal) == 1
    assert "Peringatan dini banjir Sungai Martapura" not in client.get("/challenges/banjir-musi").get_data(as_text=True)
    # Only for that viewer and on that challenge's page: the government's own admin still sees it.
    log_in(client, scene["owner"])
    assert "Peringatan dini banjir Sungai Martapura" in client.get("/challenges/banjir-musi").get_data(as_text=True)


def test_co_owning_is_refused_for_a_non_government_and_a_closed_challenge(client, scene):
    log_in(client, scene["owner"])
    post_form(client, "/challenges/banjir-musi/co-owners/invite", {"organization_id": scene["company"].id}, page="/")
    assert _count(CoOwnInvitation) == 0
    scene["flood"].status = ChallengeStatus.CLOSED
    db.session.commit()
    post_form(client, "/challenges/banjir-musi/co-owners/invite", {"organization_id": scene["other_city"].id}, page="/")
    assert _count(CoOwnInvitation) == 0


def test_partners_page_is_for_members_and_suggests_complementary_organizations(client, scene):
    assert client.get("/orgs/hidro-sensor/partners").status_code == 302
    log_in(client, scene["stranger"])
    assert client.get("/orgs/hidro-sensor/partners").status_code == 403
    log_in(client, scene["member"])
    page = client.get("/orgs/hidro-sensor/partners?challenge=banjir-musi").get_data(as_text=True)
    assert "Lab Hidrologi" in page
    assert "/introductions/new?organization=lab-hidro" in page
    assert client.get("/orgs/hidro-sensor/partners?challenge=no-such").status_code == 404


def test_the_solver_dashboard_shows_the_best_recommended_challenges(client, scene):
    log_in(client, scene["solver"])
    page = client.get("/account/proposals").get_data(as_text=True)
    assert 'id="recommended-heading"' in page
    assert "Sistem peringatan dini banjir Sungai Musi" in page.split('id="recommended-heading"')[1]

    log_in(client, scene["stranger"])  # no profile, no organization: told how to get recommendations
    page = client.get("/account/proposals").get_data(as_text=True)
    section = page.split('id="recommended-heading"')[1]
    assert "Sistem peringatan dini banjir Sungai Musi" not in section
    assert "/account/profile" in section


def test_suggested_reviewers_fit_have_no_conflict_show_their_load_and_can_be_invited(client, scene):
    from goi.reviews.models import PanelMember

    expert = factories.make_user(
        email="ahli@unsri.ac.id", name="Ahli Hidrologi", is_public_profile=True, expertise="flood early warning"
    )
    factories.make_user(email="kopi@example.id", name="Ahli Kopi", is_public_profile=True, expertise="coffee")
    # On the team of a submitted proposal: a conflict, never suggested, however well the expertise fits.
    scene["solver"].is_public_profile = True
    db.session.commit()
    make_submitted_proposal(db, scene["flood"], scene["solver"])
    log_in(client, scene["stranger"])
    assert client.get("/challenges/banjir-musi/review/suggested-reviewers").status_code == 403
    log_in(client, scene["owner"])
    page = client.get("/challenges/banjir-musi/review/suggested-reviewers").get_data(as_text=True)
    assert "Ahli Hidrologi" in page and "Ahli Kopi" not in page
    assert "CEO Hidro" not in page
    assert "0 open assignments" in page or "0 penugasan aktif" in page

    post_form(
        client,
        "/challenges/banjir-musi/review/suggested-reviewers/invite",
        {"user_id": expert.id},
        page="/challenges/banjir-musi/review/suggested-reviewers",
    )
    member = db.session.scalar(select(PanelMember).where(PanelMember.challenge_id == scene["flood"].id))
    assert member is not None and member.email == "ahli@unsri.ac.id"
    page = client.get("/challenges/banjir-musi/review/suggested-reviewers").get_data(as_text=True)
    assert "Ahli Hidrologi" not in page.split("<h1")[1]  # on the panel now (the flashed message names them)
