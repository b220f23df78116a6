"""The schemas of the API's search, recommendations, token and proposal operations."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from goi.api.schemas import QuerySchema, ResponseSchema, code, hinted, html, page_schema, text
from goi.data import regions, taxonomy
from goi.matching import recommend
from goi.search.forms import MAX_PAGE, ORG_KINDS, STATUS_VALUES
from goi.search.types import DOCUMENT_TYPES, SORTS


def _unknown_value(value) -> str:
    return _("Unknown value: %(value)s.", value=value)


def _filter(choices, description: str) -> fields.String:
    return hinted(
        fields.String(validate=validate.OneOf(sorted(choices)), metadata={"description": description}), _unknown_value
    )


class SearchArgsSchema(QuerySchema):
    """The search's arguments; the query text is never refused (what the parser cannot read is taken as words)."""

    q = fields.String(metadata={"description": 'The query, in Indonesian or English: words, "phrases", OR, -not.'})
    type = hinted(
        fields.List(
            fields.String(validate=validate.OneOf(DOCUMENT_TYPES)),
            metadata={"description": "Only these kinds of records (repeat the argument for more than one)."},
        ),
        lambda value: _(
            "Unknown type: %(value)s. Use one of: %(choices)s.", value=value, choices=", ".join(DOCUMENT_TYPES)
        ),
    )
    sector = _filter([sector.code for sector in taxonomy.sectors()], "A sector code.")
    province = _filter([province.code for province in regions.provinces()], "A province's Kemendagri code.")
    status = _filter(STATUS_VALUES, "A record's state.")
    org_kind = _filter(ORG_KINDS, "An organization's kind.")
    sort = hinted(
        fields.String(
            validate=validate.OneOf(SORTS), metadata={"description": "relevance (default), deadline, newest."}
        ),
        lambda value: _("Unknown sort: %(value)s. Use one of: %(choices)s.", value=value, choices=", ".join(SORTS)),
    )
    page = hinted(
        fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE), metadata={"description": "Page, 20 hits each."}),
        lambda value: _("The page must be a whole number from 1 to %(max)d.", max=MAX_PAGE),
    )


class HitSchema(ResponseSchema):
    type = code("The kind of record.", "challenge")
    id = fields.Integer()
    ref = code(
        "The record's reference (a challenge's or organization's), if it has one.", "pemkot-palembang", allow_none=True
    )
    title = text("The record's title or name.")
    snippet = html("A passage with the matched words in <mark>, sanitized.")
    url = text("The record's page (a path on the site).")
    score = fields.Float()


class FacetValueSchema(ResponseSchema):
    value = code("A value of the facet: a type, a sector code, a province's Kemendagri code, a state, a kind.", "16")
    label = text("The value's name in the caller's language (a province's name beside its code).")
    count = fields.Integer()


class SearchResultsSchema(ResponseSchema):
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
    suggestion = text("A corrected query when the given one looks misspelt.", allow_none=True)
    results = fields.List(fields.Nested(HitSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))


class LimitArgsSchema(QuerySchema):
    limit = hinted(
        fields.Integer(
            load_default=10,
            validate=validate.Range(min=1, max=recommend.MAX_LIMIT),
            metadata={"description": "How many suggestions."},
        ),
        lambda value: _("A whole number from 1 to %(most)d.", most=recommend.MAX_LIMIT),
    )


class PartnerArgsSchema(LimitArgsSchema):
    challenge = fields.String(metadata={"description": "Partners for this challenge (its ref)."})


class ReasonSchema(ResponseSchema):
    kind = code("terms, sector, region, kind, solution, brings or gets.", "sector")
    values = fields.List(text())
    text = text("Why, in the caller's language.")


class SuggestionSchema(ResponseSchema):
    ref = code("The suggested record's reference.", "pt-air-nusantara", allow_none=True)
    type = code("challenge, organization or user.", "organization")
    title = text("A suggested challenge's title.")
    name = text("A suggested organization's or person's name.")
    score = fields.Float()
    reasons = fields.List(fields.Nested(ReasonSchema))


class SuggestionsSchema(ResponseSchema):
    results = fields.List(fields.Nested(SuggestionSchema))


class TokenOrganizationSchema(ResponseSchema):
    ref = code("The organization's reference.", "pt-air-nusantara", allow_none=True)
    slug = code("The organization's page is /orgs/<slug>.", "pt-air-nusantara")
    name = text("The organization's name.")


class TokenSchema(ResponseSchema):
    name = text("The token's name.")
    prefix = code("The token's first characters, as the token page lists them.", "goi_AbCdEfGh")
    organization = fields.Nested(TokenOrganizationSchema)
    scopes = fields.List(code("A scope.", "read"))
    expires_at = fields.DateTime()


class ProposalArgsSchema(QuerySchema):
    page = hinted(
        fields.Integer(load_default=1, validate=validate.Range(min=1), metadata={"description": "Page, 50 each."}),
        _l("A whole number from 1."),
    )


class OutcomeSchema(ResponseSchema):
    kind = code("The proposal's outcome once its challenge's call is over.", "shortlisted")
    award = code("The award, if any.", "winner", allow_none=True)


class ProposalChallengeSchema(ResponseSchema):
    ref = code("The challenge's reference.", "PLG-2026-01", allow_none=True)
    title = text("The challenge's title.")
    status = code("The challenge's state.", "published")
    closes_at = fields.DateTime(allow_none=True)


class ProposalStateSchema(ResponseSchema):
    id = fields.Integer()
    title = text("The proposal's title.")
    role = code("lead or partner: the token's organization's part in it.", "lead")
    status = code("The proposal's state.", "submitted")
    version = fields.Integer()
    submitted_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()
    outcome = fields.Nested(OutcomeSchema, allow_none=True)
    challenge = fields.Nested(ProposalChallengeSchema)


ProposalPageSchema = page_schema(ProposalStateSchema, "ProposalPage")
