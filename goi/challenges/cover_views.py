"""Cover views: a challenge's managers set, replace and remove its cover image; whoever may see the challenge sees
it."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import cover
from goi.challenges.forms import CoverForm
from goi.challenges.permissions import CHALLENGE_MANAGER, visible_challenge_or_404
from goi.challenges.views import bp, current_actor, render_show
from goi.core import transactions
from goi.core.forms import run_button_action
from goi.core.policy import PUBLIC, route
from goi.core.storage import IMAGE_TYPES, UploadError, remove_upload, save_upload, send_upload
from goi.extensions import db


@route(bp, "/challenges/<slug>/cover", CHALLENGE_MANAGER, methods=["POST"])
def upload_cover(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = CoverForm()
    if form.validate_on_submit():
        try:
            with transactions.reading():  # the content check holds no write lock
                stored = save_upload(form.cover.data, allowed=IMAGE_TYPES)
        except UploadError as error:
            form.cover.errors = [*form.cover.errors, str(error)]
        else:
            replaced = cover.set_cover(current_actor(), challenge, stored, form.alt.data or "")
            db.session.commit()
            if replaced:
                remove_upload(replaced)
            flash(_("The cover image is saved."), "success")
            return redirect(url_for("challenges.show", slug=slug))
    return render_show(challenge, status=422, cover_form=form)


@route(bp, "/challenges/<slug>/cover", PUBLIC, endpoint="cover")
def cover_image(slug: str):
    # visible_challenge_or_404 checks can_view_challenge on every request: a draft's cover stays with its owners.
    # Served as every upload is (an attachment, nosniff, a sandbox); an <img> still shows it.
    challenge = visible_challenge_or_404(current_user, slug)
    if not challenge.cover_stored_name:
        abort(404)
    try:
        return send_upload(
            challenge.cover_stored_name, f"{challenge.slug}.{challenge.cover_file_type}", challenge.cover_file_type
        )
    except FileNotFoundError:
        abort(404)


@route(bp, "/challenges/<slug>/cover/delete", CHALLENGE_MANAGER, methods=["POST"])
def delete_cover(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    return run_button_action(
        lambda: cover.remove_cover(current_actor(), challenge),
        redirect_to=url_for("challenges.show", slug=slug),
        done=_("The cover image is removed."),
        after_commit=lambda removed: removed and remove_upload(removed),
    )
