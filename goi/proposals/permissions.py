"""Who may see and change proposals: the one place for the sealing rule.

The team (lead and accepted partners) always sees its proposal. Challenge managers see submitted proposals only,
and for a sealed challenge only once the deadline has passed. Nobody else sees a proposal at all; views answer 404 so
that ids do not reveal that a proposal exists. Two exceptions: is_published_in_results (a proposal named in published
results shows its public part in those results), and the review's panel (is_assigned_reviewer), which reads the
submitted version on the review's own pages (without the team when the review is blind) and downloads its
attachments, but not the proposal page, which shows the team.
"""

import json

from flask import current_app, g, has_app_context
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from goi.challenges.models import Challenge, ChallengeStatus
from goi.challenges.permissions import belongs_to_owner, can_manage_challenge
from goi.core.policy import Rule
from goi.extensions import db
from goi.proposals.models import (
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    TeamMember,
    TeamMemberStatus,
)


def proposal_by_id(proposal_id: int | None) -> Proposal | None:
    """The proposal with this id, loaded once per request."""
    if proposal_id is None:
        return None
    cache = g.setdefault("proposals_by_id", {})
    if proposal_id not in cache:
        cache[proposal_id] = db.session.get(Proposal, proposal_id)
    return cache[proposal_id]


def is_team_lead(user, proposal: Proposal) -> bool:
    return bool(user.is_authenticated and proposal.lead_user_id == user.id)


def is_team_member(user, proposal: Proposal) -> bool:
    """The lead or a partner who accepted the invitation."""
    if not user.is_authenticated:
        return False
    if proposal.lead_user_id == user.id:
        return True
    return any(member.user_id == user.id and member.status == TeamMemberStatus.ACCEPTED for member in proposal.members)


def is_assigned_reviewer(user, proposal: Proposal) -> bool:
    """Whether the user reads this submitted, unsealed proposal as its review's panel does: assigned it, or running
    the review (an owner or a chair), with no active conflict with it, the proposal in a round of the review.

    The review domain answers, registered as app.extensions["panel_reads_proposal"] (it builds on this one); without
    it nobody is a reviewer.
    """
    if not user.is_authenticated or proposal.status != ProposalStatus.SUBMITTED:
        return False
    if not sealing_lifted(proposal.challenge):
        return False
    lookup = current_app.extensions.get("panel_reads_proposal") if has_app_context() else None
    return bool(lookup is not None and lookup(user, proposal))


def is_published_in_results(proposal: Proposal) -> bool:
    """Whether the owner published results that name this submitted proposal.

    Then, and only then, its public part (title, team or organization name, summary, with the award and the
    citation) is shown to everyone: in the results section of the challenge page and in the "result" search
    document. The proposal itself (its page, sections, budget, attachments, its own search document) stays with
    the team and the owners: can_view_proposal does not change. The lookup belongs to the review domain, which
    builds on this one, so it is registered as app.extensions["published_in_results"]; without it, no proposal
    counts as published.
    """
    lookup = current_app.extensions.get("published_in_results") if has_app_context() else None
    return bool(lookup is not None and proposal.status == ProposalStatus.SUBMITTED and lookup(proposal))


def sealing_lifted(challenge: Challenge) -> bool:
    """Submitted proposals may be shown to the owner: the challenge is not sealed, or its deadline has passed."""
    return not challenge.is_sealed or challenge.deadline_passed


def can_see_submitted_proposals(user, challenge: Challenge) -> bool:
    """Managers of the challenge see its submitted proposals (and their count) once sealing is lifted."""
    return user.is_authenticated and sealing_lifted(challenge) and can_manage_challenge(user, challenge)


