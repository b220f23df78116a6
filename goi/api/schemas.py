"""The pieces the API's schemas are built of: strings that say what they hold, regions, errors and pages.

Every string field of a response says whether it is plain text or sanitized HTML (`contentMediaType` in the OpenAPI
document: "text/plain", "text/html" or "text/markdown"); a Markdown field comes as its source and its sanitized HTML.
A request's field carries a `hint`: the message, in the caller's language, of a value that is not valid.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

PLAIN = "text/plain"
HTML = "text/html"
MARKDOWN = "text/markdown"


def text(description: str = "", **options) -> fields.String:
    """A string of plain text (to be escaped where it is shown)."""
    return fields.String(metadata={"contentMediaType": PLAIN, "description": description}, **options)


def html(description: str = "", **options) -> fields.String:
    """A string of HTML that went through the platform's sanitizer (safe to insert as HTML)."""
    return fields.String(metadata={"contentMediaType": HTML, "description": description}, **options)


def markdown(description: str = "", **options) -> fields.String:
    """A string of Markdown as its author wrote it."""
    return fields.String(metadata={"contentMediaType": MARKDOWN, "description": description}, **options)


def code(description: str, example: str, **options) -> fields.String:
    """An identifier of a closed list (a state, a sector, a region code): plain text, never translated."""
    metadata = {"contentMediaType": PLAIN, "description": description, "example": example}
    return fields.String(metadata=metadata, **options)


def url(description: str) -> fields.String:
    return fields.String(metadata={"contentMediaType": PLAIN, "format": "uri", "description": description})


def hinted(field: fields.Field, hint) -> fields.Field:
    """The field, with the message a caller gets when its value is not valid."""
    field.metadata = {**field.metadata, "hint": hint}
    return field


class ResponseSchema(Schema):
    """A response's shape (every field is dumped: a missing one is a bug, not an absent value)."""


class QuerySchema(Schema):
    """A request's query string: unknown arguments are ignored, as a browser's URL may carry more."""

    class Meta:
        unknown = EXCLUDE


class BodySchema(Schema):
    """A request's JSON body: an unknown field is refused, so that a misspelt one is not silently dropped."""


class RegionSchema(ResponseSchema):
    """A place by its Kemendagri code (Permendagri 72/2019) beside its name."""

    code = code("The Kemendagri code: two digits a province, four a regency or city.", "16")
    name = text("The region's name.")


class MetroRefSchema(ResponseSchema):
    code = code("The metropolitan area's code.", "patungraya-agung")
    name = text("The metropolitan area's name.")


class OrganizationRefSchema(ResponseSchema):
    ref = code("The organization's stable reference, if it has one.", "pemkot-palembang", allow_none=True)
    slug = code("The organization's page is /orgs/<slug>.", "pemkot-palembang")
    name = text("The organization's name.")


class ErrorDetailSchema(ResponseSchema):
    code = fields.Integer(metadata={"description": "The HTTP status."})
    message = text("What went wrong, in the caller's language (Accept-Language: id or en).")
    field_errors = fields.Dict(
        keys=fields.String(),
        values=text(),
        attribute="fields",
        data_key="fields",
        metadata={"description": "For a request that is not valid: each field or argument at fault and why."},
    )


class ErrorSchema(ResponseSchema):
    error = fields.Nested(ErrorDetailSchema)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The schema of a page of items: the items and where the page stands (the Link header gives the neighbours)."""
    return Schema.from_dict(
        {
            "total": fields.Integer(metadata={"description": "How many items there are in all."}),
            "page": fields.Integer(metadata={"description": "This page's number, from 1."}),
            "pages": fields.Integer(metadata={"description": "How many pages there are (at least 1)."}),
            "per_page": fields.Integer(metadata={"description": "Items per page."}),
            "results": fields.List(fields.Nested(item)),
        },
        name=name,
    )


class PageArgsSchema(QuerySchema):
    page = hinted(
        fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"description": "Page."}),
        _l("A whole number from 1."),
    )
    per_page = hinted(
        fields.Integer(
            load_default=20, validate=validate.Range(min=1, max=100), metadata={"description": "Items per page."}
        ),
        _l("A whole number from 1 to 100."),
    )
