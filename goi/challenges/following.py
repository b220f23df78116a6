"""Following a challenge, so that its announcements reach the follower."""

from sqlalchemy import bindparam, select

from goi.accounts.models import User
from goi.challenges.models import Challenge, Follow
from goi.core import clock
from goi.extensions import db

# Built once: a challenge page asks it for every logged-in viewer (building a statement costs more than running it).
_FOLLOWING = select(Follow.id).where(
    Follow.challenge_id == bindparam("challenge_id"), Follow.user_id == bindparam("user_id")
)


def is_following(user: User, challenge: Challenge) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.scalar(_FOLLOWING, {"challenge_id": challenge.id, "user_id": user.id}) is not None


def follow(user: User, challenge: Challenge) -> None:
    if not is_following(user, challenge):
        db.session.add(Follow(challenge_id=challenge.id, user_id=user.id, created_at=clock.now()))


def unfollow(user: User, challenge: Challenge) -> None:
    for row in db.session.scalars(select(Follow).where(Follow.challenge_id == challenge.id, Follow.user_id == user.id)):
        db.session.delete(row)
