"""Who may publish a challenge's results, and the policy rules of the review's routes."""

from goi.challenges.models import Challenge
from goi.challenges.permissions import can_manage_challenge, challenge_rule
from goi.reviews.panel import can_manage_review, is_panel_member
from goi.reviews.services import awaiting_results


def can_publish_results(user, challenge: Challenge) -> bool:
    """The challenge's managers, once it is decided and until its results are published."""
    return can_manage_challenge(user, challenge) and awaiting_results(challenge)


# The review's routes take the challenge's slug; like every challenge rule they answer 404 where the challenge may not
# be seen at all. Finer checks (a conflict with one proposal, an assignment that is not the user's) are the views'.
REVIEW_MANAGER = challenge_rule("runs the review (challenge owner or panel chair)", can_manage_review)
PANEL_MEMBER = challenge_rule(
    "on the review panel, or runs the review",
    lambda user, challenge: is_panel_member(user, challenge) or can_manage_review(user, challenge),
)
