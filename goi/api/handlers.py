"""Signal handlers that queue webhook deliveries, in the transaction of the change they announce.

Every payload holds public data only: the challenge as its public page shows it, an addendum, the public part of
published results; of proposals, sealed until the deadline, only how many were submitted, and only to the hooks of
the challenge's own organizations.
"""

from sqlalchemy import func, select

from goi.api import webhooks
from goi.api.models import WebhookEvent
from goi.challenges import signals as challenge_signals
from goi.challenges.lifecycle import PUBLIC_STATES
from goi.challenges.models import Challenge, ChallengeStatus
from goi.challenges.permissions import owner_organization_ids
from goi.core.links import absolute_url
from goi.data import regions
from goi.extensions import db
from goi.proposals import signals as proposal_signals
from goi.proposals.models import Proposal, ProposalStatus
from goi.reviews import signals as review_signals
from goi.reviews.services import public_entries

STATUS_EVENTS = {
    ChallengeStatus.PUBLISHED: WebhookEvent.CHALLENGE_PUBLISHED,
    ChallengeStatus.CLOSED: WebhookEvent.CHALLENGE_CLOSED,
}


def challenge_json(challenge: Challenge) -> dict:
    """The public facts of a challenge, its regions as Kemendagri codes beside their names."""
    province = regions.province(challenge.province_code) if challenge.province_code else None
    regency = regions.regency(challenge.regency_code) if challenge.regency_code else None
    return {
        "ref": challenge.ref,
        "slug": challenge.slug,
        "title": challenge.title,
        "status": challenge.status.value,
        "url": absolute_url("challenges.show", slug=challenge.slug),
        "sector": challenge.sector,
        "province": {"code": province.code, "name": province.name} if province else None,
        "regency": {"code": regency.code, "name": regency.name} if regency else None,
        "closes_at": challenge.closes_at.isoformat(),
    }


def _queue(event: WebhookEvent, challenge: Challenge, **payload) -> None:
    webhooks.queue(
        event,
        owner_organization_ids(challenge),
        public=challenge.status in PUBLIC_STATES,
        payload={"challenge": challenge_json(challenge), **payload},
    )


def on_status_changed(challenge: Challenge, old_status, new_status, actor) -> None:
    event = STATUS_EVENTS.get(new_status)
    if event is not None:
        _queue(event, challenge)


def on_addendum(challenge: Challenge, addendum) -> None:
    _queue(
        WebhookEvent.CHALLENGE_ADDENDUM,
        challenge,
        addendum={
            "number": addendum.number,
            "summary": addendum.summary,
            "published_at": addendum.published_at.isoformat(),
        },
    )


def on_results_published(challenge: Challenge, result, actor) -> None:
    # What the public results page shows, and nothing more (public_entries drops what is not published).
    _queue(
        WebhookEvent.CHALLENGE_RESULTS_PUBLISHED,
        challenge,
        results={
            "published_at": result.published_at.isoformat(),
            "outcome": challenge.outcome.value if challenge.outcome else None,
            "summary": result.summary_source,
            "entries": [
                {
                    "position": entry.position,
                    "award": entry.award.value,
                    "title": entry.title,
                    "team": entry.team,
                    "citation": entry.citation,
                }
                for entry in public_entries(result)
            ],
        },
    )


def on_proposal_submitted(proposal: Proposal, version, actor) -> None:
    challenge = proposal.challenge
    submitted = db.session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.challenge_id == challenge.id, Proposal.status == ProposalStatus.SUBMITTED
        )
    )
    # Sealed until the deadline: a count, to the owners only (never to hooks of every public challenge).
    webhooks.queue(
        WebhookEvent.PROPOSAL_RECEIVED,
        owner_organization_ids(challenge),
        public=False,
        payload={"challenge": challenge_json(challenge), "proposals": {"submitted": submitted}},
    )


def connect_webhook_handlers() -> None:
    """Subscribe to the domain signals (idempotent)."""
    challenge_signals.challenge_status_changed.connect(on_status_changed, weak=False)
    challenge_signals.addendum_published.connect(on_addendum, weak=False)
    review_signals.results_published.connect(on_results_published, weak=False)
    proposal_signals.proposal_submitted.connect(on_proposal_submitted, weak=False)
