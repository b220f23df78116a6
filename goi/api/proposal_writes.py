"""Proposals written with an API token of proposals:write: the bodies of start and update, a proposal as its team
reads it, and how a token's request reaches the services the site uses (goi.proposals.services and submission), so
that every rule of the site holds.

A token reads the proposals its organization leads or is an accepted partner of (any other is a 404), and writes
only those its organization leads (a partner's token is a 403). The person who made the token is the actor of the
services and of the audit log (which names the token, goi.core.audit): they must still administer the organization
at every write and, as on the site, lead the proposal. A service's refusal of who acts (the team lead, an insider of
the challenge, a kind of solver the challenge does not accept) is a 403; of a field, a 422 naming it; of the call's
state or deadline, a 409.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from goi.accounts.models import User
from goi.api.challenge_reads import FormattedSchema, organization_ref
from goi.api.challenge_writes import MAX_AMOUNT, service_refusals, token_maker
from goi.api.operations import ApiError
from goi.api.schemas import BodySchema, OrganizationRefSchema, ResponseSchema, code, hinted, markdown, text, url
from goi.api.search_schemas import ProposalChallengeSchema
from goi.challenges.models import Challenge
from goi.challenges.services import MAX_CRITERIA
from goi.core.errors import DomainError, NotAllowed
from goi.extensions import db
from goi.orgs.permissions import can_manage_organization
from goi.proposals import submission
from goi.proposals.models import Proposal, TeamMemberStatus
from goi.proposals.permissions import is_team_lead, proposal_is_open
from goi.proposals.services import content_values, section_for
from goi.proposals.team import partner_organizations

# A service's refusal naming one of these names who acts (the token's organization), not a field of the body.
CALLER_FIELDS = {"team"}

# --- schemas ----------------------------------------------------------------------------------------------------------


def _at_most(count: int, field: fields.Field) -> fields.Field:
    return hinted(field, _l("At most %(count)d characters.", count=count))


class SectionInputSchema(BodySchema):
    criterion = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_CRITERIA),
        metadata={"description": "The criterion's position in the challenge's rubric (1 first)."},
    )
    body = markdown("The answer to the criterion.", required=True, validate=validate.Length(max=20000))


class ProposalChangesSchema(BodySchema):
    """The fields of the site's proposal form, each optional: what is sent changes, what is not stays."""

    title = hinted(text("The title.", validate=validate.Length(min=1, max=200)), _l("From 1 to 200 characters."))
    summary = _at_most(2000, text("The summary.", validate=validate.Length(max=2000)))
    approach = _at_most(30000, markdown("The approach.", validate=validate.Length(max=30000)))
    workplan = _at_most(30000, markdown("The work plan and timeline.", validate=validate.Length(max=30000)))
    budget_estimate = hinted(
        fields.Integer(
            allow_none=True,
            validate=validate.Range(min=0, max=MAX_AMOUNT),
            metadata={"description": "The budget estimate in rupiah (none: not given yet)."},
        ),
        _l("A whole number of rupiah."),
    )
    trl = hinted(
        fields.Integer(
            allow_none=True,
            validate=validate.Range(min=1, max=9),
            metadata={"description": "The solution's technology readiness level (none: not given yet)."},
        ),
        _l("A whole number from 1 to 9."),
    )
    team_roles = _at_most(5000, text("Who in the team does what.", validate=validate.Length(max=5000)))
    sections = hinted(
        fields.List(
            fields.Nested(SectionInputSchema),
            validate=validate.Length(max=MAX_CRITERIA),
            metadata={"description": "Answers to the challenge's criteria; the criteria not sent keep theirs."},
        ),
        _l("A list of sections, each with a criterion's position and Markdown of at most 20,000 characters."),
    )


class ProposalInputSchema(ProposalChangesSchema):
    """A new draft: its title; the other fields of the form may come at once."""

    title = hinted(
        text("The title.", required=True, validate=validate.Length(min=1, max=200)), _l("From 1 to 200 characters.")
    )


class ProposalSectionSchema(ResponseSchema):
    criterion = fields.Integer(metadata={"description": "The criterion's position in the challenge's rubric."})
    name = text("The criterion.")
    description = text("What reviewers look for.")
    body = fields.Nested(FormattedSchema)


class ProposalChallengeRefSchema(ProposalChallengeSchema):
    slug = code("The challenge's reference in the API and on the site.", "banjir-palembang")
    is_open = fields.Boolean(metadata={"description": "Accepting proposals now, by the server's clock."})


class ProposalSchema(ResponseSchema):
    """A proposal as the site shows it to its team: its own content, never its review."""

    id = fields.Integer()
    url = url("The proposal's page on the site (for its team).")
    role = code("lead or partner: the token's organization's part in it.", "lead")
    organization = fields.Nested(OrganizationRefSchema, metadata={"description": "The lead organization."})
    partners = fields.List(
        fields.Nested(OrganizationRefSchema), metadata={"description": "The accepted partners' organizations."}
    )
    challenge = fields.Nested(ProposalChallengeRefSchema)
    title = text("The title.")
    summary = text("The summary.")
    approach = fields.Nested(FormattedSchema)
    workplan = fields.Nested(FormattedSchema)
    budget_estimate = fields.Integer(allow_none=True, metadata={"description": "Rupiah."})
    trl = fields.Integer(allow_none=True, metadata={"description": "Technology readiness level (1–9)."})
    team_roles = text("Who in the team does what.")
    sections = fields.List(fields.Nested(ProposalSectionSchema))
    status = code("draft, submitted or withdrawn.", "draft")
    version = fields.Integer(metadata={"description": "The last submitted version's number; 0 before any."})
    submitted_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    unsubmitted_changes = fields.Boolean(metadata={"description": "Changed since its last submission."})
    is_open = fields.Boolean(
        metadata={"description": "The challenge's call is open: the proposal may be changed, submitted, withdrawn."}
    )
    problems = fields.List(
        text("What must be done before it can be submitted."),
        metadata={"description": "What stops its submission, as the site lists it to the team (empty: ready)."},
    )


