"""Loading the user of a session, refusing sessions that were ended."""

from goi.accounts.models import User
from goi.extensions import db


def load_user(session_id: str) -> User | None:
    """The user for a 'id:version' session id, or None when the version was raised since."""
    user_part, _, version_part = session_id.partition(":")
    if not user_part.isdigit() or not version_part.isdigit():
        return None
    user = db.session.get(User, int(user_part))
    if user is None or user.is_disabled or user.session_version != int(version_part):
        return None
    return user
