"""Scoring and discussion: a reviewer's review of one assignment, the panel's view of a proposal and its discussion.

A review follows the challenge's rubric: per criterion a score on the challenge's scale (1-5 or 1-10) and a comment,
an overall recommendation, a confidence (1-4) and a note for the panel. A draft is saved as it is; a submitted review
is complete, and it can be revised until the round is locked, every change of it kept with its old and new value,
who and when. Only the assignee scores: an accepted panel member whose assignment is not declined and who has no
active conflict with the proposal.

Who reads what of a proposal under review (never its team unless they are on the panel, never someone with an
active conflict with it):
- the challenge's owners and the panel's chairs: the proposal with its team, every review with its changes, the
  discussion;
- a reviewer assigned the proposal: the proposal (without its team when the review is single-blind); the other
  reviews of a round once their own review in that round is submitted, and the discussion once they have submitted
  a review of the proposal.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge, Criterion
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalStatus
from goi.proposals.permissions import is_team_member, sealing_lifted
from goi.reviews import panel
from goi.reviews.models import (
    Assignment,
    AssignmentStatus,
    Conflict,
    CriterionScore,
    DiscussionPost,
    PanelMember,
    PanelStatus,
    Recommendation,
    Review,
    ReviewChange,
    ReviewRound,
    ReviewStatus,
    RoundProposal,
)

MAX_TEXT = 5000
CONFIDENCE_LEVELS = (1, 2, 3, 4)
# In the context "recommendation": "Accept" and "Reject" are also buttons (an invitation, a verification) whose
# Indonesian differs ("Terima", "Tolak" there; "Layak diterima", "Tidak layak" here).
RECOMMENDATION_LABELS = {
    Recommendation.STRONG_ACCEPT: lazy_pgettext("recommendation", "Strong accept"),
    Recommendation.ACCEPT: lazy_pgettext("recommendation", "Accept"),
    Recommendation.WEAK_ACCEPT: lazy_pgettext("recommendation", "Weak accept"),
    Recommendation.WEAK_REJECT: lazy_pgettext("recommendation", "Weak reject"),
    Recommendation.REJECT: lazy_pgettext("recommendation", "Reject"),
}
CONFIDENCE_LABELS = {
    1: _l("1 · Low: the field is not mine"),
    2: _l("2 · Medium: I know the field in part"),
    3: _l("3 · High: I know the field well"),
    4: _l("4 · Expert: this is my field"),
}


# --- the weighted score ----------------------------------------------------------------------------------------------


def weighted_score(scores: Mapping[int, int], criteria: Iterable[Criterion], scale: int) -> float:
    """The review's score on 0-100: the sum over the criteria of weight × (score − 1) / (scale − 1).

    The weights of a challenge's criteria total 100, so the lowest score on every criterion gives 0 and the highest
    gives 100. Every criterion must be scored (a KeyError otherwise), each score on 1..scale.
    """
    if scale < 2:
        raise ValueError("a scale has at least two points")
    total = 0.0
    for criterion in criteria:
        score = scores[criterion.id]
        if not 1 <= score <= scale:
            raise ValueError(f"score {score} is off the scale 1..{scale}")
        total += criterion.weight * (score - 1) / (scale - 1)
    return total


# --- a reviewer's own review -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReviewInput:
    """What a reviewer writes: scores and comments by criterion id, recommendation, confidence, panel note."""

    scores: dict[int, int | None] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    recommendation: Recommendation | None = None
    confidence: int | None = None
    panel_note: str = ""


def score_field(criterion_id: int) -> str:
    return f"score_{criterion_id}"


def comment_field(criterion_id: int) -> str:
    return f"comment_{criterion_id}"


def assignment_for(user, assignment_id: int) -> Assignment | None:
    """The user's own assignment to review, with what its pages show loaded; None unless the user is its accepted
    panel member, the assignment is not declined and the user has no active conflict with the proposal."""
    if not user.is_authenticated:
        return None
    assignment = db.session.scalar(
        select(Assignment)
        .join(PanelMember, PanelMember.id == Assignment.member_id)
        .where(
            Assignment.id == assignment_id,
            Assignment.status == AssignmentStatus.ASSIGNED,
            PanelMember.user_id == user.id,
            PanelMember.status == PanelStatus.ACCEPTED,
            ~_active_conflict(user.id, Assignment.proposal_id),
        )
        .options(
            joinedload(Assignment.round).joinedload(ReviewRound.challenge).selectinload(Challenge.criteria),
            joinedload(Assignment.proposal).selectinload(Proposal.versions),
            joinedload(Assignment.review).selectinload(Review.scores),
        )
    )
    if assignment is None or not _readable(assignment.proposal):
        return None
    return assignment


def _active_conflict(user_id: int, proposal_id_column):
    return (
        select(Conflict.id)
        .where(Conflict.user_id == user_id, Conflict.proposal_id == proposal_id_column, Conflict.cleared_at.is_(None))
        .exists()
    )


def _readable(proposal: Proposal) -> bool:
    """A proposal the panel may read: submitted, and its challenge's sealing lifted."""
    return (
        proposal.status == ProposalStatus.SUBMITTED and bool(proposal.versions) and sealing_lifted(proposal.challenge)
    )


