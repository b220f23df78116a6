"""How many proposals each challenge has, for its owners' dashboard.

The dashboard belongs to the challenges domain, which builds on nothing above it: create_app registers
proposal_counts as app.extensions["proposal_counts"], and the dashboard joins the subquery into the one statement
that reads its rows (goi.challenges.dashboard).
"""

from sqlalchemy import Subquery, case, func, select

from goi.proposals.models import Proposal, ProposalStatus


def proposal_counts(challenge_ids) -> Subquery:
    """Per challenge of challenge_ids (an expanding bind parameter or a select of ids): its proposals started and not
    submitted (drafts) and its submitted ones, counted from the index of (challenge, status) in one grouped query."""
    return (
        select(
            Proposal.challenge_id.label("challenge_id"),
            func.count(case((Proposal.status == ProposalStatus.DRAFT, 1))).label("drafts"),
            func.count(case((Proposal.status == ProposalStatus.SUBMITTED, 1))).label("submitted"),
        )
        .where(Proposal.challenge_id.in_(challenge_ids))
        .group_by(Proposal.challenge_id)
        .subquery()
    )
