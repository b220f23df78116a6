"""The saved searches a newly published challenge matches, and the notice to each of their owners.

The filters are compared in one statement: each saved search's column against what the challenge is, in the
terms of the challenge list's own conditions (challenges.queries.browse_query), turned around: a challenge is in a
province's list when the province is its own or that of a member of its metropolitan area, and in a metropolitan
area's list when the area is its own or its regency belongs to it. Keywords are matched by the search code that
answers the list's keyword filter (search.service.keyword_texts_matching), once per distinct text.
"""

import math
from collections import defaultdict
from datetime import datetime

from sqlalchemy import or_, select

from goi.alerts.models import SavedSearch
from goi.alerts.services import unsubscribe_url
from goi.challenges.models import Challenge, ChallengeStatus, SolverKind
from goi.challenges.queries import FILTER_DATE_ZONE
from goi.core import clock
from goi.core.links import absolute_url, path_for
from goi.data import regions
from goi.extensions import db
from goi.notify.models import Notification
from goi.notify.services import notify
from goi.search.service import keyword_texts_matching

KIND = "saved_search_match"


def _provinces(challenge: Challenge) -> set[str]:
    """The provinces whose list shows challenge: its own, and those of its metropolitan area's members."""
    provinces = {challenge.province_code} if challenge.province_code else set()
    metro = regions.metro(challenge.metro_code) if challenge.metro_code else None
    if metro is not None:
        provinces |= {code.split(".", 1)[0] for code in metro.member_codes}
    return provinces


def _metros(challenge: Challenge) -> set[str]:
    """The metropolitan areas whose list shows challenge: its own, and those its regency or city belongs to."""
    metros = {challenge.metro_code} if challenge.metro_code else set()
    if challenge.regency_code:
        metros |= {metro.code for metro in regions.metros() if challenge.regency_code in metro.member_codes}
    return metros


def _either(column, condition):
    """No value chosen, or the chosen value matches."""
    return or_(column.is_(None), condition)


def _filter_conditions(challenge: Challenge, now: datetime) -> list:
    kinds = [kind.value for kind in SolverKind if getattr(challenge, f"allow_{kind.value}")]
    highest = challenge.budget_max if challenge.budget_max is not None else challenge.budget_min
    lowest = challenge.budget_min if challenge.budget_min is not None else challenge.budget_max
    conditions = [
        _either(SavedSearch.sector, SavedSearch.sector == challenge.sector),
        _either(SavedSearch.province_code, SavedSearch.province_code.in_(sorted(_provinces(challenge)))),
        _either(SavedSearch.metro_code, SavedSearch.metro_code.in_(sorted(_metros(challenge)))),
        _either(SavedSearch.solver_kind, SavedSearch.solver_kind.in_(kinds)),
        # "Budget from" asks for the highest amount the challenge names, "up to" for the lowest (queries.py).
        _either(SavedSearch.budget_min, SavedSearch.budget_min <= (highest if highest is not None else -1)),
        SavedSearch.budget_max.is_(None)
        if lowest is None
        else _either(SavedSearch.budget_max, SavedSearch.budget_max >= lowest),
    ]
    remaining = (challenge.closes_at - now).total_seconds()
    if remaining > 0:
        # closes_at <= now + days: the fewest whole days that reach the deadline, or more.
        days = math.ceil(remaining / 86400)
        conditions.append(_either(SavedSearch.closes_within_days, SavedSearch.closes_within_days >= days))
    else:
        conditions.append(SavedSearch.closes_within_days.is_(None))
    # The deadline filter's dates are days in FILTER_DATE_ZONE: the deadline's day there is within [from, until].
    day = challenge.closes_at.astimezone(FILTER_DATE_ZONE).date()
    conditions.append(_either(SavedSearch.closes_from, SavedSearch.closes_from <= day))
    conditions.append(_either(SavedSearch.closes_until, SavedSearch.closes_until >= day))
    return conditions


def saved_searches_matching(challenge: Challenge) -> list[SavedSearch]:
    """The saved searches whose list would show challenge now (none while it is a draft), by owner and age."""
    if challenge.status == ChallengeStatus.DRAFT:
        return []
    candidates = list(
        db.session.scalars(
            select(SavedSearch)
            .where(*_filter_conditions(challenge, clock.now()))
            .order_by(SavedSearch.user_id, SavedSearch.created_at, SavedSearch.id)
        )
    )
    texts = {saved.keywords for saved in candidates if saved.keywords}
    matched_texts = keyword_texts_matching(challenge.id, texts) if texts else set()
    return [saved for saved in candidates if not saved.keywords or saved.keywords in matched_texts]


def dedupe_key(challenge: Challenge) -> str:
    return f"saved-search:{challenge.id}"


def notify_saved_searches(challenge: Challenge, actor=None) -> int:
    """Tell the owner of each saved search challenge matches, once per challenge (naming every search of theirs it
    matches), except the actor who published it; returns how many users were told."""
    key = dedupe_key(challenge)
    by_user: dict[int, list[SavedSearch]] = defaultdict(list)
    for saved in saved_searches_matching(challenge):
        by_user[saved.user_id].append(saved)
    if actor is not None:
        by_user.pop(actor.id, None)
    if not by_user:
        return 0
    told_before = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(sorted(by_user)), Notification.dedupe_key == key
            )
        )
    )
    matches = {
        user_id: [(saved, unsubscribe_url(saved)) for saved in searches]
        for user_id, searches in by_user.items()
        if user_id not in told_before
    }
    told = notify(
        matches,
        KIND,
        path_for("challenges.show", slug=challenge.slug),
        dedupe_key=key,
        challenge=challenge,
        matches=matches,
        manage_link=absolute_url("alerts.index"),
    )
    for searches in matches.values():
        for saved, _url in searches:
            saved.last_notified_at = clock.now()
    return told
