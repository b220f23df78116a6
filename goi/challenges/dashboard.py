"""The owner dashboard (/account/challenges): a page of the challenges of the organizations a user manages, each
with its state, time left, followers, questions waiting, proposals started and submitted and the owner's next
action; chips that filter by state; and the same rows as CSV.

Every figure of every row comes from one statement: the page's challenges joined to grouped counts of their
followers, unanswered questions and proposals (counts only: no proposal is named, sealed or not), and to whether
their results are published. Proposals and results belong to the domains above this one, which register their
subqueries in app.extensions (see goi.register_blueprints).
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import load_only

from goi.challenges import queries
from goi.challenges.display import (
    STATUS_STYLES,
    display_status,
    region_name,
    remaining_time,
    sector_label,
    time_left,
)
from goi.challenges.lifecycle import status_label
from goi.challenges.models import Challenge, ChallengeStatus, Follow, Question
from goi.core import clock
from goi.core.links import absolute_url
from goi.core.pagination import Page
from goi.extensions import db
from goi.orgs.models import MemberRole, Membership, Organization, OrgKind

PAGE_SIZE = 30
# A cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's advice against CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The columns a row needs: not the long texts (problem, context, outcomes and their HTML).
_ROW_COLUMNS = (
    Challenge.slug,
    Challenge.ref,
    Challenge.owner_org_id,
    Challenge.title,
    Challenge.sector,
    Challenge.province_code,
    Challenge.regency_code,
    Challenge.metro_code,
    Challenge.timezone,
    Challenge.budget_min,
    Challenge.budget_max,
    Challenge.opens_at,
    Challenge.closes_at,
    Challenge.is_sealed,
    Challenge.status,
    Challenge.created_at,
)


@dataclass(slots=True, frozen=True)
class Action:
    """The owner's next step on a challenge: a link to the page where it is done (state changes stay POST forms
    there)."""

    name: str
    label: str
    url: str


@dataclass(slots=True, frozen=True)
class DashboardRow:
    """One challenge as the dashboard shows it, its texts built in Python once per row."""

    challenge: Challenge
    url: str
    status: str
    status_name: str
    status_style: str
    organization_name: str
    deadline: str
    time_left: str
    followers: int
    questions_waiting: int
    proposals_started: int
    proposals_submitted: int
    sealed: bool
    questions_url: str | None
    proposals_url: str | None
    next_action: Action | None


@dataclass(slots=True, frozen=True)
class Chip:
    """A state filter of the dashboard: its label, how many challenges are in it, its link."""

    value: str
    label: str
    count: int
    url: str
    current: bool


def chosen_status(raw: str | None) -> ChallengeStatus | None:
    """The state of ?status= (None: all); ValueError for a state that does not exist."""
    return ChallengeStatus(raw) if raw else None


def status_chips(counts: dict[ChallengeStatus, int], current: ChallengeStatus | None) -> list[Chip]:
    """All, then each state that has challenges (or is the one chosen), in the order of the lifecycle."""
    chips = [Chip("", _("All"), sum(counts.values()), url_for("challenges.mine"), current is None)]
    for status, count in counts.items():
        if count or status == current:
            url = url_for("challenges.mine", status=status.value)
            chips.append(Chip(status.value, status_label(status), count, url, status == current))
    return chips


def new_challenge_organizations(organization_ids: set[int]) -> list[Organization]:
    """The organizations the user may create challenges for, by name."""
    if not organization_ids:
        return []
    query = (
        select(Organization)
        .where(Organization.id.in_(organization_ids))
        .options(load_only(Organization.slug, Organization.name))
        .order_by(Organization.name, Organization.id)
    )
    return list(db.session.scalars(query))


def unverified_governments(user) -> list[Organization]:
    """Government organizations the user administers that are not verified yet: once one is, the user owns
    challenges."""
    query = (
        select(Organization)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_((MemberRole.OWNER, MemberRole.ADMIN)),
            Organization.kind == OrgKind.GOVERNMENT,
            Organization.verified_at.is_(None),
        )
        .order_by(Organization.name, Organization.id)
    )
    return list(db.session.scalars(query))


def dashboard_page(organization_ids: set[int], status: ChallengeStatus | None, counts: dict) -> tuple[Page, list]:
    """A page (?page=) of the managed challenges in status (or all) and its rows, in two statements: the page's ids
    from the index, then the rows with their counts."""
    total = counts[status] if status is not None else sum(counts.values())
    page = queries.managed_challenges_page(organization_ids, total=total, per_page=PAGE_SIZE, status=status)
    if not page.keys:
        return page, []
    found = {row.challenge.id: row for row in _rows(_page_statement(*_providers()), {"ids": page.keys})}
    return page, [found[key] for key in page.keys if key in found]


def export_rows(organization_ids: set[int], status: ChallengeStatus | None) -> list[DashboardRow]:
    """Every managed challenge in status (or all), the latest first, in one statement."""
    statement = _export_statement(frozenset(organization_ids), status, *_providers())
    return _rows(statement, {})


def _providers() -> tuple:
    return current_app.extensions["proposal_counts"], current_app.extensions["published_results"]


@lru_cache(maxsize=8)
def _page_statement(proposal_counts, published_results) -> Select:
    return _rows_statement(bindparam("ids", expanding=True), proposal_counts, published_results)


@lru_cache(maxsize=1024)
def _export_statement(organization_ids: frozenset[int], status, proposal_counts, published_results) -> Select:
    ids = queries.managed_ids(organization_ids, status).order_by(None)
    return _rows_statement(ids, proposal_counts, published_results).order_by(
        Challenge.created_at.desc(), Challenge.id.desc()
    )


def _rows_statement(ids, proposal_counts, published_results) -> Select:
    """The challenges of ids with their owner's name and their counts, each count a grouped subquery over ids."""
    followers = (
        select(Follow.challenge_id, func.count().label("number"))
        .where(Follow.challenge_id.in_(ids))
        .group_by(Follow.challenge_id)
        .subquery()
    )
    waiting = (
        select(Question.challenge_id, func.count().label("number"))
        .where(Question.challenge_id.in_(ids), Question.answered_at.is_(None))
        .group_by(Question.challenge_id)
        .subquery()
    )
    proposals = proposal_counts(ids)
    results = published_results(ids)
    return (
        select(
            Challenge,
            Organization.name,
            func.coalesce(followers.c.number, 0),
            func.coalesce(waiting.c.number, 0),
            func.coalesce(proposals.c.drafts, 0),
            func.coalesce(proposals.c.submitted, 0),
            results.c.challenge_id.is_not(None),
        )
        .join(Organization, Organization.id == Challenge.owner_org_id)
        .outerjoin(followers, followers.c.challenge_id == Challenge.id)
        .outerjoin(waiting, waiting.c.challenge_id == Challenge.id)
        .outerjoin(proposals, proposals.c.challenge_id == Challenge.id)
        .outerjoin(results, results.c.challenge_id == Challenge.id)
        .where(Challenge.id.in_(ids))
        .options(load_only(*_ROW_COLUMNS))
    )


