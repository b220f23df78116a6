"""The proposals' fixtures serve the review tests too."""

from tests.proposals.conftest import make_challenge, solver_orgs  # noqa: F401
