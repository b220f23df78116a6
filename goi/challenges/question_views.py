"""Question views: a user asks about a challenge; its owners answer, privately or in public."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import queries

# Under another name: the view `questions` keeps its endpoint name, challenges.questions.
from goi.challenges import questions as question_services
from goi.challenges.forms import AnswerForm, QuestionForm
from goi.challenges.models import Challenge, Question
from goi.challenges.permissions import CHALLENGE_MANAGER, can_ask_question, visible_challenge_or_404
from goi.challenges.views import bp, current_actor, render_show, show_form_error
from goi.core.errors import DomainError
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db


@route(bp, "/challenges/<slug>/questions", AUTHENTICATED, methods=["POST"])
def ask_question(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not can_ask_question(current_user, challenge):
        abort(403)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question_services.ask_question(current_actor(), challenge, form.body.data)
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Your question is sent. You will see the answer here."), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="my-questions"))
    return render_show(challenge, status=422, question_form=form)


def _answer_forms(questions: list[Question], failed: tuple[int, AnswerForm] | None = None) -> dict[int, AnswerForm]:
    forms = {
        question.id: AnswerForm(
            formdata=None,
            data={"answer": question.answer_source, "publish": question.is_public or question.answered_at is None},
        )
        for question in questions
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return forms


def _render_questions(challenge: Challenge, failed: tuple[int, AnswerForm] | None = None):
    questions = queries.all_questions(challenge)
    return (
        render_template(
            "challenges/questions.html",
            challenge=challenge,
            questions=questions,
            forms=_answer_forms(questions, failed),
        ),
        422 if failed else 200,
    )


@route(bp, "/challenges/<slug>/questions", CHALLENGE_MANAGER, methods=["GET"])
def questions(slug: str):
    return _render_questions(visible_challenge_or_404(current_user, slug))


@route(bp, "/challenges/<slug>/questions/<int:question_id>/answer", CHALLENGE_MANAGER, methods=["POST"])
def answer_question(slug: str, question_id: int):
    challenge = visible_challenge_or_404(current_user, slug)
    question = db.session.get(Question, question_id)
    if question is None or question.challenge_id != challenge.id:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            question_services.answer_question(current_actor(), question, form.answer.data, form.publish.data)
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("The answer is saved."), "success")
            return redirect(url_for("challenges.questions", slug=slug, _anchor=f"question-{question_id}"))
    return _render_questions(challenge, (question_id, form))
