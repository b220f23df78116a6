"""Making, checking and revoking API tokens, and the rule of the policy table for endpoints a token reaches.

A token is "goi_" and 43 URL-safe characters; the database keeps its SHA-256 and its first twelve characters. A
request presents it as `Authorization: Bearer <token>`; an unknown, expired or revoked token is a 401, a token
without the endpoint's scope a 403. Every use is logged (the `goi.api` logger: token, organization, method, path,
status); `last_used_at` moves at most once a minute, so that reads do not each write.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select, update

from goi.accounts.models import User
from goi.api.models import ApiToken, Scope
from goi.core import audit, clock, transactions
from goi.core.errors import DomainError
from goi.core.policy import Rule
from goi.extensions import client_address, db
from goi.orgs.models import Organization

log = logging.getLogger("goi.api")

TOKEN_PREFIX = "goi_"  # noqa: S105 (the visible start of every token, not a secret)
SHOWN_CHARACTERS = 12
LIFETIMES_DAYS = (30, 90, 180, 365)
LAST_USE_PRECISION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    actor: User, organization: Organization, name: str, scopes: set[Scope], days: int
) -> tuple[ApiToken, str]:
    """A new token and its secret (to be shown once); the caller commits."""
    name = name.strip()
    if not name:
        raise DomainError(_("Give the token a name, such as the system that will use it."), field="name")
    if Scope.READ not in scopes:
        # Every token may read what its writes concern (a write answers with the record it made).
        scopes = {*scopes, Scope.READ}
    if days not in LIFETIMES_DAYS:
        raise DomainError(_("Choose how long the token lasts."), field="days")
    now = clock.now()
    active = db.session.scalar(
        select(db.func.count(ApiToken.id)).where(
            ApiToken.organization_id == organization.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now
        )
    )
    if active >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("An organization has at most %(most)d active tokens: revoke one first.", most=MAX_ACTIVE_TOKENS)
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organization_id=organization.id,
        name=name[:80],
        scopes=" ".join(sorted(scope.value for scope in scopes)),
        prefix=secret[:SHOWN_CHARACTERS],
        token_hash=_hash(secret),
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api.token_created",
        actor_id=actor.id,
        object_type="organization",
        object_id=organization.id,
        token=token.id,
        scopes=token.scopes,
        days=days,
    )
    return token, secret


def revoke_token(actor: User, token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise DomainError(_("This token is revoked already."))
    token.revoked_at = clock.now()
    token.revoked_by_id = actor.id
    audit.record(
        "api.token_revoked",
        actor_id=actor.id,
        object_type="organization",
        object_id=token.organization_id,
        token=token.id,
    )


def tokens_of(organization: Organization) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.organization_id == organization.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


# --- a request's token --------------------------------------------------------------------------------------------


class TokenRefused(Exception):
    """A presented token that does not authenticate (unknown, expired, revoked) or lacks the scope."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def presented_secret() -> str | None:
    """The bearer token of the request's Authorization header, if it holds one."""
    header = request.headers.get("Authorization", "")
    kind, _sep, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def request_token() -> ApiToken | None:
    """The request's token, checked once per request; TokenRefused when one is presented but does not authenticate."""
    if "api_token" in g:
        return g.api_token
    secret = presented_secret()
    token = None
    if secret is not None:
        token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
        if token is None or not token.is_active(clock.now()):
            raise TokenRefused(401, _("The API token is unknown, expired or revoked."))
    g.api_token = token
    return token


def token_rule(scope: Scope) -> Rule:
    """The policy rule of an endpoint a token reaches with that scope (and nothing else does)."""

    def allowed(user, args) -> bool:
        token = request_token()
        if token is None:
            raise TokenRefused(401, _("This endpoint needs an API token: send it as Authorization: Bearer <token>."))
        if scope not in token.scope_set:
            raise TokenRefused(403, _("This API token does not have the %(scope)s scope.", scope=scope.value))
        return True

    return Rule(f"API token with {scope.value}", allowed, needs_login=False)


def record_use(token: ApiToken, status: int, now: datetime | None = None) -> None:
    """Log the use; move last_used_at when it is older than the precision kept (a short write of its own, so
that most reads write nothing)."""
    now = now or clock.now()
    log.info(
        "api token %d of organization %d: %s %s answered %d",
        token.id,
        token.organization_id,
        request.method,
        request.path,
        status,
    )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        with transactions.write_transaction():
            db.session.execute(
                update(ApiToken)
                .where(ApiToken.id == token.id)
                .where((ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at <= now - LAST_USE_PRECISION))
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )


def rate_limit_key() -> str:
    """The rate limiter's key: the token's, so that each token has its own budget whatever the address."""
    try:
        token = request_token()
    except TokenRefused:
        token = None
    return f"api-token:{token.id}" if token is not None else f"api-address:{client_address()}"
