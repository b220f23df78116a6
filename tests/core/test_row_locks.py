"""Row locks: two writers numbering "the maximum + 1" under one parent take turns on PostgreSQL."""

import json
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from goi.accounts.models import User
from goi.challenges.addenda import publish_addendum
from goi.challenges.models import Addendum, Challenge, ChallengeStatus
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalVersion
from goi.proposals.submission import submit_proposal
from tests import database
from tests.challenges import make_challenge
from tests.proposals.conftest import fill, make_proposal

pytestmark = pytest.mark.skipif(
    not database.ON_POSTGRESQL,
    reason="SQLite serializes writers with BEGIN IMMEDIATE, and the in-memory test database has one connection",
)

# How long the second writer is watched for not finishing while the first holds its transaction open.
BLOCKED_FOR = 0.5
TIMEOUT = 10


def _take_turns(app, operation: Callable[[str], int]) -> tuple[int, int | BaseException]:
    """Run operation("first") up to its flush, then operation("second") in another session; commit the first.

    Each runs in a thread with its own app context (so its own session and connection). Returns the first's
    number and the second's number, or the error it raised; asserts the second waited for the first's commit.
    """
    first_flushed, release_first = threading.Event(), threading.Event()
    results: dict[str, int | BaseException] = {}

    def run(name: str, before_commit: Callable[[], None]) -> None:
        with app.app_context():
            try:
                number = operation(name)
                db.session.flush()
                before_commit()
                db.session.commit()
                results[name] = number
            except BaseException as error:  # reported to the test's thread, which asserts on it
                db.session.rollback()
                results[name] = error
            finally:
                first_flushed.set()
                db.session.remove()

    def hold() -> None:
        first_flushed.set()
        release_first.wait(TIMEOUT)

    first = threading.Thread(target=run, args=("first", hold))
    second = threading.Thread(target=run, args=("second", lambda: None))
    first.start()
    assert first_flushed.wait(TIMEOUT)
    second.start()
    second.join(BLOCKED_FOR)
    blocked = second.is_alive()
    release_first.set()
    first.join(TIMEOUT)
    second.join(TIMEOUT)
    assert not first.is_alive() and not second.is_alive()
    assert isinstance(results["first"], int), results["first"]
    assert blocked, "the second writer did not wait for the first to commit"
    return results["first"], results["second"]


def test_simultaneous_addenda_are_numbered_one_and_two(app, world):
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.PUBLISHED)
    db.session.commit()
    actor_id, challenge_id = world["users"]["gov_admin"].id, challenge.id
    weights = {"first": (60, 40), "second": (70, 30)}

    def publish(name: str) -> int:
        actor = db.session.get(User, actor_id)
        own_challenge = db.session.get(Challenge, challenge_id)
        criteria = [
            {"name": "Relevansi", "description": "", "weight": weights[name][0]},
            {"name": "Kelayakan", "description": "", "weight": weights[name][1]},
        ]
        return publish_addendum(actor, own_challenge, f"Bobot {name}", {"criteria": criteria}).number

    assert _take_turns(app, publish) == (1, 2)
    db.session.expire_all()
    addenda = db.session.scalars(select(Addendum).order_by(Addendum.number)).all()
    assert [json.loads(addendum.changes_json)["criteria"] for addendum in addenda] == [
        [[["Relevansi", 50], ["Kelayakan", 50]], [["Relevansi", 60], ["Kelayakan", 40]]],
        [[["Relevansi", 60], ["Kelayakan", 40]], [["Relevansi", 70], ["Kelayakan", 30]]],
    ]
    assert [criterion.weight for criterion in db.session.get(Challenge, challenge_id).criteria] == [70, 30]


def test_a_simultaneous_second_submit_returns_the_first_version(app, world):
    challenge = make_challenge(world["gov_verified"], ChallengeStatus.PUBLISHED)
    db.session.commit()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    submit_proposal(lead, proposal)
    db.session.commit()
    fill(proposal, summary="Sensor genangan, versi kedua.")
    db.session.commit()
    lead_id, proposal_id = lead.id, proposal.id

    def submit(name: str) -> int:
        return submit_proposal(db.session.get(User, lead_id), db.session.get(Proposal, proposal_id)).version

    assert _take_turns(app, submit) == (2, 2)
    db.session.expire_all()
    versions = select(ProposalVersion.version).where(ProposalVersion.proposal_id == proposal_id)
    assert db.session.scalars(versions.order_by(ProposalVersion.version)).all() == [1, 2]
