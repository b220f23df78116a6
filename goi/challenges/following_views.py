"""Following views: a user follows or unfollows a challenge, to receive its announcements, and lists those followed."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import following
from goi.challenges.permissions import visible_challenge_or_404
from goi.challenges.views import bp, current_actor
from goi.core.forms import run_button_action
from goi.core.policy import AUTHENTICATED, route
from goi.core.redirects import safe_next

# Followed challenges are listed a page at a time.
FOLLOWED_PAGE_SIZE = 20


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
        # The list of followed challenges posts its own address as next, so that the user stays on it.
        redirect_to=safe_next(request.form.get("next")) or url_for("challenges.show", slug=slug),
        done=_("You no longer follow this challenge."),
    )


@route(bp, "/account/following", AUTHENTICATED)
def followed():
    page = following.followed_challenges_page(current_actor(), per_page=FOLLOWED_PAGE_SIZE)
    # Unfollowing the last challenge of a later page returns to the page before, which still exists.
    back_to_page = page.page - 1 if page.page > 1 and len(page.keys or []) == 1 else page.page
    return render_template(
        "challenges/followed.html", page=page, return_to=url_for("challenges.followed", page=back_to_page)
    )
