"""Clarification questions: asked while a challenge is open, answered privately or in public."""

from flask_babel import gettext as _

from goi.accounts.models import User
from goi.challenges import signals
from goi.challenges.models import Challenge, ChallengeStatus, Question
from goi.core import audit, clock
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.extensions import db


def ask_question(user: User, challenge: Challenge, body: str) -> Question:
    if challenge.status != ChallengeStatus.PUBLISHED or challenge.deadline_passed:
        raise DomainError(_("Questions close with the deadline."))
    if not body.strip():
        raise DomainError(_("Write your question."), field="body")
    question = Question(challenge=challenge, asker_id=user.id, body=body.strip(), asked_at=clock.now())
    db.session.add(question)
    db.session.flush()
    audit.record("challenge.question_asked", actor_id=user.id, object_type="challenge", object_id=challenge.id)
    signals.question_asked.send(challenge, question=question)
    return question


def answer_question(actor: User, question: Question, answer: str, publish: bool) -> None:
    """Answer privately to the asker, or publish question and answer (without the asker's name)."""
    if not answer.strip():
        raise DomainError(_("Write the answer."), field="answer")
    question.answer_source = answer
    question.answer_html = render_markdown(answer)
    question.answered_at = clock.now()
    question.answered_by_id = actor.id
    question.is_public = publish
    audit.record(
        "challenge.question_answered",
        actor_id=actor.id,
        object_type="challenge",
        object_id=question.challenge_id,
        public=publish,
    )
    signals.question_answered.send(question.challenge, question=question)
