"""The API's public reads of challenges, its OpenAPI document and the page that documents it."""

from flask import jsonify, render_template

from goi.api import challenge_reads, openapi
from goi.api.challenge_reads import ChallengeListArgsSchema, ChallengePageSchema, ChallengeSchema
from goi.api.operations import operation
from goi.api.views import bp
from goi.core.policy import PUBLIC, route


@operation(
    bp,
    "/challenges",
    PUBLIC,
    summary="List challenges",
    tag="challenges",
    query=ChallengeListArgsSchema,
    response=ChallengePageSchema,
)
def challenges(args: dict):
    """Published challenges (never drafts) with the filters of the site's list, open ones first by deadline unless
    `sort` says otherwise; `per_page` up to 100, the `Link` header gives the other pages."""
    return challenge_reads.challenge_page(args)


@operation(bp, "/challenges/<slug>", PUBLIC, summary="A challenge", tag="challenges", response=ChallengeSchema)
def challenge(slug: str):
    """A published challenge with its criteria, timeline, addenda and the questions answered in public."""
    return challenge_reads.challenge_detail(challenge_reads.public_challenge(slug))


@route(bp, "/openapi.json", PUBLIC)
def openapi_document():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi.document())


@route(bp, "/docs", PUBLIC)
def reference():
    """The API's reference for people: the OpenAPI document, rendered."""
    return render_template("api/reference.html", **openapi.reference(openapi.document()))
