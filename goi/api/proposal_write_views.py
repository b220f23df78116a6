"""A solver organization's own system works on its proposals with a token of proposals:write: starts a draft, edits
it, submits and withdraws it, under the site's rules (goi.api.proposal_writes); a read token reads them."""

from flask import g, url_for
from flask_babel import gettext as _

from goi.api import tokens
from goi.api.challenge_reads import public_challenge
from goi.api.challenge_write_views import write_operation, written
from goi.api.models import Scope
from goi.api.operations import error_response, operation
from goi.api.proposal_writes import (
    ProposalChangesSchema,
    ProposalInputSchema,
    ProposalSchema,
    acting_maker,
    changed_values,
    led_proposal,
    proposal_detail,
    proposal_refusals,
    section_bodies,
    visible_proposal,
)
from goi.api.views import _token_limit, bp
from goi.extensions import limiter
from goi.proposals import services, submission

READ_TOKEN = tokens.token_rule(Scope.READ)


def _proposal_write(path: str, summary: str, **options):
    return write_operation(
        path, summary, scope=Scope.PROPOSALS_WRITE, tag="proposals", response=ProposalSchema, **options
    )


def _location(proposal_id: int) -> str:
    return url_for("api.proposal", proposal_id=proposal_id, _external=True)


@_proposal_write("/challenges/<slug>/proposals", "Start a proposal", body=ProposalInputSchema, status=201)
def start_proposal(slug: str, data: dict):
    """A draft proposal of the token's organization for an open challenge, under the site's rules: the challenge
    accepts the organization's kind of solver (403 otherwise), members of its owners do not propose (403), one active
    proposal per organization and challenge (409, with that proposal's address in `Location`). The other fields of
    the proposal form may come at once. Answers the proposal and its address in `Location`."""
    challenge = public_challenge(slug)
    actor = acting_maker()
    organization = g.api_token.organization
    sections = section_bodies(challenge, data.get("sections", []))
    existing = services.active_proposal_for_team(challenge, services.team_key_for(actor, organization))
    with proposal_refusals():
        proposal = services.start_proposal(actor, challenge, organization, data["title"])
        if existing is None and len(data) > 1:
            services.update_proposal(actor, proposal, changed_values(proposal, data, sections))
    if existing is not None:
        # The site takes its team there; an API says so, and where it is.
        response = error_response(409, _("Your organization already has an active proposal for this challenge."))
        response.headers["Location"] = _location(existing.id)
        return response
    answer = written(proposal_detail(proposal, "lead"), 201)
    answer.headers["Location"] = _location(proposal.id)
    return answer


@operation(
    bp,
    "/proposals/<int:proposal_id>",
    READ_TOKEN,
    summary="A proposal",
    tag="proposals",
    response=ProposalSchema,
    scope=Scope.READ.value,
)
@limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")
def proposal(proposal_id: int):
    """A proposal the token's organization leads or is an accepted partner of (any other: 404), as the site shows it
    to its team: its live content (Markdown as source and HTML), state, last submitted version, and what stops its
    submission. Never its review."""
    found, role = visible_proposal(proposal_id)
    return proposal_detail(found, role)


@_proposal_write("/proposals/<int:proposal_id>", "Update a proposal", method="PATCH", body=ProposalChangesSchema)
def update_proposal(proposal_id: int, data: dict):
    """Change the fields of the site's proposal form: what is sent changes, the rest stays; `sections` answer the
    challenge's criteria by position. Only while the call is open (409 after the deadline); a submitted proposal
    stays submitted, its changes to be submitted again. Only its lead organization's token (a partner's: 403)."""
    found, actor = led_proposal(proposal_id)
    sections = section_bodies(found.challenge, data.get("sections", []))
    with proposal_refusals():
        services.update_proposal(actor, found, changed_values(found, data, sections))
    return written(proposal_detail(found, "lead"))


@_proposal_write("/proposals/<int:proposal_id>/submit", "Submit a proposal")
def submit_proposal(proposal_id: int):
    """Submit what is saved as a new version with its receipt hash, as on the site: a 409 when the deadline has
    passed or something stops it (the message lists each, as `problems` in the proposal does). Submitting again
    with nothing changed records no new version."""
    found, actor = led_proposal(proposal_id)
    with proposal_refusals():
        submission.submit_proposal(actor, found)
    return written(proposal_detail(found, "lead"))


@_proposal_write("/proposals/<int:proposal_id>/withdraw", "Withdraw a proposal")
def withdraw_proposal(proposal_id: int):
    """Withdraw the proposal while the call is open (a withdrawn one may be submitted again before the deadline);
    a 409 after the deadline or when it is withdrawn already."""
    found, actor = led_proposal(proposal_id)
    with proposal_refusals():
        services.withdraw_proposal(actor, found)
    return written(proposal_detail(found, "lead"))
