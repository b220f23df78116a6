"""Assign automatically: the open places of a round's grid filled by goi.matching's solver from text affinity.

A panel member's text is their expertise, headline, bio and the past projects they count for matching; a proposal's
is its submitted version. The affinity of a pair is the cosine of the two texts through search's analysis (stems,
acronyms, thesaurus concepts across Indonesian and English), idf over all of them. Active conflicts and declined
pairs are never proposed; the round's existing assignments are kept as fixed pairs and count in the loads, so a run
after a decline fills only the gap. The owner confirms the pairs they keep through the grid's own rule
(`rounds.assign`), all or nothing.
"""

import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select

from goi.accounts.models import User
from goi.core import audit
from goi.core.errors import DomainError
from goi.extensions import db
from goi.matching import assignment as solver
from goi.matching import text
from goi.orgs.models import Membership, PastProject
from goi.proposals.models import Proposal, ProposalStatus, ProposalVersion
from goi.proposals.permissions import sealing_lifted
from goi.proposals.submission import version_content
from goi.reviews import rounds
from goi.reviews.models import AssignmentStatus, PanelMember, ReviewRound, RoundProposal
from goi.reviews.round_figures import Grid, grid_of
from goi.search.documents import plain_text

MODES = solver.MODES
DEFAULT_MAX_PROBABILITY = 0.5
REASONS_PER_PAIR = 4
# The fair mode's search for a better worst proposal stops here with the best found (a request must answer).
SOLVE_TIME_LIMIT = 10.0
# How many proposals or members a refusal names before it says "and N more".
NAMED = 5


@dataclass(frozen=True, slots=True)
class ProposedPair:
    """A new assignment the solver proposes, with its affinity (0–1) and the reasons a person reads."""

    proposal: Proposal
    member: PanelMember
    affinity: float
    reasons: list[str]

    @property
    def key(self) -> str:
        """How the confirm form carries the pair: proposal_id:member_id."""
        return f"{self.proposal.id}:{self.member.id}"


@dataclass(frozen=True, slots=True)
class AutoAssignment:
    """The solver's proposal for a round: the new pairs, and figures of the proposals it fills (kept pairs included)."""

    round: ReviewRound
    mode: str
    pairs: list[ProposedPair]
    proposals: int  # proposals that were below the target
    kept: int  # their existing assignments, kept
    total: float  # sum of the affinities of those proposals' reviewers
    worst: float  # the lowest such sum of one proposal
    worst_proposal: Proposal | None
    seconds: float


@dataclass(frozen=True, slots=True)
class _Profiles:
    """The analysed texts: of each member (with their counted projects apart, for reasons) and each proposal."""

    members: list[text.TextProfile]
    projects: list[list[tuple[str, text.TextProfile]]]
    proposals: list[text.TextProfile]
    idf: dict[str, float]


def proposal_label(proposal: Proposal) -> str:
    """A proposal as the grid names it."""
    return _("Proposal #%(id)d: %(title)s", id=proposal.id, title=proposal.title)


def member_label(member: PanelMember) -> str:
    return member.user.name if member.user else member.email


def _named(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:NAMED])
    more = len(labels) - NAMED
    return _("%(shown)s and %(count)d more", shown=shown, count=more) if more > 0 else shown


def check_may_assign(review_round: ReviewRound) -> None:
    """Refuse as the grid does: a locked round, or proposals still sealed."""
    if review_round.locked_at is not None:
        raise DomainError(_("This round is locked: its assignments cannot change."))
    if not sealing_lifted(review_round.challenge):
        raise DomainError(_("The proposals are sealed until the deadline; reviewing starts once it has passed."))


# --- texts and affinity -------------------------------------------------------------------------------------------


def member_texts(user: User) -> list[str]:
    """What a panel member's profile says of their expertise (their counted projects apart)."""
    return [user.expertise, user.headline, plain_text(user.bio_html)]


def proposal_texts(version: ProposalVersion | None, proposal: Proposal) -> list[str]:
    """The submitted version's text: title, summary, approach, work plan and the answers to the criteria."""
    if version is None:
        return [proposal.title, proposal.summary]
    content = version_content(version)
    sections = [body for _criterion, body in content.get("sections", [])]
    fields = ("title", "summary", "approach", "workplan")
    return [*(content.get(name) or "" for name in fields), *sections]


