"""Who may publish a challenge's results."""

from goi.challenges.models import Challenge
from goi.challenges.permissions import can_manage_challenge
from goi.reviews.services import awaiting_results


def can_publish_results(user, challenge: Challenge) -> bool:
    """The challenge's managers, once it is decided and until its results are published."""
    return can_manage_challenge(user, challenge) and awaiting_results(challenge)
