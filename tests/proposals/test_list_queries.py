"""The proposal lists issue the same number of queries with 3 proposals as with 30."""

from datetime import timedelta

from goi.core import clock
from goi.proposals.submission import submit_proposal
from tests import factories
from tests.conftest import count_statements, log_in
from tests.proposals.conftest import make_proposal


def _add_submitted(db, challenge, leads) -> None:
    for lead in leads:
        submit_proposal(lead, make_proposal(db, challenge, lead, title=f"Usulan {lead.email}"))
    db.session.commit()
    db.session.expire_all()


def test_the_owners_list_issues_as_many_queries_for_30_proposals_as_for_3(client, db, make_challenge, world):
    challenge = make_challenge(is_sealed=False)
    leads = [factories.make_user(f"tim{number}@example.id") for number in range(30)]
    owner = world["users"]["gov_admin"]
    url = f"/challenges/{challenge.slug}/proposals"
    _add_submitted(db, challenge, leads[:3])
    log_in(client, owner)
    few = count_statements(client, url)
    assert client.get(url).get_data(as_text=True).count("data-proposal-id") == 3
    _add_submitted(db, challenge, leads[3:])
    assert client.get(url).get_data(as_text=True).count("data-proposal-id") == 30
    assert count_statements(client, url) == few


def test_my_proposals_issues_as_many_queries_for_30_proposals_as_for_3(client, db, make_challenge, world):
    lead = world["users"]["user"]
    challenges = [
        make_challenge(title=f"Tantangan {number}", closes_at=clock.now() + timedelta(days=number + 1))
        for number in range(30)
    ]
    for challenge in challenges[:3]:
        make_proposal(db, challenge, lead, title=f"Usulan {challenge.id}")
    db.session.expire_all()
    log_in(client, lead)
    few = count_statements(client, "/account/proposals")
    for challenge in challenges[3:]:
        make_proposal(db, challenge, lead, title=f"Usulan {challenge.id}")
    db.session.expire_all()
    # Twenty a page, the nearest deadline first.
    html = "".join(client.get(f"/account/proposals?page={page}").get_data(as_text=True) for page in (1, 2))
    assert all(f"Usulan {challenge.id}" in html for challenge in challenges)
    assert count_statements(client, "/account/proposals") == few
