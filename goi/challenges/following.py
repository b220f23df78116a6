"""Following a challenge, so that its announcements reach the follower."""

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from goi.accounts.models import User
from goi.challenges.models import Challenge, ChallengeStatus, Follow
from goi.challenges.queries import is_open
from goi.core import clock
from goi.core.pagination import Page, paginate
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


def followed_challenges_page(user: User, per_page: int) -> Page:
    """A page (?page=) of the challenges user follows: the open ones by nearest deadline, then the others by deadline.

    A draft is left out: whoever followed it while managing it may have lost sight of it since.
    """
    query = (
        select(Challenge)
        .join(Follow, Follow.challenge_id == Challenge.id)
        .where(Follow.user_id == user.id, Challenge.status != ChallengeStatus.DRAFT)
        .options(joinedload(Challenge.owner_org))
        .order_by(Challenge.closes_at, Challenge.id)
    )
    return paginate(query, per_page=per_page, key=Challenge.id, first=is_open(clock.now()))
