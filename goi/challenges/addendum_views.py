"""Addendum views: a challenge owner publishes a numbered change to an open challenge."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import addenda
from goi.challenges.forms import AddendumForm
from goi.challenges.models import ChallengeStatus
from goi.challenges.permissions import CHALLENGE_MANAGER, visible_challenge_or_404
from goi.challenges.views import bp, current_actor, show_form_error
from goi.core.errors import DomainError
from goi.core.policy import route
from goi.extensions import db


@route(bp, "/challenges/<slug>/addenda/new", CHALLENGE_MANAGER, methods=["GET", "POST"])
def new_addendum(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if request.method == "GET" and challenge.status != ChallengeStatus.PUBLISHED:
        flash(_("Addenda are published while a challenge is open."), "info")
        return redirect(url_for("challenges.show", slug=slug))
    form = AddendumForm()
    if request.method == "GET":
        form.load(challenge)
    if form.validate_on_submit():
        try:
            addendum = addenda.publish_addendum(current_actor(), challenge, form.summary.data, form.changes(challenge))
        except DomainError as error:
            db.session.rollback()
            show_form_error(form, error)
        else:
            db.session.commit()
            flash(_("Addendum %(number)d is published.", number=addendum.number), "success")
            return redirect(url_for("challenges.show", slug=slug, _anchor="addenda"))
    status = 422 if request.method == "POST" else 200
    return render_template("challenges/addendum_form.html", challenge=challenge, form=form), status