def review_values(review: Review | None) -> ReviewInput:
    """A stored review as the form shows it (empty for an assignment not started)."""
    if review is None:
        return ReviewInput()
    return ReviewInput(
        scores={row.criterion_id: row.score for row in review.scores},
        comments={row.criterion_id: row.comment for row in review.scores},
        recommendation=review.recommendation,
        confidence=review.confidence,
        panel_note=review.panel_note,
    )


def check_values(values: ReviewInput, criteria: list[Criterion], scale: int) -> None:
    """Refuse a value the rubric does not have (a score off the scale, an unknown confidence, a text too long)."""
    for criterion in criteria:
        score = values.scores.get(criterion.id)
        if score is not None and not 1 <= score <= scale:
            raise DomainError(off_scale_message(scale), field=score_field(criterion.id))
        if len(values.comments.get(criterion.id) or "") > MAX_TEXT:
            raise DomainError(too_long_message(), field=comment_field(criterion.id))
    if values.confidence is not None and values.confidence not in CONFIDENCE_LEVELS:
        raise DomainError(confidence_message(), field="confidence")
    if len(values.panel_note or "") > MAX_TEXT:
        raise DomainError(too_long_message(), field="panel_note")


def off_scale_message(scale: int) -> str:
    return _("Choose a score from 1 to %(scale)d.", scale=scale)


def confidence_message() -> str:
    return _("Choose a confidence from 1 to 4.")


def too_long_message() -> str:
    return _("At most 5,000 characters.")


def submission_problems(values: ReviewInput, criteria: list[Criterion]) -> dict[str, str]:
    """What a review lacks to be submitted, by form field: a score per criterion, a recommendation, a confidence."""
    problems = {
        score_field(criterion.id): _("Score this criterion to submit the review.")
        for criterion in criteria
        if values.scores.get(criterion.id) is None
    }
    if values.recommendation is None:
        problems["recommendation"] = _("Choose a recommendation to submit the review.")
    if values.confidence is None:
        problems["confidence"] = _("Choose your confidence to submit the review.")
    return problems


def _snapshot(values: ReviewInput, criteria: list[Criterion]) -> dict[str, str]:
    """A review's values as text by the field names of the change log."""
    result = {}
    for criterion in criteria:
        score = values.scores.get(criterion.id)
        result[f"score:{criterion.id}"] = "" if score is None else str(score)
        result[f"comment:{criterion.id}"] = values.comments.get(criterion.id) or ""
    result["recommendation"] = values.recommendation.value if values.recommendation else ""
    result["confidence"] = "" if values.confidence is None else str(values.confidence)
    result["panel_note"] = values.panel_note or ""
    return result


