"""Signed, expiring tokens for links sent by email."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from goi.core import clock


class _ClockSigner(TimestampSigner):
    """Stamps and ages tokens by the application clock, so expiry follows clock.shift in tests."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"goi.{purpose}", signer=_ClockSigner)


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> dict | None:
    """The payload of a valid, unexpired token for purpose, else None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return payload if isinstance(payload, dict) else None


def hash_token(token: str) -> str:
    """What is stored of a token sent in a link: its SHA-256, so a database leak reveals no working link."""
    return hashlib.sha256(token.encode()).hexdigest()
