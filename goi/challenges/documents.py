"""Documents attached to a challenge: added and removed while it is a draft or published."""

from flask_babel import gettext as _

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeDocument, ChallengeStatus
from goi.core import audit
from goi.core.errors import DomainError
from goi.core.storage import StoredFile
from goi.extensions import db

DOCUMENT_STATES = frozenset({ChallengeStatus.DRAFT, ChallengeStatus.PUBLISHED})


def add_document(actor: User, challenge: Challenge, stored: StoredFile) -> ChallengeDocument:
    """Attach a checked upload while the challenge is a draft or published."""
    if challenge.status not in DOCUMENT_STATES:
        raise DomainError(_("Documents change only while the challenge is a draft or published."), field="document")
    document = ChallengeDocument.for_upload(stored, actor.id, challenge=challenge)
    db.session.add(document)
    db.session.flush()
    audit.record(
        "challenge.document_added",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        document=document.filename,
    )
    return document


def remove_document(actor: User, document: ChallengeDocument) -> str:
    """Detach a document; returns the stored name, for the caller to delete the file after the commit."""
    challenge = document.challenge
    if challenge.status not in DOCUMENT_STATES:
        raise DomainError(_("Documents change only while the challenge is a draft or published."))
    db.session.delete(document)
    audit.record(
        "challenge.document_removed",
        actor_id=actor.id,
        object_type="challenge",
        object_id=challenge.id,
        document=document.filename,
    )
    return document.stored_name