class Saved:
    """What save_review did."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVISED = "revised"
    UNCHANGED = "unchanged"


def save_review(user: User, assignment: Assignment, values: ReviewInput, submit: bool) -> str:
    """Save the assignee's review: a draft as it is, or submitted (complete, its weighted score set).

    A submitted review stays submitted: saving it again is a revision, which must be complete and is kept in the change
    log field by field. Refused, with nothing changed, when the round is locked or a value is off the rubric.
    Returns one of Saved's values. The caller has checked that the assignment is the user's (assignment_for).
    """
    review_round = assignment.round
    if not panel.round_is_open(review_round):
        raise DomainError(_("This round is locked: its reviews can no longer be changed."))
    challenge = review_round.challenge
    criteria = list(challenge.criteria)
    check_values(values, criteria, challenge.score_scale)
    review = assignment.review
    was_submitted = review is not None and review.status == ReviewStatus.SUBMITTED
    complete = submit or was_submitted
    if complete:
        problems = submission_problems(values, criteria)
        if problems:
            name, message = next(iter(problems.items()))
            raise DomainError(message, field=name)
    before = _snapshot(review_values(review), criteria) if was_submitted else None
    if review is None:
        review = Review(assignment=assignment, status=ReviewStatus.DRAFT)
        db.session.add(review)
    _apply(review, values, criteria)
    now = clock.now()
    if not complete:
        review.updated_at = now
        db.session.flush()
        return Saved.DRAFT
    review.weighted_score = weighted_score(values.scores, criteria, challenge.score_scale)  # type: ignore[arg-type]
    if was_submitted:
        after = _snapshot(values, criteria)
        changed = [(name, before[name], after[name]) for name in after if before[name] != after[name]]
        if not changed:
            return Saved.UNCHANGED
    else:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = now
        changed = [("status", ReviewStatus.DRAFT.value, ReviewStatus.SUBMITTED.value)]
    review.updated_at = now
    db.session.flush()
    for name, old, new in changed:
        db.session.add(
            ReviewChange(
                review_id=review.id, changed_by_id=user.id, changed_at=now, field=name, old_value=old, new_value=new
            )
        )
    audit.record(
        "review.revised" if was_submitted else "review.submitted",
        actor_id=user.id,
        object_type="proposal",
        object_id=assignment.proposal_id,
        round=review_round.number,
        review_id=review.id,
    )
    db.session.flush()
    return Saved.REVISED if was_submitted else Saved.SUBMITTED


def _apply(review: Review, values: ReviewInput, criteria: list[Criterion]) -> None:
    rows = {row.criterion_id: row for row in review.scores}
    for criterion in criteria:
        row = rows.get(criterion.id)
        if row is None:
            row = CriterionScore(criterion_id=criterion.id)
            review.scores.append(row)
        row.score = values.scores.get(criterion.id)
        row.comment = (values.comments.get(criterion.id) or "").strip()
    review.recommendation = values.recommendation
    review.confidence = values.confidence
    review.panel_note = (values.panel_note or "").strip()


# --- the user's reviews ----------------------------------------------------------------------------------------------


class ReviewState:
    """Where a reviewer's review of an assignment stands, as their list shows it."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"


def review_state(assignment: Assignment) -> str:
    review = assignment.review
    if review is None:
        return ReviewState.NOT_STARTED
    return ReviewState.SUBMITTED if review.status == ReviewStatus.SUBMITTED else ReviewState.DRAFT


@dataclass(slots=True)
class RoundGroup:
    round: ReviewRound
    assignments: list[Assignment] = field(default_factory=list)


@dataclass(slots=True)
class ChallengeGroup:
    challenge: Challenge
    rounds: list[RoundGroup] = field(default_factory=list)


# Built once: the header of every logged-in page asks whether the user is on a review panel (accepted, or invited by
# their account), to link their reviews.
ON_A_PANEL = (
    select(PanelMember.id)
    .where(
        PanelMember.user_id == bindparam("user_id"),
        PanelMember.status.in_([PanelStatus.ACCEPTED, PanelStatus.INVITED]),
    )
    .exists()
)


def panels_of(user: User) -> list[PanelMember]:
    """The user's places on review panels: accepted ones and invitations waiting (by account or by address)."""
    query = (
        select(PanelMember)
        .where(
            or_(PanelMember.user_id == user.id, func.lower(PanelMember.email) == user.email.lower()),
            PanelMember.status.in_([PanelStatus.ACCEPTED, PanelStatus.INVITED]),
        )
        .options(joinedload(PanelMember.challenge))
        .order_by(PanelMember.invited_at.desc(), PanelMember.id.desc())
    )
    return list(db.session.scalars(query).unique())


