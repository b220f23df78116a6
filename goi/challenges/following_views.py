"""Following views: a user follows or unfollows a challenge, to receive its announcements."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.accounts.forms import ActionForm
from goi.challenges import following
from goi.challenges.permissions import visible_challenge_or_404
from goi.challenges.views import bp, current_actor
from goi.core.policy import AUTHENTICATED, route
from goi.extensions import db


@route(bp, "/challenges/<slug>/follow", AUTHENTICATED, methods=["POST"])
def follow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    following.follow(current_actor(), challenge)
    db.session.commit()
    flash(_("You follow this challenge: its announcements reach you."), "success")
    return redirect(url_for("challenges.show", slug=slug))


@route(bp, "/challenges/<slug>/unfollow", AUTHENTICATED, methods=["POST"])
def unfollow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    following.unfollow(current_actor(), challenge)
    db.session.commit()
    flash(_("You no longer follow this challenge."), "success")
    return redirect(url_for("challenges.show", slug=slug))
