"""Attachment views: a proposal's lead attaches and removes files; whoever may see the proposal downloads them."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from goi.core.errors import DomainError
from goi.core.forms import run_button_action
from goi.core.policy import route
from goi.core.storage import UploadError, remove_upload, send_upload
from goi.extensions import db
from goi.proposals import attachments
from goi.proposals.forms import AttachmentForm
from goi.proposals.models import ProposalAttachment
from goi.proposals.permissions import PROPOSAL_LEAD, PROPOSAL_VIEWER, can_download_attachment
from goi.proposals.views import (
    bp,
    current_actor,
    edit_form_from_proposal,
    proposal_or_404,
    render_edit,
    render_show,
)


# The rule lets through whoever may not see the proposal, so that the view answers 404; the view lets the review's
# panel download the submitted attachments too (it reads the proposal on the review's pages, not on the proposal's).
@route(bp, "/proposals/<int:proposal_id>/attachments/<int:attachment_id>", PROPOSAL_VIEWER)
def attachment(proposal_id: int, attachment_id: int):
    item = db.session.get(ProposalAttachment, attachment_id)
    if item is None or item.proposal_id != proposal_id or not can_download_attachment(current_user, item):
        abort(404)
    try:
        return send_upload(item.stored_name, item.filename, item.file_type)
    except FileNotFoundError:
        abort(404)


@route(bp, "/proposals/<int:proposal_id>/attachments", PROPOSAL_LEAD, methods=["POST"])
def upload(proposal_id: int):
    proposal = proposal_or_404(proposal_id)
    upload_form = AttachmentForm()
    if upload_form.validate_on_submit():
        try:
            attachments.add_attachment(current_actor(), proposal, upload_form.file.data)
        except (UploadError, DomainError) as error:
            db.session.rollback()
            upload_form.file.errors = [*upload_form.file.errors, getattr(error, "message", str(error))]
        else:
            db.session.commit()
            flash(_("The file is attached."), "success")
            return redirect(url_for(f"proposals.{_return_page()}", proposal_id=proposal.id))
    if _return_page() == "show":
        return render_show(proposal, 422, upload_form=upload_form)
    return render_edit(proposal, edit_form_from_proposal(proposal), upload_form, 422)


def _return_page() -> str:
    """The page the upload form was on: the proposal page or the edit page (the default)."""
    return "show" if request.form.get("return_to") == "show" else "edit"


@route(bp, "/proposals/<int:proposal_id>/attachments/<int:attachment_id>/remove", PROPOSAL_LEAD, methods=["POST"])
def remove_attachment(proposal_id: int, attachment_id: int):
    proposal = proposal_or_404(proposal_id)
    item = db.session.get(ProposalAttachment, attachment_id)
    if item is None or item.proposal_id != proposal.id:
        abort(404)
    return run_button_action(
        lambda: attachments.remove_attachment(current_actor(), item),
        redirect_to=url_for(f"proposals.{_return_page()}", proposal_id=proposal.id),
        done=_("The file is removed."),
        redirect_on_error=url_for("proposals.show", proposal_id=proposal.id),
        after_commit=remove_upload,
    )
