"""Metropolitan area fixtures: the challenge tests' stopped clock and a client with a fresh flask.g per request."""

import pytest

from tests.challenges.conftest import _frozen_clock  # noqa: F401 (autouse: the challenge tests' stopped clock)
from tests.orgs import fresh_client


@pytest.fixture
def client(app):
    return fresh_client(app)
