"""The places where a solver got stuck: submitting, the edit page, attachments, the draft view, "submit as"."""

import io
import re

from goi.orgs.models import OrgKind
from goi.proposals.models import ProposalStatus
from tests import factories
from tests.conftest import log_in, post_form
from tests.proposals.conftest import PDF, make_proposal, proposal_form_data, submit


def logged_in_lead(client, db, make_challenge, world, **fields):
    """A filled draft of the plain user on a new challenge, that user logged in."""
    lead = world["users"]["user"]
    proposal = make_proposal(db, make_challenge(), lead, **fields)
    log_in(client, lead)
    return proposal


def _problems(html: str) -> list[str]:
    box = html[html.index('id="submission-problems"') :]
    box = box[: box.index("</div>")]
    return re.findall(r"<li>(.*?)</li>", box)


def test_a_refused_submission_stays_at_the_proposals_address_listing_each_problem_apart(
    client, db, make_challenge, world
):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead, filled=False)
    log_in(client, lead)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    # The submit button posts to the page's own address, so a refusal is shown there.
    assert f'<form method="post" action="/proposals/{proposal.id}" class="d-inline">' in page
    response = submit(client, proposal)
    assert response.status_code == 422
    problems = _problems(response.get_data(as_text=True))
    assert len(problems) >= 3 and all("  " not in problem and ". " not in problem.strip(". ") for problem in problems)
    db.session.refresh(proposal)
    assert proposal.status == ProposalStatus.DRAFT


def test_the_edit_page_saves_and_submits_in_one_step(client, db, make_challenge, world):
    proposal = logged_in_lead(client, db, make_challenge, world)
    page = f"/proposals/{proposal.id}/edit"
    assert 'id="save-and-submit"' in client.get(page).get_data(as_text=True)
    data = proposal_form_data(proposal, summary="Ringkasan terakhir.", then="submit")
    response = post_form(client, page, data)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}/receipt")
    db.session.refresh(proposal)
    assert (proposal.status, proposal.summary) == (ProposalStatus.SUBMITTED, "Ringkasan terakhir.")


def test_save_and_submit_keeps_what_was_saved_when_something_is_missing(client, db, make_challenge, world):
    proposal = logged_in_lead(client, db, make_challenge, world)
    page = f"/proposals/{proposal.id}/edit"
    response = post_form(
        client, page, proposal_form_data(proposal, summary="", approach="Pendekatan baru.", then="submit")
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    db.session.refresh(proposal)
    assert (proposal.status, proposal.approach_source) == (ProposalStatus.DRAFT, "Pendekatan baru.")
    shown = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert len(_problems(shown)) == 1 and "Lengkapi ringkasan" in _problems(shown)[0]


def test_attachments_are_added_and_removed_from_the_proposal_page(client, db, make_challenge, world):
    proposal = logged_in_lead(client, db, make_challenge, world)
    page = f"/proposals/{proposal.id}"
    html = client.get(page).get_data(as_text=True)
    assert f'action="/proposals/{proposal.id}/attachments"' in html and 'name="return_to" value="show"' in html
    response = post_form(
        client,
        f"/proposals/{proposal.id}/attachments",
        {"file": (io.BytesIO(PDF), "rencana.pdf"), "return_to": "show"},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert "rencana.pdf" in client.get(page).get_data(as_text=True)
    refused = post_form(
        client,
        f"/proposals/{proposal.id}/attachments",
        {"file": (io.BytesIO(b"not a pdf"), "rencana.exe"), "return_to": "show"},
        page=page,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and 'id="proposal-outcome"' not in refused.get_data(as_text=True)
    assert 'name="return_to" value="show"' in refused.get_data(as_text=True)


def test_the_draft_view_shows_no_empty_headings(client, db, make_challenge, world):
    challenge = make_challenge()
    lead = world["users"]["user"]
    proposal = make_proposal(db, challenge, lead, filled=False)
    log_in(client, lead)
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'id="approach-heading"' not in html and 'id="workplan-heading"' not in html
    for criterion in challenge.criteria:
        assert f'<h2 class="h5">{criterion.name}</h2>' not in html
    assert 'id="nothing-written"' in html


def _choices(html: str) -> list[tuple[str, str, bool]]:
    select = html[html.index('name="team"') : html.index("</select>", html.index('name="team"'))]
    return [
        (value, label, bool(selected))
        for selected, value, label in re.findall(r'<option (selected )?value="([^"]*)">([^<]*)</option>', select)
    ]


def test_submit_as_offers_only_allowed_teams_and_defaults_to_the_users_organization(client, db, make_challenge, world):
    challenge = make_challenge()
    log_in(client, world["users"]["org_owner"])  # the owner of PT Industri
    choices = _choices(client.get(f"/challenges/{challenge.slug}/proposals/new").get_data(as_text=True))
    assert choices[0] == (str(world["industry"].id), "PT Industri", True)
    assert [value for value, _label, _selected in choices] == [str(world["industry"].id), "solo"]


def test_a_government_official_is_not_offered_the_government(client, db, make_challenge, world):
    challenge = make_challenge()
    official = world["users"]["gov_admin_unverified"]  # admin of Pemkot Makassar, not an owner of the challenge
    log_in(client, official)
    choices = _choices(client.get(f"/challenges/{challenge.slug}/proposals/new").get_data(as_text=True))
    assert [value for value, _label, _selected in choices] == ["solo"]
    # A challenge that takes no individuals leaves the official nothing: said instead of a form that refuses.
    companies_only = make_challenge(title="Hanya industri", eligible_kinds=["industry"])
    response = client.get(f"/challenges/{companies_only.slug}/proposals/new")
    html = response.get_data(as_text=True)
    assert 'id="no-eligible-team"' in html and 'name="team"' not in html


def test_an_organization_of_a_kind_the_challenge_refuses_is_not_offered(client, db, make_challenge, world):
    challenge = make_challenge(title="Hanya akademisi", eligible_kinds=["academia"])
    university = factories.make_org(OrgKind.ACADEMIA, owner=world["users"]["org_owner"], slug="univ-sriwijaya")
    db.session.commit()
    log_in(client, world["users"]["org_owner"])
    choices = _choices(client.get(f"/challenges/{challenge.slug}/proposals/new").get_data(as_text=True))
    assert [value for value, _label, _selected in choices] == [str(university.id)]
