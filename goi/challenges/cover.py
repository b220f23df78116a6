"""A challenge's cover image: set, replaced or removed by its managers, in any state."""

from goi.accounts.models import User
from goi.challenges.models import Challenge
from goi.core import audit
from goi.core.storage import StoredFile


def set_cover(actor: User, challenge: Challenge, stored: StoredFile, alt: str) -> str | None:
    """Make a checked image the cover; returns the replaced file's stored name, for the caller to delete after the
    commit."""
    replaced = challenge.cover_stored_name
    challenge.cover_stored_name = stored.stored_name
    challenge.cover_file_type = stored.file_type
    challenge.cover_alt = alt.strip() or None
    audit.record("challenge.cover_set", actor_id=actor.id, object_type="challenge", object_id=challenge.id)
    return replaced


def remove_cover(actor: User, challenge: Challenge) -> str | None:
    """Take the cover away; returns its stored name, for the caller to delete after the commit."""
    removed = challenge.cover_stored_name
    challenge.cover_stored_name = challenge.cover_file_type = challenge.cover_alt = None
    if removed:
        audit.record("challenge.cover_removed", actor_id=actor.id, object_type="challenge", object_id=challenge.id)
    return removed
