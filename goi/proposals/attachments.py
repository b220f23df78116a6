"""Proposal attachments: checked uploads within the per-proposal size limit, each stored with its SHA-256."""

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from goi.accounts.models import User
from goi.core import audit, transactions
from goi.core.errors import DomainError
from goi.core.storage import DOCUMENT_TYPES, remove_upload, save_upload, upload_root
from goi.extensions import db
from goi.proposals.models import Proposal, ProposalAttachment
from goi.proposals.services import require_lead, require_open

DEFAULT_PROPOSAL_MAX_BYTES = 25 * 1024 * 1024


def _file_sha256(stored_name: str) -> str:
    digest = hashlib.sha256()
    with (upload_root() / Path(stored_name).name).open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def proposal_max_bytes() -> int:
    return int(current_app.config.get("PROPOSAL_MAX_BYTES", DEFAULT_PROPOSAL_MAX_BYTES))


def add_attachment(user: User, proposal: Proposal, upload: FileStorage) -> ProposalAttachment:
    """Store a checked file (type by content, per-file and per-proposal size) and attach it."""
    require_lead(user, proposal)
    require_open(proposal)
    with transactions.reading():  # the content check and the hash hold no write lock
        stored = save_upload(upload, allowed=DOCUMENT_TYPES)  # raises UploadError; nothing is kept then
        sha256 = _file_sha256(stored.stored_name)
    # Checked again in the write transaction, where the answers hold until the commit.
    try:
        require_open(proposal)
        used = sum(attachment.size for attachment in proposal.attachments)
        limit = proposal_max_bytes()
        if used + stored.size > limit:
            raise DomainError(
                _("The attachments of a proposal may total at most %(size)s MB.", size=limit // (1024 * 1024)),
                field="file",
            )
    except DomainError:
        remove_upload(stored.stored_name)
        raise
    attachment = ProposalAttachment.for_upload(stored, user.id, sha256=sha256)
    proposal.attachments.append(attachment)
    db.session.flush()
    audit.record(
        "proposal.attachment_added",
        actor_id=user.id,
        object_type="proposal",
        object_id=proposal.id,
        filename=stored.original_name,
    )
    return attachment


def remove_attachment(user: User, attachment: ProposalAttachment) -> str:
    """Detach the file; returns its stored name so the caller deletes it after the commit."""
    proposal = attachment.proposal
    require_lead(user, proposal)
    require_open(proposal)
    stored_name = attachment.stored_name
    proposal.attachments.remove(attachment)
    audit.record(
        "proposal.attachment_removed",
        actor_id=user.id,
        object_type="proposal",
        object_id=proposal.id,
        filename=attachment.filename,
    )
    return stored_name
