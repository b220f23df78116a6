"""Signal handlers: who hears about what happened to challenges and proposals."""

from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select

from goi.accounts.models import User
from goi.alerts.matching import notify_saved_searches
from goi.challenges import signals as challenge_signals
from goi.challenges.models import Challenge, ChallengeStatus, Follow, Question
from goi.challenges.permissions import owner_organization_ids
from goi.core import clock
from goi.core.links import path_for
from goi.extensions import db
from goi.notify.models import Notification
from goi.notify.services import notify
from goi.orgs.models import MemberRole, Membership
from goi.proposals import signals as proposal_signals
from goi.proposals.models import Proposal, ProposalStatus, TeamMember, TeamMemberStatus
from goi.reviews import signals as review_signals
from goi.reviews.outcomes import outcomes_of
from goi.reviews.panel_admin import invitations_to_remind
from goi.reviews.rounds import chair_user_ids, conflicted_user_ids
from goi.reviews.services import eligible_proposals, public_entries


def team_user_ids(proposal_ids: list[int]) -> set[int]:
    """Leads and accepted partners of these proposals."""
    if not proposal_ids:
        return set()
    leads = db.session.scalars(select(Proposal.lead_user_id).where(Proposal.id.in_(proposal_ids)))
    partners = db.session.scalars(
        select(TeamMember.user_id).where(
            TeamMember.proposal_id.in_(proposal_ids),
            TeamMember.status == TeamMemberStatus.ACCEPTED,
            TeamMember.user_id.is_not(None),
        )
    )
    return {*leads, *partners}


def _active_proposal_ids(challenge: Challenge, statuses: tuple[ProposalStatus, ...]) -> list[int]:
    return list(
        db.session.scalars(
            select(Proposal.id).where(Proposal.challenge_id == challenge.id, Proposal.status.in_(statuses))
        )
    )


def interested_user_ids(challenge: Challenge) -> set[int]:
    """Followers and everyone with a draft or a submitted proposal."""
    followers = set(db.session.scalars(select(Follow.user_id).where(Follow.challenge_id == challenge.id)))
    teams = team_user_ids(_active_proposal_ids(challenge, (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)))
    return followers | teams


def _challenge_link(challenge: Challenge) -> str:
    return path_for("challenges.show", slug=challenge.slug)


def on_status_changed(challenge: Challenge, old_status, new_status, actor) -> None:
    kind = "challenge_closed" if new_status == ChallengeStatus.CLOSED else "challenge_status"
    if new_status == ChallengeStatus.PUBLISHED:
        # A new challenge: the owners of the saved searches it matches are told, each once.
        notify_saved_searches(challenge, actor)
        return
    recipients = interested_user_ids(challenge)
    if actor is not None:
        recipients.discard(actor.id)
    notify(recipients, kind, _challenge_link(challenge), challenge=challenge, new_status=new_status)


def on_addendum(challenge: Challenge, addendum) -> None:
    notify(
        interested_user_ids(challenge),
        "addendum_published",
        _challenge_link(challenge),
        challenge=challenge,
        addendum=addendum,
    )


def owner_admin_ids(challenge: Challenge) -> set[int]:
    """The owners: every admin (owner or admin role) of the challenge's owner and co-owner organizations."""
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.organization_id.in_(sorted(owner_organization_ids(challenge))),
                Membership.role.in_((MemberRole.OWNER, MemberRole.ADMIN)),
            )
        )
    )


def _questions_link(challenge: Challenge, question: Question) -> str:
    return path_for("challenges.questions", slug=challenge.slug) + f"#question-{question.id}"


def on_question_asked(challenge: Challenge, question: Question) -> None:
    notify(
        owner_admin_ids(challenge) - {question.asker_id},
        "question_asked",
        _questions_link(challenge, question),
        dedupe_key=f"question-asked:{question.id}",
        challenge=challenge,
        question=question,
    )