def _rows(statement: Select, parameters: dict) -> list[DashboardRow]:
    rows = []
    for challenge, organization_name, followers, waiting, started, submitted, published in db.session.execute(
        statement, parameters
    ):
        status = display_status(challenge)
        # The sealing rule of goi.proposals.permissions.sealing_lifted: the owners see the submitted proposals of a
        # sealed challenge once its deadline has passed. Said only of an open challenge (a draft or a cancelled one
        # takes none).
        sealing = challenge.is_sealed and not challenge.deadline_passed
        slug = challenge.slug
        rows.append(
            DashboardRow(
                challenge=challenge,
                url=url_for("challenges.show", slug=slug),
                status=status.value,
                status_name=status_label(status),
                status_style=STATUS_STYLES[status],
                organization_name=organization_name,
                # A cancelled challenge has no deadline any more (its planned one may still be ahead).
                deadline=""
                if status == ChallengeStatus.CANCELLED
                else clock.format_in_zone(challenge.closes_at, challenge.timezone),
                time_left=_time_left(challenge, status),
                followers=followers,
                questions_waiting=waiting,
                proposals_started=started,
                proposals_submitted=submitted,
                sealed=sealing and status == ChallengeStatus.PUBLISHED,
                questions_url=url_for("challenges.questions", slug=slug) if waiting else None,
                proposals_url=url_for("proposals.challenge_proposals", slug=slug)
                if submitted and not sealing
                else None,
                next_action=next_action(challenge, status, waiting, published),
            )
        )
    return rows


