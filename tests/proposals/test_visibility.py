"""Sealing: who sees which proposal, its attachments, its receipt and the counts, on every surface."""

import io
from datetime import timedelta

import pytest
from flask import g, render_template
from flask_login import login_user

from goi.core import clock
from goi.proposals import permissions
from tests.conftest import log_in, post_form
from tests.proposals.conftest import PDF, make_proposal, submit


def _submitted(client, db, challenge, lead, organization=None, title="Sistem Peringatan Banjir", attach=True):
    proposal = make_proposal(db, challenge, lead, organization, title=title)
    log_in(client, lead)
    if attach:
        post_form(
            client,
            f"/proposals/{proposal.id}/attachments",
            {"file": (io.BytesIO(PDF), "rencana.pdf")},
            page=f"/proposals/{proposal.id}/edit",
            content_type="multipart/form-data",
        )
    assert submit(client, proposal).status_code == 302
    db.session.expire_all()
    return proposal


def _urls(proposal) -> list[str]:
    urls = [f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/receipt"]
    urls += [f"/proposals/{proposal.id}/attachments/{item.id}" for item in proposal.attachments]
    return urls


def _status(client, url) -> int:
    response = client.get(url)
    response.close()
    return response.status_code


def _panel(app, user, challenge) -> str:
    with app.test_request_context():
        for name in list(g):  # the app context (and flask-login's cached user) outlives each request here
            g.pop(name, None)
        if user is not None:
            login_user(user)
        return render_template("challenges/_proposal_panel.html", challenge=challenge)


def test_sealed_challenge_hides_proposals_from_the_owner_until_the_deadline(app, client, db, make_challenge, world):
    challenge = make_challenge(is_sealed=True)
    proposal = _submitted(client, db, challenge, world["users"]["user"])
    draft = make_proposal(db, challenge, world["users"]["org_admin"], world["industry"], title="Masih Draf")
    owner = world["users"]["gov_admin"]
    log_in(client, owner)
    listing = client.get(f"/challenges/{challenge.slug}/proposals")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert 'id="sealed-notice"' in html
    assert 'id="proposal-count"' not in html and "data-proposal-id" not in html
    assert [_status(client, url) for url in _urls(proposal)] == [404, 404, 404]
    assert 'id="proposal-count"' not in _panel(app, owner, challenge)

    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    html = client.get(f"/challenges/{challenge.slug}/proposals").get_data(as_text=True)
    assert 'id="sealed-notice"' not in html
    assert 'data-count="1"' in html
    assert f'data-proposal-id="{proposal.id}"' in html
    assert f'data-proposal-id="{draft.id}"' not in html
    assert _status(client, f"/proposals/{proposal.id}") == 200
    assert _status(client, f"/proposals/{proposal.id}/attachments/{proposal.attachments[0].id}") == 200
    assert _status(client, f"/proposals/{draft.id}") == 404
    assert 'data-count="1"' in _panel(app, owner, challenge)


@pytest.mark.parametrize("after_deadline", [False, True])
def test_competitor_probing_by_url_gets_404(client, db, make_challenge, world, solver_orgs, after_deadline):
    challenge = make_challenge(is_sealed=False)
    proposal = _submitted(client, db, challenge, world["users"]["user"])
    if after_deadline:
        clock.freeze(challenge.closes_at + timedelta(seconds=1))
    for user in (solver_orgs["competitor"], world["users"]["platform_admin"], world["users"]["org_member"]):
        log_in(client, user)
        assert [_status(client, url) for url in _urls(proposal)] == [404, 404, 404], user.email
        assert _status(client, f"/proposals/{proposal.id}/edit") == 404
        assert _status(client, f"/proposals/{proposal.id}/team") == 404
        assert post_form(client, f"/proposals/{proposal.id}/withdraw", page="/").status_code == 404
    assert _status(client, "/proposals/999999") == 404


def test_anonymous_visitors_are_sent_to_login(client, db, make_challenge, world):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    response = client.get(f"/proposals/{proposal.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unsealed_challenge_shows_submitted_proposals_at_once_but_never_drafts(
    app, client, db, make_challenge, world, solver_orgs
):
    challenge = make_challenge(is_sealed=False)
    proposal = _submitted(client, db, challenge, world["users"]["user"])
    draft = make_proposal(db, challenge, world["users"]["org_admin"], world["industry"], title="Masih Draf")
    withdrawn = _submitted(client, db, challenge, solver_orgs["competitor"], title="Ditarik", attach=False)
    log_in(client, solver_orgs["competitor"])
    post_form(client, f"/proposals/{withdrawn.id}/withdraw", page="/")
    owner = world["users"]["gov_admin"]
    log_in(client, owner)
    html = client.get(f"/challenges/{challenge.slug}/proposals").get_data(as_text=True)
    assert 'data-count="1"' in html
    assert f'data-proposal-id="{proposal.id}"' in html
    assert f'data-proposal-id="{draft.id}"' not in html and f'data-proposal-id="{withdrawn.id}"' not in html
    assert _status(client, f"/proposals/{proposal.id}") == 200
    assert _status(client, f"/proposals/{draft.id}") == 404
    assert _status(client, f"/proposals/{withdrawn.id}") == 404
    assert _status(client, f"/proposals/{proposal.id}/receipt") == 403  # the receipt is the team's
    assert 'data-count="1"' in _panel(app, owner, challenge)


def test_owner_sees_the_submitted_version_not_later_unsubmitted_edits(client, db, make_challenge, world):
    from tests.proposals.conftest import proposal_form_data

    challenge = make_challenge(is_sealed=False)
    lead = world["users"]["user"]
    proposal = _submitted(client, db, challenge, lead, attach=False)
    post_form(client, f"/proposals/{proposal.id}/edit", proposal_form_data(proposal, summary="RAHASIA-BELUM-DIKIRIM"))
    log_in(client, world["users"]["gov_admin"])
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "RAHASIA-BELUM-DIKIRIM" not in html
    assert "Sensor genangan dan peringatan dini." in html


def test_panel_for_each_viewer(app, client, db, make_challenge, world, solver_orgs):
    challenge = make_challenge(is_sealed=True)
    lead = world["users"]["user"]
    proposal = _submitted(client, db, challenge, lead, attach=False)
    lead_panel = _panel(app, lead, challenge)
    assert f"/proposals/{proposal.id}" in lead_panel and 'id="your-proposal"' in lead_panel
    assert 'id="proposal-count"' not in lead_panel
    competitor_panel = _panel(app, solver_orgs["competitor"], challenge)
    assert 'id="start-proposal"' in competitor_panel
    assert 'id="your-proposal"' not in competitor_panel and 'id="proposal-count"' not in competitor_panel
    anonymous_panel = _panel(app, None, challenge)
    assert 'id="start-proposal"' not in anonymous_panel and 'id="proposal-count"' not in anonymous_panel
    for user in (world["users"]["gov_admin"], world["users"]["platform_admin"], lead):
        assert permissions.visible_submitted_count(user, challenge) is None
    clock.freeze(challenge.closes_at + timedelta(seconds=1))
    assert permissions.visible_submitted_count(world["users"]["gov_admin"], challenge) == 1
    assert permissions.visible_submitted_count(solver_orgs["competitor"], challenge) is None
    assert 'id="start-proposal"' not in _panel(app, solver_orgs["competitor"], challenge)


def test_challenge_proposal_list_is_for_managers_only(client, db, make_challenge, world):
    challenge = make_challenge(is_sealed=False)
    for role, expected in (("user", 403), ("org_admin", 403), ("gov_admin_unverified", 403), ("gov_admin", 200)):
        log_in(client, world["users"][role])
        assert _status(client, f"/challenges/{challenge.slug}/proposals") == expected, role


def test_reviewer_hook_grants_nothing_yet(db, make_challenge, world):
    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    assert permissions.is_assigned_reviewer(world["users"]["gov_admin"], proposal) is False


def test_team_recipients_are_lead_and_accepted_partners(db, make_challenge, world, solver_orgs):
    from tests.proposals.conftest import accepted_partner

    challenge = make_challenge()
    proposal = make_proposal(db, challenge, world["users"]["user"])
    accepted_partner(db, proposal, solver_orgs["partner_user"], solver_orgs["university"])
    assert [u.id for u in permissions.team_recipients(proposal)] == [
        world["users"]["user"].id,
        solver_orgs["partner_user"].id,
    ]