def on_question_answered(challenge: Challenge, question) -> None:
    notify([question.asker_id], "question_answered", _challenge_link(challenge), challenge=challenge, question=question)


def on_results_published(challenge: Challenge, result, actor) -> None:
    """Each team of a submitted proposal hears its own outcome; followers and the other teams, the results."""
    told = set()
    submitted = eligible_proposals(challenge)
    outcomes = outcomes_of(submitted)
    for proposal in submitted:
        outcome = outcomes.get(proposal.id)
        if outcome is None:
            continue
        team = team_user_ids([proposal.id]) - ({actor.id} if actor is not None else set())
        notify(
            team,
            "proposal_outcome",
            path_for("proposals.show", proposal_id=proposal.id),
            dedupe_key=f"proposal-outcome:{proposal.id}",
            challenge=challenge,
            proposal=proposal,
            outcome=outcome,
        )
        told |= team
    recipients = interested_user_ids(challenge) - told
    if actor is not None:
        recipients.discard(actor.id)
    notify(
        recipients,
        "results_published",
        _challenge_link(challenge) + "#results",
        challenge=challenge,
        result=result,
        entries=public_entries(result),
    )


def on_assignment_declined(challenge: Challenge, assignment, actor) -> None:
    """The owners and the chairs hear that a reviewer declined, and why, so that they assign someone else; nobody with
    a conflict with the proposal is told of it."""
    managers = owner_admin_ids(challenge) | chair_user_ids(challenge)
    recipients = managers - conflicted_user_ids(challenge, assignment.proposal_id) - {actor.id}
    link = path_for("reviews.assignments", slug=challenge.slug, number=assignment.round.number)
    notify(
        recipients,
        "review_assignment_declined",
        f"{link}#cell-{assignment.proposal_id}-{assignment.member_id}",
        dedupe_key=f"assignment-declined:{assignment.id}",
        challenge=challenge,
        assignment=assignment,
        reviewer=actor,
    )


def on_proposal_submitted(proposal: Proposal, version, actor) -> None:
    notify(
        team_user_ids([proposal.id]),
        "proposal_submitted",
        path_for("proposals.receipt", proposal_id=proposal.id),
        proposal=proposal,
        challenge=proposal.challenge,
        version=version,
    )


def on_proposal_withdrawn(proposal: Proposal, actor) -> None:
    recipients = team_user_ids([proposal.id]) - {actor.id}
    notify(
        recipients,
        "proposal_withdrawn",
        path_for("proposals.show", proposal_id=proposal.id),
        proposal=proposal,
        challenge=proposal.challenge,
        actor=actor,
    )


def on_team_member_invited(member: TeamMember, path: str, inviter) -> None:
    from goi.accounts.services import find_user_by_email

    invitee = find_user_by_email(member.email)
    if invitee is not None:
        # A path like every notification's; notify makes the email's link absolute.
        notify([invitee.id], "team_invitation", path, proposal=member.proposal, inviter=inviter)


def _due_reminders() -> Iterator[tuple[Challenge, str, str, set[int]]]:
    """(challenge, window, dedupe key, recipients) of each reminder due now: followers and unsubmitted drafts 3 days
    and 24 hours before each deadline (reads only; who already has the reminder is left to notify's dedupe)."""
    now = clock.now()
    windows = (("3d", timedelta(days=3), timedelta(hours=24)), ("24h", timedelta(hours=24), timedelta(0)))
    for label, upper, lower in windows:
        challenges = db.session.scalars(
            select(Challenge).where(
                Challenge.status == ChallengeStatus.PUBLISHED,
                Challenge.closes_at > now + lower,
                Challenge.closes_at <= now + upper,
            )
        ).all()
        for challenge in challenges:
            followers = set(db.session.scalars(select(Follow.user_id).where(Follow.challenge_id == challenge.id)))
            drafts = team_user_ids(_active_proposal_ids(challenge, (ProposalStatus.DRAFT,)))
            submitted = team_user_ids(_active_proposal_ids(challenge, (ProposalStatus.SUBMITTED,)))
            recipients = (followers - submitted) | drafts
            if recipients:
                yield challenge, label, f"deadline-{label}:{challenge.id}:{challenge.closes_at:%Y%m%d%H%M}", recipients


