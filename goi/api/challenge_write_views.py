"""A government's own system writes its challenges with a token of challenges:write: drafts, their edits, their
publication and addenda, under the site's rules (goi.api.challenge_writes)."""

from collections.abc import Callable

from flask import url_for

from goi.api import tokens
from goi.api.challenge_reads import AddendumSchema, ChallengeSchema, addendum_of, challenge_detail
from goi.api.challenge_writes import (
    AddendumInputSchema,
    ChallengeChangesSchema,
    ChallengeInputSchema,
    addendum_changes,
    changed_draft_values,
    creating_actor,
    new_challenge_values,
    owned_challenge,
    service_refusals,
)
from goi.api.models import Scope
from goi.api.operations import Answer, operation
from goi.api.views import _token_limit, bp
from goi.challenges import addenda, lifecycle, services
from goi.extensions import csrf, db, limiter


def write_operation(
    path: str,
    summary: str,
    method: str = "POST",
    errors: tuple[int, ...] = (409,),
    scope: Scope = Scope.CHALLENGES_WRITE,
    tag: str = "challenges",
    **options,
):
    """An operation of a write scope (challenges:write unless told), rate-limited per token. No CSRF token: a bearer
    token, which a browser never sends by itself, authenticates it, not the session."""
    rule = tokens.token_rule(scope)

    def decorator(view: Callable) -> Callable:
        limited = limiter.limit(_token_limit, key_func=tokens.rate_limit_key, scope="api-token")(view)
        csrf.exempt(limited)
        return operation(
            bp,
            path,
            rule,
            summary=summary,
            tag=tag,
            method=method,
            scope=scope.value,
            errors=errors,
            **options,
        )(limited)

    return decorator


def written(body: dict, status: int = 200) -> Answer:
    """The answer, shaped before the commit so that it reads nothing again."""
    db.session.commit()
    return Answer(body, status=status)


@write_operation(
    "/challenges", "Create a draft challenge", body=ChallengeInputSchema, response=ChallengeSchema, status=201
)
def create_challenge(data: dict):
    """A draft of the token's organization (a verified government), with the site form's rules and defaults: a
    province or a metropolitan area, the deadline after the opening, criteria whose weights add up to 100 (the
    default rubric when none is sent). Answers the challenge and its address in `Location`."""
    organization, actor = creating_actor()
    values = new_challenge_values(data)
    with service_refusals():
        challenge = services.create_challenge(actor, organization, values)
    answer = written(challenge_detail(challenge), 201)
    answer.headers["Location"] = url_for("api.challenge", slug=challenge.slug, _external=True)
    return answer


@write_operation(
    "/challenges/<slug>",
    "Update a draft challenge",
    method="PATCH",
    body=ChallengeChangesSchema,
    response=ChallengeSchema,
)
def update_challenge(slug: str, data: dict):
    """Change a draft of the token's organization: the fields sent change, the others stay. A published challenge
    changes only through an addendum (409)."""
    challenge, actor = owned_challenge(slug)
    with service_refusals():
        services.update_draft(actor, challenge, changed_draft_values(challenge, data))
    return written(challenge_detail(challenge))


@write_operation("/challenges/<slug>/publish", "Publish a draft challenge", errors=(409, 422), response=ChallengeSchema)
def publish_challenge(slug: str):
    """Publish a draft: its deadline not passed (422 on `closes_at`), its criteria adding up to 100; a challenge
    that is not a draft is a 409. Followers, subscribers and webhooks are told as when it is published on the site."""
    challenge, actor = owned_challenge(slug)
    with service_refusals():
        lifecycle.publish(actor, challenge)
    return written(challenge_detail(challenge))


@write_operation(
    "/challenges/<slug>/addenda", "Publish an addendum", body=AddendumInputSchema, response=AddendumSchema, status=201
)
def publish_addendum(slug: str, data: dict):
    """A numbered change to an open challenge: a later deadline (never earlier), a new review or decision date,
    new problem, context or outcomes text, other criteria. One that changes nothing is a 422; a challenge that is
    not open, a 409."""
    challenge, actor = owned_challenge(slug)
    summary, changes = addendum_changes(data)
    with service_refusals():
        addendum = addenda.publish_addendum(actor, challenge, summary, changes)
    return written(addendum_of(addendum), 201)
