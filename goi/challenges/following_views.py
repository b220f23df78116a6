"""Following views: a user follows or unfollows a challenge, to receive its announcements."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import following
from goi.challenges.permissions import visible_challenge_or_404
from goi.challenges.views import bp, current_actor
from goi.core.forms import run_button_action
from goi.core.policy import AUTHENTICATED, route


@route(bp, "/challenges/<slug>/follow", AUTHENTICATED, methods=["POST"])
def follow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    return run_button_action(
        lambda: following.follow(current_actor(), challenge),
        redirect_to=url_for("challenges.show", slug=slug),
        done=_("You follow this challenge: its announcements reach you."),
    )


@route(bp, "/challenges/<slug>/unfollow", AUTHENTICATED, methods=["POST"])
def unfollow(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    return run_button_action(
        lambda: following.unfollow(current_actor(), challenge),
        redirect_to=url_for("challenges.show", slug=slug),
        done=_("You no longer follow this challenge."),
    )
