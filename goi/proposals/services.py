"""Proposal rules: starting, editing, attachments, eligibility, submission with receipts, withdrawal, teams."""

import hashlib
import json
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from goi.accounts.models import User
from goi.challenges.models import Challenge, SolverKind
from goi.challenges.permissions import belongs_to_owner
from goi.core import audit, clock
from goi.core.errors import DomainError, NotAllowed
from goi.core.html import render_markdown
from goi.core.storage import DOCUMENT_TYPES, remove_upload, save_upload, upload_root
from goi.extensions import db
from goi.orgs.models import Membership, Organization, OrgKind
from goi.proposals import signals
from goi.proposals.models import (
    Proposal,
    ProposalAttachment,
    ProposalSection,
    ProposalStatus,
    ProposalVersion,
    TeamMember,
    TeamMemberStatus,
    TeamRole,
)
from goi.proposals.permissions import is_team_lead, proposal_is_open

DEFAULT_PROPOSAL_MAX_BYTES = 25 * 1024 * 1024
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


class TeamAlreadyHasProposal(DomainError):
    """The team already has an active proposal for this challenge (the database's unique index said so)."""


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
        .order_by(Organization.name)
    )
    return list(db.session.scalars(query))


def proposals_of(user: User) -> list[Proposal]:
    """Proposals where user is the lead or an accepted partner, newest first."""
    query = (
        select(Proposal)
        .join(TeamMember, TeamMember.proposal_id == Proposal.id)
        .options(selectinload(Proposal.challenge))
        .where(TeamMember.user_id == user.id, TeamMember.status == TeamMemberStatus.ACCEPTED)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
    return list(db.session.scalars(query).unique())


def partners(proposal: Proposal) -> list[TeamMember]:
    return [member for member in proposal.members if member.role == TeamRole.PARTNER]


def section_for(proposal: Proposal, criterion_id: int) -> ProposalSection | None:
    return next((section for section in proposal.sections if section.criterion_id == criterion_id), None)


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


def _check_transition(proposal: Proposal, target: ProposalStatus) -> None:
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


# --- attachments ------------------------------------------------------------------------------------------------------


def _file_sha256(stored_name: str) -> str:
    digest = hashlib.sha256()
    with (upload_root() / Path(stored_name).name).open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def proposal_max_bytes() -> int:
    return int(current_app.config.get("PROPOSAL_MAX_BYTES", DEFAULT_PROPOSAL_MAX_BYTES))


def add_attachment(user: User, proposal: Proposal, upload: FileStorage) -> ProposalAttachment:
    """Store a checked file (type by content, per-file and per-proposal size) and attach it."""
    require_lead(user, proposal)
    require_open(proposal)
    stored = save_upload(upload, allowed=DOCUMENT_TYPES)  # raises UploadError; nothing is kept then
    used = sum(attachment.size for attachment in proposal.attachments)
    limit = proposal_max_bytes()
    if used + stored.size > limit:
        remove_upload(stored.stored_name)
        raise DomainError(
            _("The attachments of a proposal may total at most %(size)s MB.", size=limit // (1024 * 1024)),
            field="file",
        )
    attachment = ProposalAttachment(
        stored_name=stored.stored_name,
        filename=stored.original_name,
        file_type=stored.file_type,
        size=stored.size,
        sha256=_file_sha256(stored.stored_name),
        uploaded_by_id=user.id,
        uploaded_at=clock.now(),
    )
    proposal.attachments.append(attachment)
    db.session.flush()
    audit.record(
        "proposal.attachment_added",
        actor_id=user.id,
        object_type="proposal",
        object_id=proposal.id,
        filename=stored.original_name,
    )
    return attachment


def remove_attachment(user: User, attachment: ProposalAttachment) -> str:
    """Detach the file; returns its stored name so the caller deletes it after the commit."""
    proposal = attachment.proposal
    require_lead(user, proposal)
    require_open(proposal)
    stored_name = attachment.stored_name
    proposal.attachments.remove(attachment)
    audit.record(
        "proposal.attachment_removed",
        actor_id=user.id,
        object_type="proposal",
        object_id=proposal.id,
        filename=attachment.filename,
    )
    return stored_name


# --- submission -------------------------------------------------------------------------------------------------------


def canonical_content(proposal: Proposal) -> dict:
    """What a submission freezes: the fields, the sections by criterion id, the team, the attachments' hashes."""
    return {
        "challenge_id": proposal.challenge_id,
        "team_key": proposal.team_key,
        "organization_id": proposal.organization_id,
        "title": proposal.title,
        "summary": proposal.summary,
        "approach": proposal.approach_source,
        "workplan": proposal.workplan_source,
        "budget_estimate": proposal.budget_estimate,
        "trl": proposal.trl,
        "team_roles": proposal.team_roles,
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
    require_lead(user, proposal)
    challenge = proposal.challenge
    if not challenge.is_accepting_proposals:
        raise DomainError(_("The deadline has passed; proposals are no longer accepted."))
    _check_transition(proposal, ProposalStatus.SUBMITTED)
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


def withdraw_proposal(user: User, proposal: Proposal) -> None:
    require_lead(user, proposal)
    require_open(proposal)
    _check_transition(proposal, ProposalStatus.WITHDRAWN)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.withdrawn_at = clock.now()
    db.session.flush()
    audit.record("proposal.withdrawn", actor_id=user.id, object_type="proposal", object_id=proposal.id)
    signals.proposal_withdrawn.send(proposal, actor=user)


def version_content(version: ProposalVersion) -> dict:
    return json.loads(version.content_json)


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