def _counted_projects(user_ids: Iterable[int]) -> dict[int, list[PastProject]]:
    ids = sorted(set(user_ids))
    projects: dict[int, list[PastProject]] = {}
    if not ids:
        return projects
    query = (
        select(PastProject)
        .where(PastProject.user_id.in_(ids), PastProject.counts_for_matching.is_(True))
        .order_by(PastProject.user_id, PastProject.id)
    )
    for project in db.session.scalars(query):
        projects.setdefault(project.user_id, []).append(project)
    return projects


def _latest_versions(proposal_ids: Iterable[int]) -> dict[int, ProposalVersion]:
    ids = sorted(set(proposal_ids))
    latest: dict[int, ProposalVersion] = {}
    if ids:
        query = select(ProposalVersion).where(ProposalVersion.proposal_id.in_(ids)).order_by(ProposalVersion.version)
        for version in db.session.scalars(query):
            latest[version.proposal_id] = version
    return latest


def _profiles(proposals: list[Proposal], members: list[PanelMember]) -> _Profiles:
    projects = _counted_projects(member.user_id for member in members)
    versions = _latest_versions(proposal.id for proposal in proposals)
    member_projects = [
        [
            (project.title, text.text_profile(project.title, project.description))
            for project in projects.get(member.user_id, [])
        ]
        for member in members
    ]
    member_profiles = [
        text.text_profile(
            *member_texts(member.user),
            *(f"{project.title}\n{project.description}" for project in projects.get(member.user_id, [])),
        )
        for member in members
    ]
    proposal_profiles = [
        text.text_profile(*proposal_texts(versions.get(proposal.id), proposal)) for proposal in proposals
    ]
    idf = text.inverse_document_frequencies([*member_profiles, *proposal_profiles])
    return _Profiles(member_profiles, member_projects, proposal_profiles, idf)


def affinity_matrix(profiles: _Profiles) -> np.ndarray:
    """Proposals × members: the cosine of each pair's texts."""
    return np.array(
        [
            [text.affinity(member, proposal, profiles.idf) for member in profiles.members]
            for proposal in profiles.proposals
        ],
        dtype=float,
    ).reshape(len(profiles.proposals), len(profiles.members))


def _reasons(profiles: _Profiles, item: int, column: int, locale: str) -> list[str]:
    proposal = profiles.proposals[item]
    reasons = text.shared_terms(profiles.members[column], proposal, profiles.idf, REASONS_PER_PAIR, locale)
    reasons += [
        _("past project: %(title)s", title=title)
        for title, project in profiles.projects[column]
        if text.shared_features(project, proposal, profiles.idf, limit=1)
    ]
    return reasons


# --- the problem --------------------------------------------------------------------------------------------------


@dataclass
class _Problem:
    """The round's grid as the solver's arrays: rows the proposals below target, columns the accepted members."""

    proposals: list[Proposal]
    members: list[PanelMember]
    per_item: int
    max_load: np.ndarray
    conflicts: list[tuple[int, int]]
    fixed: list[tuple[int, int]]

    def places_left(self) -> dict[int, int]:
        """Proposal id → how many reviewers it still lacks (proposals at their target are not listed)."""
        left = {proposal.id: self.per_item for proposal in self.proposals}
        for item, _column in self.fixed:
            left[self.proposals[item].id] -= 1
        return left


def _problem(grid: Grid) -> _Problem:
    target = grid.round.reviews_per_proposal
    members = [member for member in grid.members if member.user_id is not None]

    def blocked(proposal: Proposal, member: PanelMember) -> bool:
        cell = grid.cell(proposal, member)
        return grid.conflict(proposal, member) is not None or (
            cell is not None and cell.status == AssignmentStatus.DECLINED
        )

    def kept(proposal: Proposal, member: PanelMember) -> bool:
        # An assignment a conflict arose against is not reviewed (the reviewer does not see it): it fills no place.
        cell = grid.cell(proposal, member)
        return cell is not None and cell.status == AssignmentStatus.ASSIGNED and not blocked(proposal, member)

    proposals = [
        proposal
        for proposal in grid.proposals
        if proposal.status == ProposalStatus.SUBMITTED and sum(kept(proposal, member) for member in members) < target
    ]
    conflicts, fixed = [], []
    for item, proposal in enumerate(proposals):
        for column, member in enumerate(members):
            if blocked(proposal, member):
                conflicts.append((item, column))
            elif kept(proposal, member):
                fixed.append((item, column))
    fixed_per_member = np.bincount([column for _item, column in fixed], minlength=len(members))
    max_load = np.zeros(len(members), dtype=np.int64)
    for column, member in enumerate(members):
        if member.max_load is None:
            max_load[column] = len(proposals)
        else:
            # The member's assignments elsewhere in the round take their room; one over the limit gets nothing new.
            elsewhere = grid.load(member) - fixed_per_member[column]
            max_load[column] = max(member.max_load - elsewhere, fixed_per_member[column])
    return _Problem(proposals, members, target, max_load, conflicts, fixed)


