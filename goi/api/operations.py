"""The API's operations: one decorator validates a request and shapes its answer with the same schemas the OpenAPI
document is generated from (goi.api.openapi), so that what the document says is what the code does.

    @operation(bp, "/challenges", PUBLIC, query=ChallengeListArgs, response=ChallengePage, tag="challenges")
    def challenges(args): ...

The view gets the loaded `args` (query string) and `data` (JSON body) and returns what the response schema dumps,
or an `Answer` (with a status, headers or page links). A request that is not valid is a 400 (a JSON body: 422)
naming each field at fault in the caller's language; an error is `{"error": {"code", "message", "fields"}}`.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, Response, g, jsonify, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields

from goi.api.schemas import ErrorSchema
from goi.core.policy import Rule, route


@dataclass
class Operation:
    """What the OpenAPI document says of one endpoint."""

    endpoint: str
    path: str
    method: str
    rule: Rule
    summary: str
    description: str
    tag: str
    query: type[Schema] | None
    body: type[Schema] | None
    response: type[Schema] | None
    status: int
    scope: str | None
    errors: tuple[int, ...]


OPERATIONS: list[Operation] = []


class ApiError(Exception):
    """An answer that is an error: its status, message (translated) and the fields at fault."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(status: int, message: str, fields: dict | None = None) -> Response:
    response = jsonify(ErrorSchema().dump({"error": {"code": status, "message": message, "fields": fields or {}}}))
    response.status_code = status
    return response


@dataclass
class Answer:
    """A view's answer when it needs more than a body: a status, headers, the page it is (for the Link header)."""

    body: object
    status: int | None = None
    headers: dict = field(default_factory=dict)
    page: int | None = None
    pages: int | None = None


def page_links(page: int, pages: int) -> str:
    """The Link header of a paged answer (first, prev, next, last), absolute URLs keeping the other arguments."""
    links = []
    arguments = request.args.to_dict()
    for relation, number in (("first", 1), ("prev", page - 1), ("next", page + 1), ("last", pages)):
        if 1 <= number <= pages and (relation in ("first", "last") or number != page):
            target = url_for(
                request.endpoint, **(request.view_args or {}), **{**arguments, "page": number}, _external=True
            )
            links.append(f'<{target}>; rel="{relation}"')
    return ", ".join(links)


def paged(body: dict, page: int, pages: int) -> Answer:
    """A page of results; past the last page is a 404 (page 1 of nothing is an empty page)."""
    if page > pages:
        raise ApiError(404, _("There is no page %(page)d.", page=page))
    return Answer(body, page=page, pages=pages)


def _field_errors(schema: Schema, messages: dict, data) -> dict[str, str]:
    """A validation's messages as one sentence per field, in the caller's language: the field's hint (a message, or
    a function of the value given), else a general one."""
    errors = {}
    for name in messages:
        field_object = next((f for f in schema.fields.values() if (f.data_key or f.name) == name), None)
        hint = field_object.metadata.get("hint") if field_object is not None else None
        if field_object is None:
            errors[name] = _("This field is not accepted here.")
        elif callable(hint):
            errors[name] = str(hint(data.get(name)))
        elif hint:
            errors[name] = str(hint)
        elif field_object.required and messages[name] == ["Missing data for required field."]:
            errors[name] = _("This field is required.")
        else:
            errors[name] = _("This value is not valid.")
    return errors


def _query_data(schema: Schema, args) -> dict:
    """A query string as the schema reads it: a list field takes every value of its argument, another the first."""
    data = {}
    for field_object in schema.fields.values():
        name = field_object.data_key or field_object.name
        if name in args:
            data[name] = args.getlist(name) if isinstance(field_object, fields.List) else args.get(name)
    return data


def _load(schema_class: type[Schema], data, status: int, query: bool = False) -> dict:
    schema = schema_class()
    if query:
        data = _query_data(schema, data)
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        shown = {name: ", ".join(map(str, value)) if isinstance(value, list) else value for name, value in data.items()}
        raise ApiError(status, _("Some parameters are not valid."), _field_errors(schema, messages, shown)) from None


def _json_body():
    if not request.is_json:
        raise ApiError(415, _("Send the body as JSON (Content-Type: application/json)."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, _("The body is not a JSON object."))
    return data


def operation(
    blueprint: Blueprint,
    path: str,
    rule: Rule,
    *,
    summary: str,
    tag: str,
    method: str = "GET",
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    response: type[Schema] | None = None,
    status: int = 200,
    scope: str | None = None,
    errors: tuple[int, ...] = (),
) -> Callable:
    """Route, policy row, validation and answer of one API operation (see the module's docstring)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def run(**view_args):
            if query is not None:
                view_args["args"] = _load(query, request.args, 400, query=True)
            if body is not None:
                view_args["data"] = _load(body, _json_body(), 422)
            result = view(**view_args)
            if isinstance(result, Response):
                return result
            answer = result if isinstance(result, Answer) else Answer(result)
            shaped = response().dump(answer.body) if response is not None else answer.body
            output = jsonify(shaped)
            output.status_code = answer.status or status
            output.headers.update(answer.headers)
            if answer.page is not None:
                links = page_links(answer.page, answer.pages)
                if links:
                    output.headers["Link"] = links
            return output

        documentation = (view.__doc__ or "").strip()
        OPERATIONS.append(
            Operation(
                endpoint=f"{blueprint.name}.{view.__name__}",
                path=path,
                method=method,
                rule=rule,
                summary=summary,
                description=documentation,
                tag=tag,
                query=query,
                body=body,
                response=response,
                status=status,
                scope=scope,
                errors=errors,
            )
        )
        return route(blueprint, path, rule, methods=[method])(run)

    return decorator


def register_answers(blueprint: Blueprint) -> None:
    """The blueprint's error answers, and an ETag on every read (a 304 for If-None-Match)."""

    @blueprint.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.message, error.fields)

    @blueprint.after_request
    def entity_tag(response: Response) -> Response:
        response.vary.add("Accept-Language")
        # A page the page cache keeps gets its tag and its 304 there (goi.site.page_cache.store_page).
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or "page_cache_key" in g:
            return response
        if not response.get_etag()[0]:
            response.add_etag()
        return response.make_conditional(request)
