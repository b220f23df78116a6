"""Who may see and change accounts."""

from flask_login import AnonymousUserMixin

from goi.accounts.models import User


def can_view_profile(user: User | AnonymousUserMixin, person: User) -> bool:
    if person.is_disabled:
        return bool(user.is_authenticated and user.is_platform_admin)
    if person.is_public_profile:
        return True
    return bool(user.is_authenticated and (user.id == person.id or user.is_platform_admin))