QUESTION_WAIT = timedelta(days=3)


def _waiting_questions() -> Iterator[tuple[Challenge, list[Question], str, set[int]]]:
    """(challenge, its questions unanswered for more than QUESTION_WAIT, dedupe key, its owners) for each open
    challenge that has such questions. The key names the newest of them, so a question that comes to wait long
    reminds the owners again, with the others still waiting, and an unchanged list reminds them once."""
    waiting = db.session.scalars(
        select(Question)
        .join(Challenge, Challenge.id == Question.challenge_id)
        .where(
            Question.answered_at.is_(None),
            Question.asked_at <= clock.now() - QUESTION_WAIT,
            Challenge.status == ChallengeStatus.PUBLISHED,
        )
        .order_by(Question.challenge_id, Question.asked_at, Question.id)
    ).all()
    by_challenge: dict[int, list[Question]] = {}
    for question in waiting:
        by_challenge.setdefault(question.challenge_id, []).append(question)
    for questions in by_challenge.values():
        challenge = questions[0].challenge
        recipients = owner_admin_ids(challenge)
        if recipients:
            newest = max(question.id for question in questions)
            yield challenge, questions, f"question-waiting:{challenge.id}:{newest}", recipients


def _untold(key: str, recipients: set[int]) -> bool:
    told = select(Notification.id).where(Notification.user_id == User.id, Notification.dedupe_key == key)
    untold = select(User.id).where(User.id.in_(sorted(recipients)), User.is_disabled.is_(False), ~told.exists())
    return db.session.scalar(untold.limit(1)) is not None


def reminders_due() -> bool:
    """Whether a deadline, waiting-question or panel invitation reminder is still to be sent to someone: asked with
    reads before a write transaction is begun for it."""
    due = [(key, recipients) for _challenge, _label, key, recipients in _due_reminders()]
    due += [(key, recipients) for _challenge, _questions, key, recipients in _waiting_questions()]
    return any(_untold(key, recipients) for key, recipients in due) or invitations_to_remind()


def send_deadline_reminders() -> int:
    """Remind followers and unsubmitted drafts 3 days and 24 hours before each deadline; each reminder once."""
    told = 0
    for challenge, label, key, recipients in list(_due_reminders()):
        link = _challenge_link(challenge)
        told += notify(recipients, "deadline_reminder", link, dedupe_key=key, challenge=challenge, window=label)
    return told


def send_question_reminders() -> int:
    """Remind the owners of questions waiting more than three days for an answer; each list of them once."""
    told = 0
    for challenge, questions, key, recipients in list(_waiting_questions()):
        link = _questions_link(challenge, questions[0])
        told += notify(recipients, "question_waiting", link, dedupe_key=key, challenge=challenge, questions=questions)
    return told


def connect_handlers() -> None:
    """Subscribe to the domain signals (idempotent)."""
    challenge_signals.challenge_status_changed.connect(on_status_changed, weak=False)
    challenge_signals.addendum_published.connect(on_addendum, weak=False)
    challenge_signals.question_asked.connect(on_question_asked, weak=False)
    challenge_signals.question_answered.connect(on_question_answered, weak=False)
    review_signals.results_published.connect(on_results_published, weak=False)
    review_signals.assignment_declined.connect(on_assignment_declined, weak=False)
    proposal_signals.proposal_submitted.connect(on_proposal_submitted, weak=False)
    proposal_signals.proposal_withdrawn.connect(on_proposal_withdrawn, weak=False)
    proposal_signals.team_member_invited.connect(on_team_member_invited, weak=False)