def can_view_proposal(user, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    if is_team_member(user, proposal):
        return True
    if proposal.status != ProposalStatus.SUBMITTED or not sealing_lifted(proposal.challenge):
        return False
    return can_manage_challenge(user, proposal.challenge)


def can_download_attachment(user, attachment: ProposalAttachment) -> bool:
    """The team downloads any attachment; the other viewers and the review's panel only those of the submitted
    version."""
    proposal = attachment.proposal
    if is_team_member(user, proposal):
        return True
    if not (can_view_proposal(user, proposal) or is_assigned_reviewer(user, proposal)):
        return False
    return attachment.sha256 in submitted_attachment_hashes(proposal)


def submitted_attachment_hashes(proposal: Proposal) -> set[str]:
    """The sha256 of each attachment in the latest submitted version."""
    if not proposal.versions:
        return set()
    return set(json.loads(proposal.versions[-1].content_json).get("attachments", []))


def proposal_is_open(proposal: Proposal) -> bool:
    """Before the deadline of a published challenge, by the server's clock; afterwards proposals are read-only."""
    challenge = proposal.challenge
    return challenge.status == ChallengeStatus.PUBLISHED and not challenge.deadline_passed


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return is_team_lead(user, proposal) and proposal_is_open(proposal)


def can_submit_proposal(user, proposal: Proposal) -> bool:
    return is_team_lead(user, proposal) and proposal_is_open(proposal)


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return is_team_lead(user, proposal) and proposal_is_open(proposal) and proposal.status != ProposalStatus.WITHDRAWN


def can_manage_team(user, proposal: Proposal) -> bool:
    return is_team_lead(user, proposal) and proposal_is_open(proposal)


def can_start_proposal(user, challenge: Challenge) -> bool:
    return user.is_authenticated and challenge.is_accepting_proposals and not belongs_to_owner(user, challenge)


def team_recipients(proposal: Proposal) -> list:
    """The users who receive the proposal's emails (receipt, withdrawal): the team and nobody else."""
    users = [proposal.lead_user]
    for member in proposal.members:
        if member.status == TeamMemberStatus.ACCEPTED and member.user is not None and member.user not in users:
            users.append(member.user)
    return users


# Built once: a challenge page asks it for every logged-in viewer (building a statement costs more than running it).
_OWN_PROPOSAL = (
    select(Proposal)
    .join(TeamMember, TeamMember.proposal_id == Proposal.id)
    .where(
        Proposal.challenge_id == bindparam("challenge_id"),
        TeamMember.user_id == bindparam("user_id"),
        TeamMember.status == TeamMemberStatus.ACCEPTED,
    )
    .order_by((Proposal.status == ProposalStatus.WITHDRAWN).asc(), Proposal.id.desc())
    .limit(1)
)


def own_proposal_for(user, challenge: Challenge) -> Proposal | None:
    """The active (or else latest) proposal for challenge of a team the user belongs to."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(_OWN_PROPOSAL, {"challenge_id": challenge.id, "user_id": user.id})


def visible_submitted_count(user, challenge: Challenge) -> int | None:
    """How many proposals were submitted, for those allowed to know; None for everyone else."""
    if not can_see_submitted_proposals(user, challenge):
        return None
    return db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
    )


def visible_submitted_proposals(user, challenge: Challenge) -> list[Proposal]:
    """The submitted proposals of challenge that user may see (none while sealed)."""
    if not can_see_submitted_proposals(user, challenge):
        return []
    # Who may see the submitted proposals of the challenge may see each one (can_view_proposal): no check per row,
    # which asked the database whether user manages the challenge once for every proposal.
    query = (
        select(Proposal)
        .options(
            selectinload(Proposal.versions),
            selectinload(Proposal.organization),
            selectinload(Proposal.lead_user),
        )
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
        .order_by(Proposal.submitted_at, Proposal.id)
    )
    return list(db.session.scalars(query))


def _proposal_rule(name: str, check) -> Rule:
    def allowed(user, args: dict) -> bool:
        proposal = proposal_by_id(args.get("proposal_id"))
        # A missing or invisible proposal passes here so that the view answers 404, never 403.
        return proposal is None or not can_view_proposal(user, proposal) or check(user, proposal)

    return Rule(name, allowed)


PROPOSAL_VIEWER = _proposal_rule("proposal team, or its challenge's managers once unsealed", can_view_proposal)
PROPOSAL_TEAM = _proposal_rule("proposal team (lead and accepted partners)", is_team_member)
PROPOSAL_LEAD = _proposal_rule("proposal team lead", is_team_lead)
