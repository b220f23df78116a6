"""A round's ranking and reviews as sheets for the committee: rows for CSV, and both sheets in one XLSX workbook.

Text cells a spreadsheet would run as a formula get a leading apostrophe; in a single-blind review no team is named.
"""

import io

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from goi.challenges.dashboard import csv_cell
from goi.challenges.models import Challenge, Criterion
from goi.extensions import db
from goi.reviews import panel, ranking
from goi.reviews.decisions import DECISION_LABELS
from goi.reviews.models import CriterionScore, ReviewRound
from goi.reviews.scoring import RECOMMENDATION_LABELS


def _number(value: float | None):
    return None if value is None else round(value, 2)


def _proposal(proposal_id: int) -> str:
    return f"#{proposal_id}"


def _decision_label(decision: str | None) -> str:
    return "" if decision is None else str(DECISION_LABELS[decision])


def ranking_sheet(challenge: Challenge, review_round: ReviewRound, hidden=frozenset()) -> list[list]:
    """The header and a row per proposal of the round, in the ranking's order (by the raw mean)."""
    blind = panel.is_blind(challenge)
    result = ranking.ranking_of(challenge, review_round, "mean", hidden)
    header = [_("Rank"), _("Proposal"), _("Title")]
    header += [] if blind else [_("Team")]
    header += [
        _("Reviews"),
        _("Mean"),
        _("Calibrated score"),
        _("Standard error"),
        _("Median"),
        _("Standard deviation"),
        _("Lowest"),
        _("Highest"),
        _("Disagreement"),
        _("Ranked"),
        _("Shortlisted"),
        _("Decision"),
    ]
    rows = [header]
    for row in result.rows:
        values = [row.rank, _proposal(row.proposal_id), row.title]
        values += [] if blind else [row.team]
        values += [
            row.count,
            _number(row.mean),
            _number(row.calibrated),
            _number(row.calibrated_stderr),
            _number(row.median),
            _number(row.sd),
            _number(row.minimum),
            _number(row.maximum),
            _("yes") if row.disagreement else _("no"),
            _("yes") if row.ranked else _("not enough reviews"),
            _("yes") if row.shortlisted else _("no"),
            _decision_label(row.decision),
        ]
        rows.append(values)
    return rows


def reviews_sheet(challenge: Challenge, review_round: ReviewRound, hidden=frozenset()) -> list[list]:
    """The header and a row per submitted review of the round: reviewer, proposal, each criterion's score and
    comment, the weighted score, recommendation and confidence."""
    blind = panel.is_blind(challenge)
    criteria = list(
        db.session.scalars(
            select(Criterion).where(Criterion.challenge_id == challenge.id).order_by(Criterion.position, Criterion.id)
        )
    )
    proposals = {entry.proposal_id: entry.proposal for entry in ranking.round_proposals(review_round)}
    reviews = [item for item in ranking.submitted_reviews(review_round) if item.proposal_id not in hidden]
    scores: dict[tuple[int, int], CriterionScore] = {}
    if reviews:
        query = select(CriterionScore).where(CriterionScore.review_id.in_([item.review.id for item in reviews]))
        scores = {(score.review_id, score.criterion_id): score for score in db.session.scalars(query)}
    header = [_("Reviewer"), _("Proposal"), _("Title")]
    header += [] if blind else [_("Team")]
    for criterion in criteria:
        header += [
            _("%(criterion)s: score", criterion=criterion.name),
            _("%(criterion)s: comment", criterion=criterion.name),
        ]
    header += [_("Weighted score"), _("Recommendation"), _("Confidence")]
    rows = [header]
    for item in reviews:
        review, proposal = item.review, proposals.get(item.proposal_id)
        values = [item.reviewer_name, _proposal(item.proposal_id), proposal.title if proposal else ""]
        values += [] if blind else [proposal.team_name if proposal else ""]
        for criterion in criteria:
            score = scores.get((review.id, criterion.id))
            values += [score.score if score else None, score.comment if score else ""]
        recommendation = RECOMMENDATION_LABELS.get(review.recommendation) if review.recommendation else None
        values += [_number(review.weighted_score), str(recommendation or ""), review.confidence]
        rows.append(values)
    return rows


def _safe(value):
    """Numbers stay numbers; text is neutralized like a CSV cell."""
    if value is None or isinstance(value, int | float):
        return value
    return csv_cell(value)


def xlsx_bytes(challenge: Challenge, review_round: ReviewRound, hidden=frozenset()) -> bytes:
    """A workbook with the ranking in its first sheet and the reviews in its second."""
    workbook = Workbook()
    first = workbook.active
    first.title = _("Ranking")[:31]
    second = workbook.create_sheet(_("Reviews")[:31])
    for sheet, rows in (
        (first, ranking_sheet(challenge, review_round, hidden)),
        (second, reviews_sheet(challenge, review_round, hidden)),
    ):
        for row in rows:
            sheet.append([_safe(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
