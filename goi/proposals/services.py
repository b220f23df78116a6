"""Proposal rules: looking up, eligibility, the status moves, starting, editing and withdrawal.

Submission (versions, content hashes, what a version shows) is in submission.py, attachments in attachments.py,
consortium teams in team.py; all of them build on the rules here.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from goi.accounts.models import User
from goi.challenges.models import Challenge, SolverKind
from goi.challenges.permissions import belongs_to_owner
from goi.core import audit, clock
from goi.core.errors import DomainError, NotAllowed
from goi.core.html import render_markdown
from goi.extensions import db
from goi.orgs.models import Membership, Organization, OrgKind
from goi.proposals import signals
from goi.proposals.models import (
    Proposal,
    ProposalSection,
    ProposalStatus,
    TeamMember,
    TeamMemberStatus,
    TeamRole,
)
from goi.proposals.permissions import is_team_lead, proposal_is_open

# A proposal's moves; submitting a submitted proposal again records a new version.
TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.SUBMITTED: frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.WITHDRAWN: frozenset({ProposalStatus.SUBMITTED}),
}
ORG_SOLVER_KINDS = {
    OrgKind.INDUSTRY: SolverKind.INDUSTRY,
    OrgKind.ACADEMIA: SolverKind.ACADEMIA,
    OrgKind.COMMUNITY: SolverKind.COMMUNITY,
    OrgKind.INVESTOR: SolverKind.INVESTOR,
}


# --- looking up -------------------------------------------------------------------------------------------------------


def team_key_for(user: User, organization: Organization | None) -> str:
    return f"org:{organization.id}" if organization is not None else f"user:{user.id}"


def active_proposal_for_team(challenge: Challenge, team_key: str) -> Proposal | None:
    return db.session.scalar(
        select(Proposal).where(
            Proposal.challenge_id == challenge.id,
            Proposal.team_key == team_key,
            Proposal.status != ProposalStatus.WITHDRAWN,
        )
    )


def solver_organizations(user: User) -> list[Organization]:
    """The organizations user may propose for (every membership; eligibility is checked separately)."""
    query = (
        select(Organization)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name, Organization.id)
    )
    return list(db.session.scalars(query))


def eligible_teams(user: User, challenge: Challenge) -> tuple[bool, list[Organization]]:
    """Whether user may propose for challenge as an individual, and the organizations user may propose for: only
    what check_eligibility would accept (no government, only the kinds the challenge accepts)."""
    as_individual = SolverKind.CITIZEN in challenge.eligible_kinds
    organizations = [
        organization
        for organization in solver_organizations(user)
        if ORG_SOLVER_KINDS.get(organization.kind) in challenge.eligible_kinds
    ]
    return as_individual, organizations


def partners(proposal: Proposal) -> list[TeamMember]:
    return [member for member in proposal.members if member.role == TeamRole.PARTNER]


def section_for(proposal: Proposal, criterion_id: int) -> ProposalSection | None:
    return next((section for section in proposal.sections if section.criterion_id == criterion_id), None)


def content_values(proposal: Proposal) -> dict:
    """The proposal's own fields (its sections aside) as update_proposal takes them."""
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "approach": proposal.approach_source,
        "workplan": proposal.workplan_source,
        "budget_estimate": proposal.budget_estimate,
        "trl": proposal.trl,
        "team_roles": proposal.team_roles,
    }


# --- rules ------------------------------------------------------------------------------------------------------------


def require_lead(user: User, proposal: Proposal) -> None:
    if not is_team_lead(user, proposal):
        raise NotAllowed(_("Only the team lead can do this."))


def require_open(proposal: Proposal) -> None:
    if not proposal_is_open(proposal):
        raise DomainError(_("The deadline has passed; the proposal can no longer be changed."))


def _refuse_insiders(user: User, challenge: Challenge) -> None:
    if belongs_to_owner(user, challenge):
        raise NotAllowed(_("Members of the organizations that own this challenge cannot submit proposals to it."))


def check_eligibility(challenge: Challenge, organization: Organization | None) -> None:
    """The kind of solver must be one the challenge allows; a proposal without organization is a citizen's."""
    if organization is None:
        kind = SolverKind.CITIZEN
    elif organization.kind == OrgKind.GOVERNMENT:
        raise DomainError(_("Government organizations cannot submit proposals."), field="team")
    else:
        kind = ORG_SOLVER_KINDS[organization.kind]
    if kind not in challenge.eligible_kinds:
        labels = {
            SolverKind.INDUSTRY: _("industry"),
            SolverKind.ACADEMIA: _("academia"),
            SolverKind.COMMUNITY: _("communities"),
            SolverKind.CITIZEN: _("individual citizens"),
            SolverKind.INVESTOR: _("investors"),
        }
        allowed = ", ".join(labels[k] for k in challenge.eligible_kinds)
        raise DomainError(
            _(
                "This challenge does not accept proposals from %(kind)s. It accepts: %(allowed)s.",
                kind=labels[kind],
                allowed=allowed,
            ),
            field="team",
        )


