"""Document views: a challenge's owners attach and remove documents; whoever may see the challenge downloads them."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.challenges import documents
from goi.challenges.forms import DocumentForm
from goi.challenges.models import Challenge, ChallengeDocument
from goi.challenges.permissions import CHALLENGE_MANAGER, visible_challenge_or_404
from goi.challenges.views import bp, current_actor, render_show, show_form_error
from goi.core import transactions
from goi.core.errors import DomainError
from goi.core.forms import run_button_action
from goi.core.policy import PUBLIC, route
from goi.core.storage import DOCUMENT_TYPES, UploadError, remove_upload, save_upload, send_upload
from goi.extensions import db


def _document_or_404(challenge: Challenge, document_id: int) -> ChallengeDocument:
    document = db.session.get(ChallengeDocument, document_id)
    if document is None or document.challenge_id != challenge.id:
        abort(404)
    return document


@route(bp, "/challenges/<slug>/documents", CHALLENGE_MANAGER, methods=["POST"])
def upload_document(slug: str):
    challenge = visible_challenge_or_404(current_user, slug)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            with transactions.reading():  # the content check holds no write lock
                stored = save_upload(form.document.data, allowed=DOCUMENT_TYPES)
        except UploadError as error:
            form.document.errors = [*form.document.errors, str(error)]
        else:
            try:
                documents.add_document(current_actor(), challenge, stored)
            except DomainError as error:
                db.session.rollback()
                remove_upload(stored.stored_name)
                show_form_error(form, error)
            else:
                db.session.commit()
                flash(_("The document is attached."), "success")
                return redirect(url_for("challenges.show", slug=slug, _anchor="documents"))
    return render_show(challenge, status=422, document_form=form)


@route(bp, "/challenges/<slug>/documents/<int:document_id>", PUBLIC)
def document(slug: str, document_id: int):
    # visible_challenge_or_404 checks can_view_challenge on every download: a draft's documents stay with its owners.
    challenge = visible_challenge_or_404(current_user, slug)
    document = _document_or_404(challenge, document_id)
    try:
        return send_upload(document.stored_name, document.filename, document.file_type)
    except FileNotFoundError:
        abort(404)


@route(bp, "/challenges/<slug>/documents/<int:document_id>/delete", CHALLENGE_MANAGER, methods=["POST"])
def delete_document(slug: str, document_id: int):
    challenge = visible_challenge_or_404(current_user, slug)
    document = _document_or_404(challenge, document_id)
    return run_button_action(
        lambda: documents.remove_document(current_actor(), document),
        redirect_to=url_for("challenges.show", slug=slug, _anchor="documents"),
        done=_("The document is removed."),
        after_commit=remove_upload,
    )
