"""Conflicts of interest between a person and the proposals of a challenge.

Detected from the data, each with its reason: the person is on the team; is or was in the last two years a member
of an organization on the team; shares an institutional email domain with a team member (never a webmail domain);
belongs to a co-owner organization of the challenge that a team member also belongs to. Declared by the reviewer,
set by an owner or a chair; a detected or set conflict is cleared only by an owner or a chair, with a reason, and a
declared one only by the reviewer who declared it. Cleared conflicts stay, with who cleared them and why; every
change is in the audit log.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.extensions import db
from goi.orgs.models import Membership, MembershipPeriod, Organization
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus
from goi.reviews.models import Conflict, ConflictKind, ConflictSource

LOOK_BACK = timedelta(days=2 * 365)
DECLARABLE = (
    ConflictKind.EMPLOYMENT,
    ConflictKind.COLLABORATION,
    ConflictKind.PERSONAL,
    ConflictKind.FINANCIAL,
    ConflictKind.OTHER,
)
# Domains under which an institution registers its own name: ugm.ac.id, not ac.id. demo.goi.id is the demo data's,
# where each organization has its own subdomain (unsri.demo.goi.id), as the public suffix list's private part does.
_SECOND_LEVEL = frozenset(
    {
        "ac.id", "co.id", "go.id", "or.id", "web.id", "sch.id", "my.id", "net.id", "mil.id", "biz.id", "desa.id",
        "ponpes.id", "co.uk", "ac.uk", "com.au", "edu.au", "com.sg", "edu.sg", "com.my", "edu.my", "demo.goi.id",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A conflict found in the data: which proposal, what kind, why (plain text in the reader's language)."""

    proposal_id: int
    kind: ConflictKind
    reason: str


@cache
def webmail_domains() -> frozenset[str]:
    text = resources.files("goi.data").joinpath("webmail_domains.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def institution_domain(email: str) -> str | None:
    """The domain an address says its holder belongs to (riset.itb.ac.id -> itb.ac.id); None for webmail."""
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    if "." not in domain or domain in webmail_domains():
        return None
    labels = domain.split(".")
    # The institution's name is the label before the longest of those domains the address ends with.
    keep = next((size + 1 for size in (3, 2) if len(labels) > size and ".".join(labels[-size:]) in _SECOND_LEVEL), 2)
    institution = ".".join(labels[-keep:])
    return None if institution in webmail_domains() else institution


def reviewable_proposals(challenge: Challenge) -> list[Proposal]:
    """The challenge's submitted proposals with their teams, in one statement and its eager loads."""
    query = (
        select(Proposal)
        .where(Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED)
        .options(selectinload(Proposal.members))
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(query))


def _organizations_of(user_id: int) -> set[int]:
    """Organizations the user belongs to now or belonged to in the last two years."""
    since = clock.now() - LOOK_BACK
    periods = select(MembershipPeriod.organization_id).where(
        MembershipPeriod.user_id == user_id,
        or_(MembershipPeriod.left_at.is_(None), MembershipPeriod.left_at >= since),
    )
    current = select(Membership.organization_id).where(Membership.user_id == user_id)
    return set(db.session.scalars(periods.union(current)))


def _current_organizations(user_ids: set[int]) -> dict[int, set[int]]:
    """Organization ids of each user's current memberships."""
    result: dict[int, set[int]] = {}
    if user_ids:
        rows = db.session.execute(
            select(Membership.user_id, Membership.organization_id).where(Membership.user_id.in_(user_ids))
        )
        for user_id, organization_id in rows:
            result.setdefault(user_id, set()).add(organization_id)
    return result


def _active_team(proposal: Proposal) -> list[TeamMember]:
    return [member for member in proposal.members if member.status != TeamMemberStatus.DECLINED]


def detect(challenge: Challenge, email: str, user: User | None = None, proposals: Iterable[Proposal] | None = None):
    """The conflicts the person with this address (and account, if any) has with the proposals, with reasons.

    A constant number of statements whatever the number of proposals.
    """
    proposals = list(proposals) if proposals is not None else reviewable_proposals(challenge)
    email = email.strip().lower()
    domain = institution_domain(email)
    own_organizations = _organizations_of(user.id) if user is not None else set()
    co_owners = {co_owner.organization_id for co_owner in challenge.co_owners}
    team_users = {member.user_id for proposal in proposals for member in _active_team(proposal) if member.user_id}
    team_memberships = _current_organizations(team_users) if own_organizations & co_owners else {}
    named = own_organizations | co_owners
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(named))).all())

    found: list[Found] = []
    for proposal in proposals:
        team = _active_team(proposal)
        if (user is not None and any(member.user_id == user.id for member in team)) or any(
            member.email.lower() == email for member in team
        ):
            found.append(Found(proposal.id, ConflictKind.TEAM_MEMBER, _("On the team of this proposal.")))
        team_organizations = {proposal.organization_id} | {member.organization_id for member in team}
        for organization_id in sorted(own_organizations & (team_organizations - {None})):
            reason = _(
                "Is or was in the last two years a member of %(organization)s, which is on the team.",
                organization=names.get(organization_id, ""),
            )
            found.append(Found(proposal.id, ConflictKind.ORGANIZATION, reason))
        if domain and any(institution_domain(member.email) == domain for member in team):
            reason = _("Shares the email domain %(domain)s with a team member.", domain=domain)
            found.append(Found(proposal.id, ConflictKind.EMAIL_DOMAIN, reason))
        shared = set()
        for member in team:
            shared |= team_memberships.get(member.user_id, set())
        for organization_id in sorted(own_organizations & co_owners & shared):
            reason = _(
                "Belongs to %(organization)s, a co-owner of the challenge, as a team member does.",
                organization=names.get(organization_id, ""),
            )
            found.append(Found(proposal.id, ConflictKind.CO_OWNER, reason))
    return found


