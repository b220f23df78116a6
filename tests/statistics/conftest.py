"""Statistics fixtures: the challenge tests' stopped clock, a fresh client, and a small platform with known figures.

NOW is 2026-11-01 00:00 UTC (07:00 in western Indonesia). The platform:

| challenge | owner | state | sector | sealed | proposals submitted | published | results |
|---|---|---|---|---|---|---|---|
| sealed-open | Palembang | open, 1,000,000,000 | water | yes | 2 (hidden) | NOW − 10 d | |
| closed | Palembang | closed, 300,000,000 | health | yes, past | 3 (+1 draft, 1 withdrawn) | NOW − 40 d | |
| decided-denpasar | Denpasar | decided | transportation | yes, past | 1 | NOW − 60 d | NOW − 30 d |
| decided-palembang | Palembang (Denpasar co-owns) | decided | water | yes, past | 0 | NOW − 100 d | NOW − 90 d |
| unsealed-open | Palembang | open, from 200,000,000 | water | no | 1 | NOW − 3 h | |
| whole-area | Palembang, for Patungraya Agung | open | water | yes | 0 | NOW − 400 d | |
| draft | Palembang | draft, 9,000,000,000 | energy | | 1 | | |
"""

from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeCoOwner, ChallengeStatus
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus, TeamRole
from goi.reviews.models import ChallengeResult
from tests import factories
from tests.challenges import NOW, make_challenge
from tests.challenges.conftest import _frozen_clock  # noqa: F401 (autouse: the challenge tests' stopped clock)
from tests.orgs import fresh_client


@pytest.fixture
def client(app):
    return fresh_client(app)


def add_proposal(challenge, lead, organization=None, status=ProposalStatus.SUBMITTED, submitted_at=None, partner=None):
    """A proposal of lead (for organization, else alone), with partner (an organization) accepted in its team."""
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_user_id=lead.id,
        organization_id=organization.id if organization else None,
        team_key=f"org:{organization.id}" if organization else f"user:{lead.id}",
        title="Usulan",
        status=status,
        submitted_at=submitted_at if status == ProposalStatus.SUBMITTED else None,
    )
    proposal.members.append(
        TeamMember(
            user_id=lead.id,
            email=lead.email,
            organization_id=organization.id if organization else None,
            role=TeamRole.LEAD,
            status=TeamMemberStatus.ACCEPTED,
        )
    )
    if partner is not None:
        proposal.members.append(
            TeamMember(
                email=f"partner-{partner.slug}-{challenge.id}@example.id",
                organization_id=partner.id,
                role=TeamRole.PARTNER,
                status=TeamMemberStatus.ACCEPTED,
            )
        )
    db.session.add(proposal)
    db.session.flush()
    return proposal


@pytest.fixture
def people(world):
    return [factories.make_user(email=f"solver{number}@example.id", name=f"Solver {number}") for number in range(8)]


@pytest.fixture
def platform(world, people):
    palembang = world["gov_verified"]
    palembang.province_code, palembang.regency_code = "16", "16.71"
    industry = world["industry"]
    denpasar = factories.make_org(
        OrgKind.GOVERNMENT,
        slug="pemkot-denpasar",
        name="Pemkot Denpasar",
        province_code="51",
        regency_code="51.71",
        verified=True,
    )
    campus = factories.make_org(OrgKind.ACADEMIA, slug="kampus", name="Universitas Sriwijaya")
    community = factories.make_org(OrgKind.COMMUNITY, slug="komunitas", name="Komunitas Musi")
    challenges = {
        "sealed-open": make_challenge(
            palembang,
            slug="sealed-open",
            sector="water",
            budget_max=1_000_000_000,
            published_at=NOW - timedelta(days=10),
        ),
        "closed": make_challenge(
            palembang,
            ChallengeStatus.CLOSED,
            slug="closed",
            sector="health",
            budget_max=300_000_000,
            opens_at=NOW - timedelta(days=40),
            closes_at=NOW - timedelta(days=2),
            published_at=NOW - timedelta(days=40),
        ),
        "decided-denpasar": make_challenge(
            denpasar,
            ChallengeStatus.DECIDED,
            slug="decided-denpasar",
            sector="transportation",
            province_code="51",
            regency_code="51.71",
            timezone="Asia/Makassar",
            opens_at=NOW - timedelta(days=60),
            closes_at=NOW - timedelta(days=45),
            published_at=NOW - timedelta(days=60),
        ),
        "decided-palembang": make_challenge(
            palembang,
            ChallengeStatus.DECIDED,
            slug="decided-palembang",
            sector="water",
            opens_at=NOW - timedelta(days=100),
            closes_at=NOW - timedelta(days=95),
            published_at=NOW - timedelta(days=100),
        ),
        "unsealed-open": make_challenge(
            palembang,
            slug="unsealed-open",
            sector="water",
            is_sealed=False,
            budget_min=200_000_000,
            published_at=NOW - timedelta(hours=3),
        ),
        "whole-area": make_challenge(
            palembang,
            slug="whole-area",
            sector="water",
            province_code=None,
            regency_code=None,
            metro_code="patungraya-agung",
            published_at=NOW - timedelta(days=400),
        ),
        "draft": make_challenge(
            palembang, ChallengeStatus.DRAFT, slug="draft", sector="energy", budget_max=9_000_000_000
        ),
    }
    db.session.add(ChallengeCoOwner(challenge=challenges["decided-palembang"], organization=denpasar))
    at = NOW - timedelta(days=5)
    add_proposal(challenges["sealed-open"], people[0], industry, submitted_at=NOW - timedelta(days=1))
    add_proposal(challenges["sealed-open"], people[1], submitted_at=NOW - timedelta(days=1))
    add_proposal(challenges["closed"], people[2], industry, submitted_at=at, partner=campus)
    add_proposal(challenges["closed"], people[3], submitted_at=at)
    add_proposal(challenges["closed"], people[4], campus, submitted_at=at)
    add_proposal(challenges["closed"], people[5], status=ProposalStatus.DRAFT)
    add_proposal(challenges["closed"], people[6], status=ProposalStatus.WITHDRAWN)
    add_proposal(challenges["decided-denpasar"], people[0], community, submitted_at=NOW - timedelta(days=50))
    add_proposal(challenges["unsealed-open"], people[7], submitted_at=NOW - timedelta(hours=1))
    add_proposal(challenges["draft"], people[1], industry, submitted_at=at)
    db.session.add_all(
        [
            ChallengeResult(challenge_id=challenges["decided-denpasar"].id, published_at=NOW - timedelta(days=30)),
            ChallengeResult(challenge_id=challenges["decided-palembang"].id, published_at=NOW - timedelta(days=90)),
        ]
    )
    db.session.commit()
    return {"challenges": challenges, "palembang": palembang, "denpasar": denpasar, "industry": industry}
