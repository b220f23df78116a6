"""Search fixtures: a published challenge, its owner and a competitor, with the index beside the test database."""

from datetime import timedelta

import pytest

from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.orgs.models import OrgKind
from goi.proposals.models import Proposal, ProposalStatus
from goi.search import service
from tests import factories


def make_challenge(owner_org, title="Mengurangi kemacetan lalu lintas", status=ChallengeStatus.PUBLISHED, **fields):
    now = clock.now()
    number = next(factories._sequence)
    challenge = Challenge(
        slug=fields.pop("slug", f"tantangan-{number}"),
        owner_org_id=owner_org.id,
        title=title,
        summary=fields.pop("summary", "Ringkasan tantangan kota"),
        problem_html=fields.pop("problem_html", "<p>Masalah kota.</p>"),
        sector=fields.pop("sector", "mobility"),
        opens_at=fields.pop("opens_at", now - timedelta(days=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=10)),
        status=status,
        **fields,
    )
    db.session.add(challenge)
    db.session.flush()
    return challenge


def make_proposal(challenge, lead, title="Usulan kami", status=ProposalStatus.DRAFT, **fields):
    proposal = Proposal(
        challenge_id=challenge.id,
        lead_user_id=lead.id,
        team_key=f"user:{lead.id}",
        title=title,
        status=status,
        submitted_at=clock.now() if status == ProposalStatus.SUBMITTED else None,
        **fields,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


@pytest.fixture
def people(db):
    """An owner (admin of a verified city), a competitor solver and an outsider, committed."""
    owner = factories.make_user(email="owner@kota.go.id", name="Admin Kota")
    city = factories.make_org(OrgKind.GOVERNMENT, owner=owner, verified=True, name="Pemerintah Kota Surakarta")
    solver = factories.make_user(email="solver@startup.id", name="Solver Satu")
    competitor = factories.make_user(email="rival@startup.id", name="Solver Dua")
    outsider = factories.make_user(email="warga@example.id", name="Warga")
    db.session.commit()
    return {"owner": owner, "city": city, "solver": solver, "competitor": competitor, "outsider": outsider}


def found_ids(user, text, doc_type=None):
    results = service.search(user, text, types=(doc_type,) if doc_type else ())
    # apply_pending, check and rebuild use a connection of their own: leave no transaction open (as a request
    # would not), or the in-memory test database, which has a single connection, refuses their BEGIN.
    db.session.rollback()
    return {(hit.type, hit.object_id) for hit in results.hits}