def _why_infeasible(problem: _Problem, mode: str, max_probability: float | None) -> str:
    """What stops an assignment, naming proposals and members as the grid does."""
    eligible = np.ones((len(problem.proposals), len(problem.members)), dtype=bool)
    for item, column in problem.conflicts:
        eligible[item, column] = False
    eligible &= (problem.max_load > 0)[np.newaxis, :]
    counts = eligible.sum(axis=1)
    needed = problem.per_item
    if mode == "randomized" and max_probability:
        needed = int(np.ceil(problem.per_item / max_probability - 1e-9))
    short = [
        proposal_label(proposal) for proposal, count in zip(problem.proposals, counts, strict=True) if count < needed
    ]
    if short:
        return _(
            "Too few panel members may review %(proposals)s: each needs %(needed)d without a conflict, a decline or "
            "a full load. Invite more reviewers, raise the maximum loads or choose another mode.",
            proposals=_named(short),
            needed=needed,
        )
    demand = problem.per_item * len(problem.proposals)
    capacity = int(problem.max_load.sum())
    if capacity < demand:
        return _(
            "The panel's loads are %(missing)d reviews short: %(count)d proposals × %(target)d reviewers need "
            "%(demand)d, the members' maximum loads allow %(capacity)d. Raise the maximum loads or invite more "
            "reviewers.",
            missing=demand - capacity,
            count=len(problem.proposals),
            target=problem.per_item,
            demand=demand,
            capacity=capacity,
        )
    busiest = [
        member_label(member)
        for member, load in zip(problem.members, problem.max_load, strict=True)
        if load < len(problem.proposals)
    ]
    return _(
        "No assignment meets every rule together, although each proposal has enough members who may review it: "
        "raise the maximum loads of %(members)s.",
        members=_named(busiest) or _("the busiest members"),
    )