def check_transition(proposal: Proposal, target: ProposalStatus) -> None:
    """Refuse a status move that TRANSITIONS does not allow (the one place the moves are checked)."""
    if target not in TRANSITIONS[proposal.status]:
        raise DomainError(_("This proposal cannot be %(action)s now.", action=_status_verb(target)))


def _status_verb(status: ProposalStatus) -> str:
    return {
        ProposalStatus.DRAFT: _("saved as a draft"),
        ProposalStatus.SUBMITTED: _("submitted"),
        ProposalStatus.WITHDRAWN: _("withdrawn"),
    }[status]


# --- starting and editing ---------------------------------------------------------------------------------------------


def start_proposal(user: User, challenge: Challenge, organization: Organization | None, title: str) -> Proposal:
    """A new draft for the team, or the team's active proposal when it already has one (a repeated click)."""
    if not challenge.is_accepting_proposals:
        raise DomainError(_("This challenge is not accepting proposals."))
    _refuse_insiders(user, challenge)
    if organization is not None and organization not in solver_organizations(user):
        raise NotAllowed(_("You can only propose for an organization you belong to."), field="team")
    check_eligibility(challenge, organization)
    team_key = team_key_for(user, organization)
    existing = active_proposal_for_team(challenge, team_key)
    if existing is not None:
        return existing
    title = title.strip()
    if not title:
        raise DomainError(_("Give the proposal a title."), field="title")
    proposal = Proposal(
        challenge=challenge,
        lead_user_id=user.id,
        organization=organization,
        team_key=team_key,
        title=title,
        status=ProposalStatus.DRAFT,
        created_at=clock.now(),
    )
    proposal.members.append(
        TeamMember(
            user_id=user.id,
            email=user.email.lower(),
            organization=organization,
            role=TeamRole.LEAD,
            status=TeamMemberStatus.ACCEPTED,
            invited_at=clock.now(),
            accepted_at=clock.now(),
        )
    )
    for criterion in challenge.criteria:
        proposal.sections.append(ProposalSection(criterion_id=criterion.id))
    try:
        # Two identical requests at once: the unique index lets one in, the other finds it.
        with db.session.begin_nested():
            db.session.add(proposal)
            db.session.flush()
    except IntegrityError:
        existing = active_proposal_for_team(challenge, team_key)
        if existing is None:
            raise
        return existing
    audit.record("proposal.started", actor_id=user.id, object_type="proposal", object_id=proposal.id)
    return proposal


def update_proposal(user: User, proposal: Proposal, values: dict) -> None:
    """Save the proposal's content; a submitted proposal stays submitted until it is submitted again."""
    require_lead(user, proposal)
    require_open(proposal)
    budget, trl = values.get("budget_estimate"), values.get("trl")
    if budget is not None and budget < 0:
        raise DomainError(_("The budget cannot be negative."), field="budget_estimate")
    if trl is not None and not 1 <= trl <= 9:
        raise DomainError(_("The TRL is between 1 and 9."), field="trl")
    if not values["title"].strip():
        raise DomainError(_("Give the proposal a title."), field="title")
    proposal.title = values["title"].strip()
    proposal.summary = values.get("summary", "").strip()
    proposal.approach_source = values.get("approach", "")
    proposal.approach_html = render_markdown(proposal.approach_source)
    proposal.workplan_source = values.get("workplan", "")
    proposal.workplan_html = render_markdown(proposal.workplan_source)
    proposal.team_roles = values.get("team_roles", "").strip()
    proposal.budget_estimate = budget
    proposal.trl = trl
    sections: dict[int, str] = values.get("sections", {})
    for criterion in proposal.challenge.criteria:
        section = section_for(proposal, criterion.id)
        if section is None:
            section = ProposalSection(criterion_id=criterion.id)
            proposal.sections.append(section)
        section.body_source = sections.get(criterion.id, "")
        section.body_html = render_markdown(section.body_source)
    proposal.updated_at = clock.now()
    audit.record("proposal.updated", actor_id=user.id, object_type="proposal", object_id=proposal.id)


# --- withdrawal -------------------------------------------------------------------------------------------------------


def withdraw_proposal(user: User, proposal: Proposal) -> None:
    require_lead(user, proposal)
    require_open(proposal)
    check_transition(proposal, ProposalStatus.WITHDRAWN)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.withdrawn_at = clock.now()
    db.session.flush()
    audit.record("proposal.withdrawn", actor_id=user.id, object_type="proposal", object_id=proposal.id)
    signals.proposal_withdrawn.send(proposal, actor=user)
