"""Proposal fixtures: challenges built through the challenge services, proposals filled and ready to submit."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from goi.challenges import lifecycle as challenge_lifecycle
from goi.challenges import services as challenge_services
from goi.challenges.models import Challenge, SolverKind
from goi.core import clock
from goi.core.mail import OutboxMessage
from goi.orgs.models import MemberRole, OrgKind
from goi.proposals import services
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus, TeamRole
from goi.proposals.submission import submit_proposal
from tests import factories
from tests.conftest import post_form
from tests.orgs import fresh_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INVITE_LINK = re.compile(r"http://localhost(/team-invitations/[A-Za-z0-9_-]+)")


@pytest.fixture
def client(app):
    """A client that starts every request with an empty flask.g, as a real server does."""
    return fresh_client(app)


@pytest.fixture
def make_challenge(db, world):
    """make_challenge(**overrides) -> a published challenge of Pemkot Palembang (verified), committed."""

    def _make(publish: bool = True, **overrides) -> Challenge:
        now = clock.now()
        values = {
            "title": overrides.pop("title", "Banjir di Palembang"),
            "summary": "Kurangi genangan di pusat kota.",
            "problem": "Genangan setelah hujan deras.",
            "sector": "environment",
            "province_code": overrides.pop("province_code", "16"),
            "eligible_kinds": overrides.pop("eligible_kinds", list(SolverKind)),
            "opens_at": overrides.pop("opens_at", now - timedelta(days=1)),
            "closes_at": overrides.pop("closes_at", now + timedelta(days=30)),
            "is_sealed": overrides.pop("is_sealed", True),
            "consortium_required": overrides.pop("consortium_required", False),
        }
        values.update(overrides)
        actor = world["users"]["gov_admin"]
        challenge = challenge_services.create_challenge(actor, world["gov_verified"], values)
        if publish:
            challenge_lifecycle.publish(actor, challenge)
        db.session.commit()
        return challenge

    return _make


def fill(proposal: Proposal, **overrides) -> None:
    """Give a proposal every field submission needs."""
    values = {
        "title": proposal.title,
        "summary": "Sensor genangan dan peringatan dini.",
        "approach": "Sensor **IoT** di 40 titik.",
        "workplan": "1. Survei\n2. Pemasangan",
        "budget_estimate": 1_500_000_000,
        "trl": 6,
        "team_roles": "Ketua tim, insinyur",
        "sections": {criterion.id: f"Jawaban untuk {criterion.name}" for criterion in proposal.challenge.criteria},
    }
    values.update(overrides)
    services.update_proposal(proposal.lead_user, proposal, values)


def make_proposal(db, challenge, lead, organization=None, filled: bool = True, **overrides) -> Proposal:
    title = overrides.pop("title", "Sistem Peringatan Banjir")
    proposal = services.start_proposal(lead, challenge, organization, title)
    if filled:
        fill(proposal, **overrides)
    db.session.commit()
    return proposal


def make_submitted_proposal(db, challenge, lead, organization=None, **overrides) -> Proposal:
    """A filled proposal, submitted (version 1), committed."""
    proposal = make_proposal(db, challenge, lead, organization, **overrides)
    submit_proposal(lead, proposal)
    db.session.commit()
    return proposal


def accepted_partner(db, proposal, user, organization=None) -> TeamMember:
    """A partner who already accepted (rows directly)."""
    member = TeamMember(
        user_id=user.id,
        email=user.email,
        organization=organization,
        role=TeamRole.PARTNER,
        status=TeamMemberStatus.ACCEPTED,
        invited_at=clock.now(),
        accepted_at=clock.now(),
    )
    proposal.members.append(member)
    db.session.commit()
    return member


def proposal_form_data(proposal: Proposal, **overrides) -> dict:
    data = {
        "title": proposal.title,
        "summary": "Ringkasan",
        "approach": "Pendekatan",
        "workplan": "Rencana",
        "budget_estimate": "1000000",
        "trl": "5",
        "team_roles": "Peran",
    }
    for criterion in proposal.challenge.criteria:
        data[f"section_{criterion.id}"] = f"Bagian {criterion.name}"
    data.update(overrides)
    return data


def proposals_of_team(db, challenge, team_key: str) -> list[Proposal]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Proposal).where(Proposal.challenge_id == challenge.id, Proposal.team_key == team_key))
    )


def active_count(db, challenge) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status != ProposalStatus.WITHDRAWN)
    )


def outbox(db, kind: str | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def submit(client, proposal):
    return post_form(client, f"/proposals/{proposal.id}", page=f"/proposals/{proposal.id}")


@pytest.fixture
def solver_orgs(db, world):
    """Extra solver organizations: a community of the plain user, a university, a second company."""
    users = world["users"]
    community = factories.make_org(
        OrgKind.COMMUNITY, owner=users["user"], slug="komunitas-hijau", name="Komunitas Hijau"
    )
    university = factories.make_org(OrgKind.ACADEMIA, slug="univ-sriwijaya", name="Universitas Sriwijaya")
    partner_user = factories.make_user(email="dosen@unsri.ac.id", name="Dosen Unsri")
    factories.add_member(university, partner_user, MemberRole.MEMBER)
    competitor = factories.make_user(email="saingan@example.id", name="Pesaing")
    rival = factories.make_org(OrgKind.INDUSTRY, owner=competitor, slug="pt-saingan", name="PT Saingan")
    db.session.commit()
    return {
        "community": community,
        "university": university,
        "partner_user": partner_user,
        "competitor": competitor,
        "rival": rival,
    }