def _time_left(challenge: Challenge, status: ChallengeStatus) -> str:
    """'12 days left' while open; before its opening, when it opens; nothing in the other states (the state says
    it)."""
    if status == ChallengeStatus.DRAFT:
        return _("Not published")
    if status == ChallengeStatus.PUBLISHED and remaining_time(challenge) is None:
        return _("Opens %(when)s", when=clock.format_in_zone(challenge.opens_at, challenge.timezone))
    return time_left(challenge) if status == ChallengeStatus.PUBLISHED else ""


def next_action(challenge: Challenge, status: ChallengeStatus, questions_waiting: int, results_published: bool):
    """What the owner does next, by the displayed state: publish a draft, answer the questions of an open
    challenge, start the review after the deadline, record the decision, publish the results; nothing once the
    results are out, archived or cancelled. A state change links to the challenge's manage panel, where it is a
    form."""
    slug = challenge.slug
    manage = url_for("challenges.show", slug=slug, _anchor="manage-heading")
    if status == ChallengeStatus.DRAFT:
        return Action("publish", _("Publish"), manage)
    if status == ChallengeStatus.PUBLISHED:
        if not questions_waiting:
            return None
        label = ngettext("Answer %(num)d question", "Answer %(num)d questions", questions_waiting)
        return Action("answer", label, url_for("challenges.questions", slug=slug))
    if status == ChallengeStatus.CLOSED:
        return Action("start_review", _("Start the review"), manage)
    if status == ChallengeStatus.UNDER_REVIEW:
        return Action("decide", _("Record the decision"), manage)
    if status == ChallengeStatus.DECIDED and not results_published:
        return Action("publish_results", _("Publish the results"), url_for("reviews.new_results", slug=slug))
    return None


# --- CSV -------------------------------------------------------------------------------------------------------------


def csv_cell(value) -> str:
    """A cell's text, with a leading apostrophe when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header() -> list[str]:
    return [
        _("Reference"),
        _("Title"),
        _("State"),
        _("Organization"),
        _("Region"),
        _("Region code (Kemendagri)"),
        _("Sector"),
        _("Opens"),
        _("Closes"),
        _("Budget from (Rp)"),
        _("Budget up to (Rp)"),
        _("Followers"),
        _("Questions waiting"),
        _("Proposals started"),
        _("Proposals submitted"),
        _("URL"),
    ]


def csv_record(row: DashboardRow) -> list:
    """A row of the export: dates in ISO 8601 with the offset of the challenge's zone, amounts as plain integers."""
    challenge = row.challenge
    return [
        challenge.ref,
        challenge.title,
        row.status_name,
        row.organization_name,
        region_name(challenge.province_code, challenge.regency_code, challenge.metro_code),
        challenge.regency_code or challenge.province_code,
        sector_label(challenge.sector),
        clock.in_zone(challenge.opens_at, challenge.timezone).isoformat(),
        clock.in_zone(challenge.closes_at, challenge.timezone).isoformat(),
        challenge.budget_min,
        challenge.budget_max,
        row.followers,
        row.questions_waiting,
        row.proposals_started,
        row.proposals_submitted,
        absolute_url("challenges.show", slug=challenge.slug),
    ]


def csv_filename(status: ChallengeStatus | None) -> str:
    """'goi-challenges-2026-12-03.csv' (the day in western Indonesia), with the state when one is chosen
    ('goi-challenges-draft-…')."""
    today = clock.in_zone(clock.now(), "Asia/Jakarta").date()
    parts = ("goi-challenges", status.value if status else "", today.isoformat())
    return "-".join(part for part in parts if part) + ".csv"


def csv_text(rows: Iterable[DashboardRow]) -> str:
    """The export: the header, then a line per challenge (UTF-8 without a byte order mark when encoded)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header())
    writer.writerows([csv_cell(value) for value in csv_record(row)] for row in rows)
    return buffer.getvalue()
