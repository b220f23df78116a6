"""The platform's figures in the API: the figures of /statistics (goi.statistics.figures), read as the page reads
them, each with an explicit schema; regions by their Kemendagri codes beside their names."""

from marshmallow import fields

from goi.api.challenge_reads import SectorSchema, region, sector_of
from goi.api.schemas import MetroRefSchema, RegionSchema, ResponseSchema, code, text
from goi.data import regions
from goi.statistics import figures as statistics
from goi.statistics import views as statistics_views


class SummarySchema(ResponseSchema):
    challenges = fields.Integer(metadata={"description": "Public challenges (never drafts)."})
    open = fields.Integer(metadata={"description": "Of them accepting proposals now."})
    budget_on_offer = fields.Integer(metadata={"description": "Rupiah the open challenges offer (highest amounts)."})
    proposals = fields.Integer(metadata={"description": "Submitted proposals of challenges no longer sealed."})
    average_proposals = fields.Float(allow_none=True, metadata={"description": "Per challenge no longer sealed."})
    median_proposals = fields.Float(allow_none=True, metadata={"description": "Per challenge no longer sealed."})
    consortium_share = fields.Float(
        allow_none=True, metadata={"description": "Share (0–1) of those proposals by a consortium."}
    )
    decided_challenges = fields.Integer(metadata={"description": "Challenges with published results."})
    median_days_to_results = fields.Float(
        allow_none=True, metadata={"description": "Median days from publication to published results."}
    )


class SectorFiguresSchema(ResponseSchema):
    sector = fields.Nested(SectorSchema)
    challenges = fields.Integer()
    open = fields.Integer()
    budget_on_offer = fields.Integer(metadata={"description": "Rupiah."})


class ProvinceFiguresSchema(ResponseSchema):
    province = fields.Nested(
        RegionSchema, allow_none=True, metadata={"description": "None for the challenges that name no province."}
    )
    challenges = fields.Integer(metadata={"description": "A metropolitan area's challenge counts in each province."})
    open = fields.Integer()


class MetroFiguresSchema(ResponseSchema):
    metro = fields.Nested(MetroRefSchema)
    challenges = fields.Integer()
    open = fields.Integer()
    governments = fields.Integer(metadata={"description": "Government organizations of its members on the platform."})


class StateFiguresSchema(ResponseSchema):
    state = code("open, closed, under_review, decided, archived or cancelled (past its deadline: closed).", "open")
    label = text("The state's name in the caller's language.")
    challenges = fields.Integer()


class ProposalBucketSchema(ResponseSchema):
    bucket = text("How many proposals: 0, 1, 2–4, 5–9, 10 or more.")
    challenges = fields.Integer(metadata={"description": "Challenges no longer sealed with that many."})


class SolverFiguresSchema(ResponseSchema):
    kind = code("The lead's kind: industry, academia, community, citizen or investor.", "industry")
    label = text("The kind's name in the caller's language.")
    proposals = fields.Integer()
    consortia = fields.Integer(metadata={"description": "Of them by a team of several organizations."})


class MonthFiguresSchema(ResponseSchema):
    month = code("YYYY-MM, in western Indonesian time.", "2026-03")
    challenges = fields.Integer(metadata={"description": "Challenges published that month."})
    proposals = fields.Integer(metadata={"description": "Proposals submitted (of challenges no longer sealed)."})


class StatisticsSchema(ResponseSchema):
    summary = fields.Nested(SummarySchema)
    sectors = fields.List(fields.Nested(SectorFiguresSchema), metadata={"description": "The busiest first."})
    provinces = fields.List(fields.Nested(ProvinceFiguresSchema), metadata={"description": "The busiest first."})
    metros = fields.List(fields.Nested(MetroFiguresSchema), metadata={"description": "Areas with challenges."})
    states = fields.List(fields.Nested(StateFiguresSchema))
    proposals_per_challenge = fields.List(fields.Nested(ProposalBucketSchema))
    solvers = fields.List(fields.Nested(SolverFiguresSchema))
    months = fields.List(fields.Nested(MonthFiguresSchema), metadata={"description": "The last 12, oldest first."})


def _picked(row: dict, *columns: str) -> dict:
    return {column: row[column] for column in columns}


def _rows(result: statistics.PlatformFigures, name: str, *columns: str) -> list[dict]:
    return [_picked(row, *columns) for row in result.figures[name].rows]


def platform_statistics() -> dict:
    """The figures of /statistics, as the page reads them (kept per content version)."""
    result = statistics_views.platform_statistics()
    proposals, solvers, decisions = result.proposals, result.solvers, result.decisions
    return {
        "summary": {
            "challenges": result.summary.challenges,
            "open": result.summary.open,
            "budget_on_offer": result.summary.budget_on_offer,
            "proposals": proposals.proposals,
            "average_proposals": proposals.average,
            "median_proposals": proposals.median,
            "consortium_share": solvers.consortium_share,
            "decided_challenges": decisions.challenges,
            "median_days_to_results": decisions.median_days,
        },
        "sectors": [
            {"sector": sector_of(row["sector"]), **_picked(row, "challenges", "open", "budget_on_offer")}
            for row in result.figures["sectors"].rows
        ],
        "provinces": [
            {
                "province": region(row["province_code"], regions.province(row["province_code"]))
                if row["province_code"]
                else None,
                "challenges": row["challenges"],
                "open": row["open"],
            }
            for row in result.figures["provinces"].rows
        ],
        "metros": [
            {
                "metro": {"code": row["metro_code"], "name": row["label"]},
                **_picked(row, "challenges", "open", "governments"),
            }
            for row in result.figures["metros"].rows
        ],
        "states": _rows(result, "states", "state", "label", "challenges"),
        "proposals_per_challenge": _rows(result, "proposals", "bucket", "challenges"),
        "solvers": _rows(result, "solvers", "kind", "label", "proposals", "consortia"),
        "months": _rows(result, "months", "month", "challenges", "proposals"),
    }