def record_detected(challenge: Challenge, user: User, proposals: Iterable[Proposal] | None = None) -> list[Conflict]:
    """Store what detect() finds for user as detected conflicts; one already known (cleared or not) is kept as it is.

    A detected conflict no longer found (the person left the team) is cleared with that reason, not deleted.
    """
    proposals = list(proposals) if proposals is not None else reviewable_proposals(challenge)
    found = {(item.proposal_id, item.kind): item for item in detect(challenge, user.email, user, proposals)}
    known = {
        (conflict.proposal_id, conflict.kind): conflict
        for conflict in db.session.scalars(
            select(Conflict).where(
                Conflict.challenge_id == challenge.id,
                Conflict.user_id == user.id,
                Conflict.source == ConflictSource.DETECTED,
            )
        )
    }
    added = []
    for key, item in found.items():
        if key not in known:
            conflict = Conflict(
                challenge_id=challenge.id,
                proposal_id=item.proposal_id,
                user_id=user.id,
                source=ConflictSource.DETECTED,
                kind=item.kind,
                reason=item.reason,
            )
            db.session.add(conflict)
            added.append(conflict)
    for key, conflict in known.items():
        if key not in found and conflict.cleared_at is None:
            conflict.cleared_at = clock.now()
            conflict.clear_reason = "no longer found"
    db.session.flush()
    for conflict in added:
        audit.record(
            "review.conflict_detected",
            object_type="proposal",
            object_id=conflict.proposal_id,
            user_id=user.id,
            kind=conflict.kind.value,
        )
    return added


def conflicted_proposal_ids(user_id: int, challenge_id: int) -> set[int]:
    """The proposals of the challenge the user may not review or see the review of (conflicts not cleared)."""
    query = select(Conflict.proposal_id).where(
        Conflict.challenge_id == challenge_id, Conflict.user_id == user_id, Conflict.cleared_at.is_(None)
    )
    return set(db.session.scalars(query))


def _new_conflict(actor: User, user_id: int, proposal: Proposal, source: ConflictSource, kind, note: str) -> Conflict:
    note = (note or "").strip()
    if kind == ConflictKind.OTHER and not note:
        raise DomainError(_("Say what the conflict is."), field="note")
    if len(note) > 1000:
        raise DomainError(_("At most 1,000 characters."), field="note")
    conflict = Conflict(
        challenge_id=proposal.challenge_id,
        proposal_id=proposal.id,
        user_id=user_id,
        source=source,
        kind=kind,
        reason=note,
        created_by_id=actor.id,
    )
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        f"review.conflict_{source.value}",
        actor_id=actor.id,
        object_type="proposal",
        object_id=proposal.id,
        user_id=user_id,
        kind=kind.value,
    )
    return conflict


def declare(reviewer: User, proposal: Proposal, kind: ConflictKind, note: str) -> Conflict:
    """The reviewer's own statement of a conflict with a proposal."""
    if kind not in DECLARABLE:
        raise DomainError(_("Choose the kind of conflict."), field="kind")
    already = select(Conflict.id).where(
        Conflict.proposal_id == proposal.id,
        Conflict.user_id == reviewer.id,
        Conflict.source == ConflictSource.DECLARED,
        Conflict.kind == kind,
        Conflict.cleared_at.is_(None),
    )
    if db.session.scalar(already) is not None:
        raise DomainError(_("You have already declared this conflict."), field="kind")
    return _new_conflict(reviewer, reviewer.id, proposal, ConflictSource.DECLARED, kind, note)


def set_conflict(actor: User, user_id: int, proposal: Proposal, kind: ConflictKind, note: str) -> Conflict:
    """An owner's or a chair's ruling that a panel member is conflicted (the caller checks the actor may)."""
    if kind not in DECLARABLE:
        raise DomainError(_("Choose the kind of conflict."), field="kind")
    return _new_conflict(actor, user_id, proposal, ConflictSource.SET, kind, note)


def clear(actor: User, conflict: Conflict, reason: str, as_manager: bool) -> None:
    """Clear a conflict with a reason: detected and set ones by a manager (owner or chair), declared by their author."""
    reason = (reason or "").strip()
    if conflict.cleared_at is not None:
        raise DomainError(_("This conflict is already cleared."))
    # A declaration is its author's to withdraw; what was detected or ruled is an owner's or a chair's.
    allowed = conflict.user_id == actor.id if conflict.source == ConflictSource.DECLARED else as_manager
    if not allowed:
        raise DomainError(_("You may not clear this conflict."))
    if not reason:
        raise DomainError(_("Give the reason for clearing the conflict."), field="reason")
    if len(reason) > 1000:
        raise DomainError(_("At most 1,000 characters."), field="reason")
    conflict.cleared_at = clock.now()
    conflict.cleared_by_id = actor.id
    conflict.clear_reason = reason
    audit.record(
        "review.conflict_cleared",
        actor_id=actor.id,
        object_type="proposal",
        object_id=conflict.proposal_id,
        user_id=conflict.user_id,
        kind=conflict.kind.value,
        source=conflict.source.value,
        reason=reason,
    )
