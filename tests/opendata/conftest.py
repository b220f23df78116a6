"""Open data fixtures: the challenge tests' stopped clock, a client with a fresh flask.g per request, and a small
known set of public and hidden things of every dataset."""

from datetime import timedelta

import pytest

from goi.challenges.models import ChallengeOutcome, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import Offer, OfferKind
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews.models import AwardLabel, ChallengeResult, ResultEntry
from tests import factories
from tests.challenges import make_challenge
from tests.challenges.conftest import _frozen_clock  # noqa: F401 (autouse: the challenge tests' stopped clock)
from tests.orgs import fresh_client


@pytest.fixture
def client(app):
    return fresh_client(app)


def _proposal(challenge, lead, title: str, status: ProposalStatus, organization=None) -> Proposal:
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_user_id=lead.id,
        organization_id=organization.id if organization else None,
        team_key=f"user:{lead.id}:{title}",
        title=title,
        summary=f"Ringkasan {title}",
        status=status,
        submitted_at=clock.now(),
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


@pytest.fixture
def scene(world):
    """Palembang's published challenge in Ogan Ilir (code 16.10), a draft, a decided challenge with published results
    naming a submitted and a withdrawn proposal, and a live, a hidden and an expired offer of PT Industri."""
    palembang, industry = world["gov_verified"], world["industry"]
    palembang.province_code, palembang.regency_code = "16", "16.10"
    published = make_challenge(
        palembang,
        slug="banjir-ogan-ilir",
        title="Banjir Ogan Ilir",
        regency_code="16.10",
        problem_html="<p>Banjir <strong>rutin</strong> &amp; parah.</p><p>Musim hujan.</p>",
        sdg_numbers="6,11",
        budget_min=1500000000,
    )
    make_challenge(palembang, ChallengeStatus.DRAFT, slug="draf-rahasia", title="Draf Rahasia")
    decided = make_challenge(
        palembang,
        ChallengeStatus.DECIDED,
        slug="sampah-palembang",
        title="Sampah Palembang",
        outcome=ChallengeOutcome.AWARDED,
    )
    lead = factories.make_user(name="Ketua Tim")
    quitter = factories.make_user(name="Yang Mundur")
    winner = _proposal(decided, lead, "Pemilah Sampah Pintar", ProposalStatus.SUBMITTED, organization=industry)
    withdrawn = _proposal(decided, quitter, "Usulan Ditarik", ProposalStatus.WITHDRAWN)
    result = ChallengeResult(challenge_id=decided.id, summary_source="x", summary_html="<p>Satu <em>pemenang</em>.</p>")
    result.entries = [
        ResultEntry(proposal_id=winner.id, award=AwardLabel.WINNER, position=1, citation="Murah dan siap."),
        ResultEntry(proposal_id=withdrawn.id, award=AwardLabel.SHORTLISTED, position=2, citation=""),
    ]
    db.session.add(result)
    today = clock.now().date()
    for title, is_public, expires_on in (
        ("Sensor Air Terbuka", True, today + timedelta(days=30)),
        ("Penawaran Tersembunyi", False, today + timedelta(days=30)),
        ("Penawaran Kedaluwarsa", True, today - timedelta(days=2)),
    ):
        db.session.add(
            Offer(
                organization=industry,
                kind=OfferKind.TECHNOLOGY_OFFER,
                title=title,
                description=f"Deskripsi {title}",
                sector="water",
                province_code="16",
                regency_code="16.10",
                is_public=is_public,
                expires_on=expires_on,
            )
        )
    db.session.commit()
    return {"published": published, "decided": decided, "world": world}
