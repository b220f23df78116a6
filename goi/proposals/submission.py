"""Proposal submission: the checklist, frozen versions with their content hash (the receipt), what the page shows.

A submitted version is canonical JSON of the proposal's content; its SHA-256 is the receipt the team keeps. The
proposal page shows the live content to the team and the last submitted version to everyone else.
"""

import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from goi.accounts.models import User
from goi.challenges.permissions import belongs_to_owner
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.core.transactions import lock_row
from goi.extensions import db
from goi.proposals import signals
from goi.proposals.models import Proposal, ProposalStatus, ProposalVersion, TeamMemberStatus
from goi.proposals.services import (
    check_eligibility,
    check_transition,
    content_values,
    partners,
    require_lead,
    section_for,
)


class TeamAlreadyHasProposal(DomainError):
    """The team already has an active proposal for this challenge (the database's unique index said so)."""


# --- content and hashes -----------------------------------------------------------------------------------------------


def canonical_content(proposal: Proposal) -> dict:
    """What a submission freezes: the fields, the sections by criterion id, the team, the attachments' hashes."""
    return {
        "challenge_id": proposal.challenge_id,
        "team_key": proposal.team_key,
        "organization_id": proposal.organization_id,
        **content_values(proposal),
        "sections": [
            [section.criterion_id, section.body_source]
            for section in sorted(proposal.sections, key=lambda section: section.criterion_id)
        ],
        "partners": sorted(
            [
                [member.email, member.organization_id, member.responsibility]
                for member in partners(proposal)
                if member.status == TeamMemberStatus.ACCEPTED
            ],
            key=lambda row: row[0],
        ),
        "attachments": sorted(attachment.sha256 for attachment in proposal.attachments),
    }


def canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content_json: str) -> str:
    return hashlib.sha256(content_json.encode("utf-8")).hexdigest()


def has_unsubmitted_changes(proposal: Proposal) -> bool:
    return proposal.content_hash is not None and content_hash(canonical_json(canonical_content(proposal))) != (
        proposal.content_hash
    )


def version_content(version: ProposalVersion) -> dict:
    return json.loads(version.content_json)


# --- submitting -------------------------------------------------------------------------------------------------------


def submission_problems(proposal: Proposal) -> list[str]:
    """Everything that stops the proposal from being submitted, as messages for the team (empty when ready)."""
    challenge = proposal.challenge
    problems: list[str] = []
    try:
        check_eligibility(challenge, proposal.organization)
    except DomainError as error:
        problems.append(error.message)
    insiders = [
        member.user.name
        for member in proposal.members
        if member.status == TeamMemberStatus.ACCEPTED
        and member.user is not None
        and belongs_to_owner(member.user, challenge)
    ]
    if insiders:
        problems.append(
            _(
                "%(names)s belong to an organization that owns this challenge and cannot be on a team for it.",
                names=", ".join(insiders),
            )
        )
    required = {
        _("summary"): proposal.summary,
        _("approach"): proposal.approach_source.strip(),
        _("work plan and timeline"): proposal.workplan_source.strip(),
    }
    for label, value in required.items():
        if not value:
            problems.append(_("Fill in the %(field)s.", field=label))
    if proposal.budget_estimate is None:
        problems.append(_("Give the budget estimate."))
    if proposal.trl is None:
        problems.append(_("Give the TRL of the solution."))
    for criterion in challenge.criteria:
        section = section_for(proposal, criterion.id)
        if section is None or not section.body_source.strip():
            problems.append(_("Answer the criterion “%(name)s”.", name=criterion.name))
    members = partners(proposal)
    if any(member.status == TeamMemberStatus.INVITED for member in members):
        problems.append(_("Every invited partner must accept (or be removed) before you submit."))
    if challenge.consortium_required:
        own_org = proposal.organization_id
        if not any(
            member.status == TeamMemberStatus.ACCEPTED
            and member.organization_id is not None
            and member.organization_id != own_org
            for member in members
        ):
            problems.append(
                _("This challenge requires a consortium: at least one partner from another organization must accept.")
            )
    return problems


