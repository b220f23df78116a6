"""Published results in the API: the winning proposals of the challenges whose results are published, as the
site's showcase (/solutions) shows them to everyone; what the results keep confidential stays out."""

from flask import url_for
from marshmallow import fields

from goi.api.challenge_reads import keywords_argument, regions_of
from goi.api.directory_reads import page_body
from goi.api.operations import paged
from goi.api.schemas import (
    MetroRefSchema,
    PageArgsSchema,
    RegionSchema,
    ResponseSchema,
    code,
    page_schema,
    text,
    url,
)
from goi.reviews import showcase
from goi.reviews.models import AwardLabel


class ResultListArgsSchema(PageArgsSchema):
    q = keywords_argument("Words of the proposal's title or summary or of the challenge's title.")


class ResultChallengeSchema(ResponseSchema):
    slug = code("The challenge's reference (/api/v1/challenges/<slug>).", "banjir-palembang")
    title = text("The challenge's title.")
    url = url("The challenge's results on its page.")


class SolutionSchema(ResponseSchema):
    award = code("The award the results give it.", "winner")
    title = text("The proposal's title.")
    team = text("The team as the results name it: its organization, else its lead.")
    organizations = fields.List(text("An organization of the team (the lead's first, then its partners)."))
    summary = text("The proposal's public summary.")
    citation = text("The jury's citation (may be empty).")
    challenge = fields.Nested(ResultChallengeSchema)
    place = text("The challenge's place as the site writes it.")
    province = fields.Nested(RegionSchema, allow_none=True)
    regency = fields.Nested(RegionSchema, allow_none=True)
    metro = fields.Nested(MetroRefSchema, allow_none=True)
    published_at = fields.DateTime(metadata={"description": "When the results were published."})


SolutionPageSchema = page_schema(SolutionSchema, "SolutionPage")


def solution_item(solution: showcase.Solution) -> dict:
    return {
        "award": AwardLabel.WINNER.value,
        "title": solution.title,
        "team": solution.team,
        "organizations": solution.organizations,
        "summary": solution.summary,
        "citation": solution.citation,
        "challenge": {
            "slug": solution.challenge_slug,
            "title": solution.challenge_title,
            "url": url_for("challenges.show", slug=solution.challenge_slug, _external=True, _anchor="results"),
        },
        "place": solution.place,
        **regions_of(solution.province_code, solution.regency_code, solution.metro_code),
        "published_at": solution.published_at,
    }


def solution_page(args: dict):
    """A page of the showcase, the latest results first, in the showcase's own statements."""
    page = showcase.solutions(args.get("q") or "", args["page"], per_page=args["per_page"])
    return paged(page_body(page, [solution_item(solution) for solution in page.items]), page.page, page.pages)
