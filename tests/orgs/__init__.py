"""Organization tests."""

from flask import Flask
from flask.testing import FlaskClient


def fresh_client(app: Flask) -> FlaskClient:
    """Another browser: a client with its own cookies (tests/conftest.py gives each request a fresh flask.g)."""
    return app.test_client()