def submit_proposal(user: User, proposal: Proposal) -> ProposalVersion:
    """Check the deadline (server clock) and eligibility, then freeze a new version with its hash."""
    # First, so that two submits at once (two tabs, a double click) take turns and the second sees the first's
    # version: it would otherwise read the same maximum version (a unique violation, a 500).
    lock_row(proposal)
    require_lead(user, proposal)
    challenge = proposal.challenge
    if not challenge.is_accepting_proposals:
        raise DomainError(_("The deadline has passed; proposals are no longer accepted."))
    check_transition(proposal, ProposalStatus.SUBMITTED)
    if proposal.status == ProposalStatus.SUBMITTED and not has_unsubmitted_changes(proposal):
        # A repeated click on "submit" with nothing changed records no new version.
        return proposal.versions[-1]
    problems = submission_problems(proposal)
    if problems:
        raise DomainError(" ".join(problems))
    if proposal.status == ProposalStatus.WITHDRAWN:
        # Back to active only if the team has no other active proposal: the unique index decides.
        try:
            with db.session.begin_nested():
                proposal.status = ProposalStatus.SUBMITTED
                proposal.withdrawn_at = None
                db.session.flush()
        except IntegrityError as error:
            raise TeamAlreadyHasProposal(
                _(
                    "Your team already has another active proposal for this challenge. "
                    "Withdraw that one first, or submit it instead."
                )
            ) from error
    proposal.status = ProposalStatus.SUBMITTED
    now = clock.now()
    text = canonical_json(canonical_content(proposal))
    number = (
        db.session.scalar(select(func.max(ProposalVersion.version)).where(ProposalVersion.proposal_id == proposal.id))
        or 0
    ) + 1
    version = ProposalVersion(
        version=number,
        submitted_at=now,
        submitted_by_id=user.id,
        content_json=text,
        content_hash=content_hash(text),
    )
    proposal.versions.append(version)
    proposal.version = number
    proposal.submitted_at = now
    proposal.content_hash = version.content_hash
    db.session.flush()
    audit.record(
        "proposal.submitted",
        actor_id=user.id,
        object_type="proposal",
        object_id=proposal.id,
        version=number,
        content_hash=version.content_hash,
    )
    signals.proposal_submitted.send(proposal, version=version, actor=user)
    return version


# --- display ----------------------------------------------------------------------------------------------------------


def display_content(proposal: Proposal, submitted_only: bool) -> dict:
    """What the proposal page shows: the live content for the team, the last submitted version for others."""
    criteria = {criterion.id: criterion.name for criterion in proposal.challenge.criteria}
    if not submitted_only:
        return {
            "title": proposal.title,
            "summary": proposal.summary,
            "approach_html": proposal.approach_html,
            "workplan_html": proposal.workplan_html,
            "budget_estimate": proposal.budget_estimate,
            "trl": proposal.trl,
            "team_roles": proposal.team_roles,
            "sections": [
                (criteria.get(section.criterion_id, ""), section.body_html)
                for section in sorted(proposal.sections, key=lambda section: section.criterion_id)
            ],
            "attachments": list(proposal.attachments),
        }
    content = version_content(proposal.versions[-1])
    hashes = set(content["attachments"])
    return {
        "title": content["title"],
        "summary": content["summary"],
        "approach_html": render_markdown(content["approach"]),
        "workplan_html": render_markdown(content["workplan"]),
        "budget_estimate": content["budget_estimate"],
        "trl": content["trl"],
        "team_roles": content["team_roles"],
        "sections": [
            (criteria.get(criterion_id, ""), render_markdown(body)) for criterion_id, body in content["sections"]
        ],
        "attachments": [attachment for attachment in proposal.attachments if attachment.sha256 in hashes],
    }