# --- the token's proposals and actor ----------------------------------------------------------------------------------


def _role(proposal: Proposal | None) -> str | None:
    """The token's organization's part in the proposal: lead, partner (accepted), or none."""
    organization_id = g.api_token.organization_id
    if proposal is None or proposal.organization_id is None:
        return None
    if proposal.organization_id == organization_id:
        return "lead"
    if any(
        member.organization_id == organization_id and member.status == TeamMemberStatus.ACCEPTED
        for member in proposal.members
    ):
        return "partner"
    return None


def visible_proposal(proposal_id: int) -> tuple[Proposal, str]:
    """A proposal of the token's organization's teams and its part in it; 404 for any other."""
    proposal = db.session.get(Proposal, proposal_id)
    role = _role(proposal)
    if role is None:
        raise ApiError(404, _("Your organization has no proposal with this number."))
    return proposal, role


def acting_maker() -> User:
    """The token's maker, while they administer its organization."""
    organization = g.api_token.organization
    return token_maker(lambda user: can_manage_organization(user, organization))


def led_proposal(proposal_id: int) -> tuple[Proposal, User]:
    """A proposal the token's organization leads, and the actor who leads it (403 for a partner's token or a maker
    who is not the lead, as on the site only the lead changes a proposal)."""
    proposal, role = visible_proposal(proposal_id)
    if role != "lead":
        raise ApiError(403, _("Only the organization that leads this proposal changes it."))
    actor = acting_maker()
    if not is_team_lead(actor, proposal):
        raise ApiError(403, _("The person who made this token does not lead this proposal: only its lead changes it."))
    return proposal, actor


# --- values -----------------------------------------------------------------------------------------------------------


def section_bodies(challenge: Challenge, sent: list[dict]) -> dict[int, str]:
    """The sections sent, by criterion id: each a criterion of the challenge, once (422 otherwise)."""
    criteria = {criterion.position: criterion.id for criterion in challenge.criteria}
    positions = [section["criterion"] for section in sent]
    if len(set(positions)) != len(positions) or not set(positions) <= set(criteria):
        raise ApiError(
            422,
            _("Some parameters are not valid."),
            {"sections": _("Each section names a criterion of the challenge by its position, once.")},
        )
    return {criteria[section["criterion"]]: section["body"] for section in sent}


def changed_values(proposal: Proposal, data: dict, sections: dict[int, str]) -> dict:
    """The proposal's values as update_proposal takes them, the fields and sections sent over its own."""
    own_sections = {}
    for criterion in proposal.challenge.criteria:
        section = section_for(proposal, criterion.id)
        own_sections[criterion.id] = section.body_source if section else ""
    return {
        **content_values(proposal),
        **{name: value for name, value in data.items() if name != "sections"},
        "sections": {**own_sections, **sections},
    }


@contextmanager
def proposal_refusals() -> Iterator[None]:
    """A service's refusal as the API's answer, nothing of the request written: of who acts, a 403; of a field, a
    422 naming it; of the call's state or deadline, a 409 (challenge_writes.service_refusals)."""
    with service_refusals():
        try:
            yield
        except DomainError as error:
            if not isinstance(error, NotAllowed) and error.field not in CALLER_FIELDS:
                raise
            db.session.rollback()
            raise ApiError(403, error.message) from None


# --- shaping ----------------------------------------------------------------------------------------------------------


def proposal_detail(proposal: Proposal, role: str) -> dict:
    """The proposal's live content, as its team sees it on the site (submission.display_content), with sources."""
    challenge = proposal.challenge
    sections = []
    for criterion in challenge.criteria:
        section = section_for(proposal, criterion.id)
        sections.append(
            {
                "criterion": criterion.position,
                "name": criterion.name,
                "description": criterion.description,
                "body": {
                    "source": section.body_source if section else "",
                    "html": section.body_html if section else "",
                },
            }
        )
    return {
        "id": proposal.id,
        "url": url_for("proposals.show", proposal_id=proposal.id, _external=True),
        "role": role,
        "organization": organization_ref(proposal.organization),
        "partners": [organization_ref(partner) for partner in partner_organizations(proposal)],
        "challenge": {
            "slug": challenge.slug,
            "ref": challenge.ref,
            "title": challenge.title,
            "status": challenge.status.value,
            "closes_at": challenge.closes_at,
            "is_open": challenge.is_accepting_proposals,
        },
        "title": proposal.title,
        "summary": proposal.summary,
        "approach": {"source": proposal.approach_source, "html": proposal.approach_html},
        "workplan": {"source": proposal.workplan_source, "html": proposal.workplan_html},
        "budget_estimate": proposal.budget_estimate,
        "trl": proposal.trl,
        "team_roles": proposal.team_roles,
        "sections": sections,
        "status": proposal.status.value,
        "version": proposal.version,
        "submitted_at": proposal.submitted_at,
        "updated_at": proposal.updated_at,
        "unsubmitted_changes": submission.has_unsubmitted_changes(proposal),
        "is_open": proposal_is_open(proposal),
        "problems": submission.submission_problems(proposal),
    }
