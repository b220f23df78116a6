"""Every operation of the OpenAPI document, driven by schemathesis with generated arguments and bodies (valid and
not valid), with and without a token: no 5xx, and every answer (status, headers, body) as the document says."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from goi.api import tokens as api_tokens
from goi.api.models import Scope
from goi.challenges.models import ChallengeStatus
from goi.extensions import db as _db
from tests.challenges import make_challenge

EXAMPLES = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def api_schema(app, world):
    owner = world["gov_verified"]
    owner.ref = "pemkot-palembang"
    world["industry"].ref = "pt-industri"
    make_challenge(owner, title="Banjir Musi", ref="PLG-2026-01")
    make_challenge(owner, status=ChallengeStatus.CLOSED, title="Sampah pasar")
    _db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _secret(world, scopes: set[Scope]) -> str:
    _token, secret = api_tokens.create_token(world["users"]["gov_admin"], world["gov_verified"], "SIPD", scopes, 90)
    _db.session.commit()
    return secret


def _runner(operation, mode: GenerationMode, headers: dict):
    """A Hypothesis test that sends the operation's generated requests and checks every answer."""
    # A write's body may meet its schema and still break a rule across fields that no schema states (a region, an
    # opening before the deadline): its 422 names the field, and every other check still holds.
    excluded = [positive_data_acceptance] if "requestBody" in operation.definition.raw else []
    needs_token = "security" in operation.definition.raw

    @given(case=operation.as_strategy(generation_mode=mode))
    @EXAMPLES
    def run(case):
        # Where the document asks for a token, the generated request carries a made-up one, which the test's token
        # replaces; a request generated without one tests the refusal and goes without.
        sends = headers if not needs_token or "Authorization" in (case.headers or {}) else {}
        case.call_and_validate(headers=sends, excluded_checks=excluded)

    return run


def _drive(api_schema, headers: dict) -> list[str]:
    """Run every operation in both generation modes; the failures, each named by its operation."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _runner(operation, mode, headers)()
            except Unsatisfiable:
                # Nothing in the operation can be made invalid (no arguments, or only free-text ones).
                assert mode == GenerationMode.NEGATIVE, f"{operation.method} {operation.path}: no valid request"
            except (Exception, BaseExceptionGroup) as error:  # each operation's failures are collected
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {error}")
    return failures


def test_every_operation_without_a_token(api_schema):
    failures = _drive(api_schema, {})
    assert failures == [], "\n\n".join(failures)


def test_every_operation_with_a_token_of_every_scope(api_schema, world):
    failures = _drive(api_schema, {"Authorization": f"Bearer {_secret(world, set(Scope))}"})
    assert failures == [], "\n\n".join(failures)


def test_every_operation_with_a_read_only_token(api_schema, world):
    failures = _drive(api_schema, {"Authorization": f"Bearer {_secret(world, {Scope.READ})}"})
    assert failures == [], "\n\n".join(failures)
