"""Site fixtures: the proposal tests' published challenges and solver organizations, which the home page shows."""

from tests.proposals.conftest import make_challenge, solver_orgs  # noqa: F401 (fixtures)