def assignments_by_challenge(user: User) -> list[ChallengeGroup]:
    """The user's assignments (not declined, of accepted memberships, none with an active conflict, of proposals still
    submitted), in every round, locked ones too, grouped by challenge and round: the challenges with an open round
    first, nearest deadline first. One statement."""
    query = (
        select(Assignment)
        .join(PanelMember, PanelMember.id == Assignment.member_id)
        .join(ReviewRound, ReviewRound.id == Assignment.round_id)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .where(
            Proposal.status == ProposalStatus.SUBMITTED,
            PanelMember.user_id == user.id,
            PanelMember.status == PanelStatus.ACCEPTED,
            Assignment.status == AssignmentStatus.ASSIGNED,
            ~_active_conflict(user.id, Assignment.proposal_id),
        )
        .options(
            joinedload(Assignment.round).joinedload(ReviewRound.challenge),
            joinedload(Assignment.proposal),
            joinedload(Assignment.review),
        )
        .order_by(
            ReviewRound.locked_at.is_not(None),
            ReviewRound.deadline,
            ReviewRound.challenge_id,
            ReviewRound.number,
            Assignment.proposal_id,
            Assignment.id,
        )
    )
    groups: dict[int, ChallengeGroup] = {}
    for assignment in db.session.scalars(query).unique():
        review_round = assignment.round
        group = groups.setdefault(review_round.challenge_id, ChallengeGroup(review_round.challenge))
        round_group = next((item for item in group.rounds if item.round.id == review_round.id), None)
        if round_group is None:
            round_group = RoundGroup(review_round)
            group.rounds.append(round_group)
        round_group.assignments.append(assignment)
    for group in groups.values():
        group.rounds.sort(key=lambda item: item.round.number)
    return list(groups.values())


def days_left(review_round: ReviewRound) -> int:
    """Whole days from now to the round's deadline (negative once it has passed)."""
    remaining = review_round.deadline - clock.now()
    return remaining.days


# --- the panel's view of a proposal ----------------------------------------------------------------------------------


def _panel_facts(user_id: int, proposal: Proposal) -> tuple[bool, bool, bool]:
    """(the proposal is in a round of its challenge, the user has an active conflict with it, the user is assigned
    it as an accepted panel member), in one statement, once per request."""
    cache = g.setdefault("panel_facts", {})
    key = (user_id, proposal.id)
    if key not in cache:
        in_round = (
            select(RoundProposal.id)
            .join(ReviewRound, ReviewRound.id == RoundProposal.round_id)
            .where(RoundProposal.proposal_id == proposal.id, ReviewRound.challenge_id == proposal.challenge_id)
            .exists()
        )
        assigned = (
            select(Assignment.id)
            .join(PanelMember, PanelMember.id == Assignment.member_id)
            .where(
                Assignment.proposal_id == proposal.id,
                Assignment.status == AssignmentStatus.ASSIGNED,
                PanelMember.user_id == user_id,
                PanelMember.status == PanelStatus.ACCEPTED,
                PanelMember.challenge_id == proposal.challenge_id,
            )
            .exists()
        )
        row = db.session.execute(select(in_round, _active_conflict(user_id, proposal.id), assigned)).one()
        cache[key] = tuple(bool(value) for value in row)
    return cache[key]


def reads_as_panel(user, proposal: Proposal) -> bool:
    """Whether the user reads this proposal as its panel does: it is submitted, unsealed and in a round of its
    challenge, the user is not on its team and has no active conflict with it, and runs the review (owner or chair)
    or is assigned it."""
    if not getattr(user, "is_authenticated", False) or not _readable(proposal):
        return False
    if is_team_member(user, proposal):  # a conflict in any case, recorded or not
        return False
    in_round, conflicted, assigned = _panel_facts(user.id, proposal)
    if not in_round or conflicted:
        return False
    return assigned or panel.can_manage_review(user, proposal.challenge)


@dataclass(slots=True)
class RoundReviews:
    """One round of a proposal's review as the viewer may see it."""

    round: ReviewRound
    own: Assignment | None
    visible: bool
    assignments: list[Assignment]


@dataclass(slots=True)
class PanelView:
    """What the panel page shows one viewer of one proposal."""

    proposal: Proposal
    manager: bool
    blind: bool
    rounds: list[RoundReviews]
    changes: dict[int, list[ReviewChange]]
    discussion_open: bool
    posts: list[DiscussionPost]

    @property
    def own_assignments(self) -> list[Assignment]:
        return [item.own for item in self.rounds if item.own is not None]