def organization_groups(user_ids: Sequence[int]) -> np.ndarray:
    """One group number per user: users sharing an organization (their current memberships) share a group, through
    any chain of shared organizations; a user of no organization is a group alone."""
    parent = list(range(len(user_ids)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    position = {user_id: index for index, user_id in enumerate(user_ids)}
    first_of: dict[int, int] = {}
    rows = db.session.execute(
        select(Membership.organization_id, Membership.user_id)
        .where(Membership.user_id.in_(list(position)))
        .order_by(Membership.organization_id, Membership.user_id)
    )
    for organization_id, user_id in rows:
        index = position[user_id]
        if organization_id in first_of:
            parent[root(index)] = root(first_of[organization_id])
        else:
            first_of[organization_id] = index
    roots = [root(index) for index in range(len(user_ids))]
    _unique, groups = np.unique(roots, return_inverse=True)
    return groups.astype(np.int64)


def _breaks_organization_rule(fixed: Iterable[tuple[int, int]], groups: np.ndarray) -> bool:
    """Whether the kept assignments already put two members of one organization on a proposal."""
    seen = set()
    for item, column in fixed:
        key = (item, int(groups[column]))
        if key in seen:
            return True
        seen.add(key)
    return False


def propose(
    review_round: ReviewRound,
    hidden_proposal_ids: set[int],
    mode: str,
    max_probability: float | None = None,
    locale: str = "id",
    seed: int | None = None,
    one_per_organization: bool = False,
) -> AutoAssignment:
    """The solver's new pairs for the round's proposals below target (none hidden from the viewer); writes nothing.
    With `one_per_organization`, no proposal gets two reviewers of the same organization (not with "randomized").

    Raises DomainError when the round may not be assigned, when nothing is left to assign, or when no assignment
    exists (the message says which proposals lack reviewers or how much load is missing).
    """
    check_may_assign(review_round)
    if mode not in MODES:
        raise DomainError(_("Choose how to assign."), field="mode")
    if one_per_organization and mode == "randomized":
        raise DomainError(
            _("One reviewer per organization can be asked of the best-total and fairest modes, not the randomized."),
            field="one_per_organization",
        )
    started = time.perf_counter()
    grid = grid_of(review_round, hidden_proposal_ids)
    problem = _problem(grid)
    if not problem.members:
        raise DomainError(_("No panel member has accepted an invitation yet."))
    if not problem.proposals:
        raise DomainError(_("Every proposal of this round has its target of reviewers already."))
    profiles = _profiles(problem.proposals, problem.members)
    matrix = affinity_matrix(profiles)
    randomized = mode == "randomized"
    probability = (max_probability or DEFAULT_MAX_PROBABILITY) if randomized else None
    groups = organization_groups([member.user_id for member in problem.members]) if one_per_organization else None
    if groups is not None and _breaks_organization_rule(problem.fixed, groups):
        raise DomainError(
            _(
                "A proposal already has two reviewers of the same organization: remove one of them in the grid, or "
                "clear one reviewer per organization."
            ),
            field="one_per_organization",
        )
    try:
        chosen = solver.assign(
            matrix,
            problem.per_item,
            0,
            problem.max_load,
            problem.conflicts,
            problem.fixed,
            organizations=groups,
            mode=mode,
            max_probability=probability,
            seed=secrets.randbelow(2**31) if seed is None else seed,
            time_limit=SOLVE_TIME_LIMIT,
        )
    except solver.InfeasibleAssignment:
        if groups is not None:
            raise DomainError(
                _(
                    "No assignment gives each proposal reviewers of different organizations: invite reviewers of "
                    "other organizations, raise the maximum loads, or clear one reviewer per organization."
                ),
                field="one_per_organization",
            ) from None
        raise DomainError(_why_infeasible(problem, mode, probability)) from None
    fixed = set(problem.fixed)
    sums = np.zeros(len(problem.proposals))
    pairs = []
    for item, column in chosen:
        sums[item] += matrix[item, column]
        if (item, column) not in fixed:
            pairs.append(
                ProposedPair(
                    proposal=problem.proposals[item],
                    member=problem.members[column],
                    affinity=float(matrix[item, column]),
                    reasons=_reasons(profiles, item, column, locale),
                )
            )
    pairs.sort(key=lambda pair: (pair.proposal.id, -pair.affinity, pair.member.id))
    worst = int(np.argmin(sums))
    return AutoAssignment(
        round=review_round,
        mode=mode,
        pairs=pairs,
        proposals=len(problem.proposals),
        kept=len(fixed),
        total=float(sums.sum()),
        worst=float(sums[worst]),
        worst_proposal=problem.proposals[worst],
        seconds=time.perf_counter() - started,
    )


def confirm(
    actor: User,
    review_round: ReviewRound,
    hidden_proposal_ids: set[int],
    pairs: Sequence[tuple[int, int]],
    mode: str,
) -> int:
    """Make the chosen pairs through the grid's rule, each checked again now; a refused pair refuses them all (the
    caller rolls back). A pair may not take a proposal past the round's target: the solver only fills the gap."""
    check_may_assign(review_round)
    if not pairs:
        raise DomainError(_("Check at least one proposed assignment."))
    if len(set(pairs)) != len(pairs):
        raise DomainError(_("A proposed assignment is listed twice."))
    places = _problem(grid_of(review_round, hidden_proposal_ids)).places_left()
    for proposal_id, member_id in pairs:
        try:
            rounds.assign(actor, review_round, proposal_id, member_id)
        except DomainError as error:
            raise DomainError(_refused(review_round, proposal_id, member_id, error.message)) from None
        places[proposal_id] = places.get(proposal_id, 0) - 1
        if places[proposal_id] < 0:
            reason = _("it would take the proposal past the round's target.")
            raise DomainError(_refused(review_round, proposal_id, member_id, reason))
    audit.record(
        "review.auto_assigned",
        actor_id=actor.id,
        object_type="challenge",
        object_id=review_round.challenge_id,
        round=review_round.number,
        mode=mode,
        count=len(pairs),
    )
    return len(pairs)


def _refused(review_round: ReviewRound, proposal_id: int, member_id: int, reason: str) -> str:
    """The refusal of one pair, naming only a proposal of the round and a member of its panel (the ids are posted)."""
    proposal = db.session.scalar(
        select(Proposal)
        .join(RoundProposal, RoundProposal.proposal_id == Proposal.id)
        .where(RoundProposal.round_id == review_round.id, Proposal.id == proposal_id)
    )
    member = db.session.get(PanelMember, member_id)
    if member is not None and member.challenge_id != review_round.challenge_id:
        member = None
    who = member_label(member) if member is not None else _("a panel member")
    what = proposal_label(proposal) if proposal is not None else _("a proposal")
    return _(
        "Nothing was assigned: %(proposal)s with %(member)s is refused: %(reason)s",
        proposal=what,
        member=who,
        reason=reason,
    )
