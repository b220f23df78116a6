"""Challenge fixtures: the clock stopped at NOW, a client with a fresh flask.g per request, a verified owner."""

import pytest

from goi.core import clock
from tests.challenges import NOW
from tests.orgs import fresh_client


@pytest.fixture(autouse=True)
def _frozen_clock(app):
    clock.freeze(NOW)
    yield
    clock.reset()


@pytest.fixture
def client(app):
    return fresh_client(app)


@pytest.fixture
def palembang(world):
    return world["gov_verified"]