def panel_view(user, challenge: Challenge, proposal_id: int) -> PanelView | None:
    """The panel's view of one proposal for this viewer, or None when they may not see it (another challenge's, in
    no round, conflicted, a reviewer not assigned it). A constant number of statements."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.challenge_id != challenge.id or not reads_as_panel(user, proposal):
        return None
    manager = panel.can_manage_review(user, challenge)
    query = (
        select(Assignment)
        .join(ReviewRound, ReviewRound.id == Assignment.round_id)
        .where(Assignment.proposal_id == proposal.id, ReviewRound.challenge_id == challenge.id)
        .options(
            joinedload(Assignment.member).joinedload(PanelMember.user),
            joinedload(Assignment.review).selectinload(Review.scores),
        )
        .order_by(ReviewRound.number, Assignment.assigned_at, Assignment.id)
    )
    assignments = list(db.session.scalars(query).unique())
    rounds = []
    for review_round in panel.rounds_of(challenge):
        of_round = [item for item in assignments if item.round_id == review_round.id]
        own = next(
            (item for item in of_round if item.member.user_id == user.id and item.status == AssignmentStatus.ASSIGNED),
            None,
        )
        if not of_round and own is None:
            continue
        own_submitted = own is not None and own.review is not None and own.review.status == ReviewStatus.SUBMITTED
        rounds.append(RoundReviews(review_round, own, manager or own_submitted, of_round))
    discussion_open = manager or any(item.visible for item in rounds)
    changes: dict[int, list[ReviewChange]] = {}
    if manager:
        review_ids = [item.review.id for item in assignments if item.review is not None]
        if review_ids:
            rows = db.session.scalars(
                select(ReviewChange)
                .where(ReviewChange.review_id.in_(review_ids))
                .order_by(ReviewChange.changed_at, ReviewChange.id)
            )
            for change in rows:
                changes.setdefault(change.review_id, []).append(change)
    posts = []
    if discussion_open:
        posts = list(
            db.session.scalars(
                select(DiscussionPost)
                .where(DiscussionPost.proposal_id == proposal.id)
                .options(joinedload(DiscussionPost.author))
                .order_by(DiscussionPost.created_at, DiscussionPost.id)
            )
        )
    return PanelView(
        proposal=proposal,
        manager=manager,
        blind=panel.is_blind(challenge) and not manager,
        rounds=rounds,
        changes=changes,
        discussion_open=discussion_open,
        posts=posts,
    )


def add_post(user: User, view: PanelView, body: str) -> DiscussionPost:
    """Add the user's message to the panel's discussion of the proposal (Markdown, sanitized once)."""
    if not view.discussion_open:
        raise DomainError(_("The discussion opens to you once you have submitted your review."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."), field="body")
    if len(body) > MAX_TEXT:
        raise DomainError(too_long_message(), field="body")
    post = DiscussionPost(
        proposal_id=view.proposal.id,
        author_id=user.id,
        body_source=body,
        body_html=render_markdown(body),
        created_at=clock.now(),
    )
    db.session.add(post)
    db.session.flush()
    audit.record("review.discussion_post", actor_id=user.id, object_type="proposal", object_id=view.proposal.id)
    return post


def changed_field_label(name: str, criteria: Mapping[int, Criterion]) -> str:
    """The change log's field name as the reader reads it ('Score: Impact', 'Recommendation')."""
    kind, _sep, criterion_id = name.partition(":")
    criterion = criteria.get(int(criterion_id)) if criterion_id.isdigit() else None
    if kind == "score":
        return _("Score: %(criterion)s", criterion=criterion.name if criterion else criterion_id)
    if kind == "comment":
        return _("Comment: %(criterion)s", criterion=criterion.name if criterion else criterion_id)
    return {
        "recommendation": _("Recommendation"),
        "confidence": _("Confidence"),
        "panel_note": _("Note for the panel"),
        "status": _("Status"),
    }.get(kind, kind)


def changed_value_label(name: str, value: str) -> str:
    """A logged value as the reader reads it: a recommendation's or a status's label, else the value itself."""
    if not value:
        return "—"
    if name == "recommendation" and value in Recommendation._value2member_map_:
        return str(RECOMMENDATION_LABELS[Recommendation(value)])
    if name == "status":
        return _("Submitted") if value == ReviewStatus.SUBMITTED.value else _("Draft")
    return value
