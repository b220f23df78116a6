"""Account rules: registration, confirmation, login, passwords, profile."""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from goi.accounts.models import User, hash_password
from goi.core import audit, clock, transactions
from goi.core.errors import DomainError
from goi.core.html import render_markdown
from goi.core.links import absolute_url
from goi.core.mail import queue_mail
from goi.core.tokens import make_token, read_token
from goi.data.passwords import is_common_password
from goi.extensions import db

PASSWORD_MIN = 8
PASSWORD_MAX = 128


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def password_problem(password: str) -> str | None:
    """Why a password is refused, or None: 8 to 128 characters and not a common password."""
    if len(password) < PASSWORD_MIN:
        return _("Use at least %(count)d characters.", count=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("Use at most %(count)d characters.", count=PASSWORD_MAX)
    if is_common_password(password):
        return _("This password is one of the most common passwords; choose another.")
    return None


def _refuse_taken_email(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise DomainError(_("An account with this email address already exists."), field="email")


def register_user(name: str, email: str, password: str, locale: str, next_path: str | None = None) -> User:
    """Create an unconfirmed account and queue the confirmation email (whose link leads on to next_path, a path on
    this site such as an invitation's, once confirmed and logged in)."""
    with transactions.reading():  # the checks and the slow hash hold no write lock
        _refuse_taken_email(email)
        password_hash = _new_password_hash(password)
    # Again in the write transaction, where the answer holds until the commit.
    _refuse_taken_email(email)
    user = User(name=name.strip(), email=normalize_email(email), locale=locale, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user, next_path)
    audit.record("account.registered", actor_id=user.id, object_type="user", object_id=user.id)
    return user


def send_confirmation(user: User, next_path: str | None = None) -> None:
    token = make_token("confirm", {"user": user.id, "email": user.email})
    link = absolute_url("accounts.confirm", token=token, next=next_path)
    queue_mail(user.email, "confirm_email", user.locale, user=user, link=link)


def confirm_email(token: str) -> User:
    payload = read_token("confirm", token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload["user"]) if payload else None
    if user is None or user.email != payload.get("email"):
        raise DomainError(_("This confirmation link is invalid or has expired."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()
        audit.record("account.confirmed", actor_id=user.id, object_type="user", object_id=user.id)
    return user


def record_login(user: User) -> None:
    user.last_login_at = clock.now()
    audit.record("auth.login", actor_id=user.id, object_type="user", object_id=user.id)


def record_failed_login(email: str, user: User | None) -> None:
    audit.record(
        "auth.login_failed",
        actor_id=None,
        object_type="user" if user else None,
        object_id=user.id if user else None,
        email=normalize_email(email)[:254],
    )


def authenticate(email: str, password: str) -> User:
    """The active user with these credentials; a failure is logged and raised."""
    with transactions.reading():  # the slow password check holds no write lock
        user = find_user_by_email(email)
        accepted = user is not None and user.check_password(password) and not user.is_disabled
    if not accepted:
        record_failed_login(email, user)
        raise DomainError(_("The email address or password is not correct."))
    if not user.is_confirmed:
        raise DomainError(_("Please confirm your email address first: use the link we emailed you."))
    return user


def resend_confirmation(email: str) -> None:
    """Queue a new confirmation link for an unconfirmed account; say nothing either way."""
    user = find_user_by_email(email)
    if user is not None and not user.is_confirmed and not user.is_disabled:
        send_confirmation(user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember cookie the user has."""
    user.session_version += 1


def logout(user: User) -> None:
    end_all_sessions(user)
    audit.record("auth.logout", actor_id=user.id, object_type="user", object_id=user.id)


def _reset_fingerprint(user: User) -> str:
    # Tied to the current hash, so a reset link works once and dies with any password change.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """Queue a reset link when the account exists; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.is_disabled:
        return
    token = make_token("reset", {"user": user.id, "fp": _reset_fingerprint(user)})
    queue_mail(
        user.email, "reset_password", user.locale, user=user, link=absolute_url("accounts.reset_password", token=token)
    )
    audit.record("auth.reset_requested", actor_id=None, object_type="user", object_id=user.id)


def user_for_reset_token(token: str) -> User | None:
    payload = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = db.session.get(User, payload["user"]) if payload else None
    if user is None or user.is_disabled or payload.get("fp") != _reset_fingerprint(user):
        return None
    return user


def reset_password(token: str, password: str) -> User:
    with transactions.reading():  # the checks and the slow hash hold no write lock
        _reset_user_or_refuse(token)
        password_hash = _new_password_hash(password)
    # Again in the write transaction: a link works once, even when two requests use it at the same time.
    user = _reset_user_or_refuse(token)
    _store_password_hash(user, password_hash)
    # Receiving the link proves the address.
    user.email_confirmed_at = user.email_confirmed_at or clock.now()
    audit.record("auth.password_reset", actor_id=user.id, object_type="user", object_id=user.id)
    return user


def _reset_user_or_refuse(token: str) -> User:
    user = user_for_reset_token(token)
    if user is None:
        raise DomainError(_("This reset link is invalid or has expired."))
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    with transactions.reading():  # both slow hashes hold no write lock
        if not user.check_password(current_password):
            raise DomainError(_("The current password is not correct."), field="current_password")
        password_hash = _new_password_hash(new_password)
    _store_password_hash(user, password_hash)
    audit.record("auth.password_changed", actor_id=user.id, object_type="user", object_id=user.id)


def _new_password_hash(password: str) -> str:
    """The hash of an acceptable new password; a refused one raises."""
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    return hash_password(password)


def _store_password_hash(user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    end_all_sessions(user)


def apply_matching_profile(owner, values: dict) -> None:
    """Store a user's or an organization's validated matching profile: keywords as "a, b, c", codes as "a,b".

    Only the fields values holds are changed, so a caller that knows some of them (an import) keeps the others.
    """
    for name in ("expertise", "seeking"):
        if name in values:
            setattr(owner, name, ", ".join(values[name]))
    for name in ("sectors", "regions_served"):
        if name in values:
            setattr(owner, name, ",".join(values[name]))
    if "trl" in values:
        owner.trl = values["trl"]


def update_profile(user: User, values: dict) -> None:
    """Apply validated profile fields; the bio is rendered and sanitized once, here."""
    user.name = values["name"].strip()
    user.headline = values["headline"].strip()
    user.bio_source = values["bio"]
    user.bio_html = render_markdown(values["bio"])
    apply_matching_profile(user, values)
    user.languages = ",".join(values["languages"])
    user.province_code = values["province_code"] or None
    user.regency_code = values["regency_code"] or None
    user.is_public_profile = values["is_public_profile"]
    audit.record("account.profile_updated", actor_id=user.id, object_type="user", object_id=user.id)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


def create_admin(email: str, name: str, password: str) -> User:
    """Make an account a platform admin, creating it (confirmed) when it does not exist."""
    user = find_user_by_email(email)
    if user is None:
        problem = password_problem(password)
        if problem:
            raise DomainError(problem, field="password")
        user = User(name=name, email=normalize_email(email), email_confirmed_at=clock.now())
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    user.is_platform_admin = True
    audit.record("admin.granted", actor_id=None, object_type="user", object_id=user.id)
    return user


def set_disabled(admin: User, user: User, disabled: bool) -> None:
    """Disable (ending every session) or re-enable an account."""
    if admin.id == user.id:
        raise DomainError(_("You cannot disable your own account."))
    user.is_disabled = disabled
    if disabled:
        end_all_sessions(user)
    audit.record(
        "admin.user_disabled" if disabled else "admin.user_enabled",
        actor_id=admin.id,
        object_type="user",
        object_id=user.id,
    )
