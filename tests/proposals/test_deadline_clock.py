"""A change allowed just before the deadline is stored at the moment it was checked, not a later one."""

from datetime import timedelta

import pytest

from goi.core import clock
from goi.proposals.models import Proposal, ProposalStatus
from tests.conftest import csrf_token_from, log_in
from tests.proposals.conftest import make_proposal, proposal_form_data


def _past_the_deadline_after_the_first_reading(monkeypatch, closes_at) -> None:
    # The request's first reading is a millisecond before the deadline; every later reading is past it.
    readings = iter([closes_at - timedelta(milliseconds=1)])
    monkeypatch.setattr(clock, "system_time", lambda: next(readings, closes_at + timedelta(minutes=5)))


@pytest.mark.parametrize("action", ["edit", "submit"])
def test_a_change_checked_before_the_deadline_is_stored_before_it(
    client, db, make_challenge, world, monkeypatch, action
):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead)
    closes_at, proposal_id = challenge.closes_at, proposal.id
    log_in(client, lead)
    page = f"/proposals/{proposal_id}/edit" if action == "edit" else f"/proposals/{proposal_id}"
    data = proposal_form_data(proposal, summary="Diubah tepat sebelum tenggat") if action == "edit" else {}
    data["csrf_token"] = csrf_token_from(client.get(page).get_data(as_text=True))
    db.session.commit()

    _past_the_deadline_after_the_first_reading(monkeypatch, closes_at)
    response = client.post(f"/proposals/{proposal_id}" + ("/edit" if action == "edit" else ""), data=data)
    assert response.status_code == 302

    db.session.expire_all()
    stored = db.session.get(Proposal, proposal_id)
    if action == "edit":
        assert stored.summary == "Diubah tepat sebelum tenggat"
        assert stored.updated_at <= closes_at
    else:
        assert stored.status == ProposalStatus.SUBMITTED
        assert stored.submitted_at <= closes_at and stored.versions[-1].submitted_at <= closes_at
