"""The kinds of notification and the channel each starts with."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from goi.notify.models import Channel


@dataclass(frozen=True, slots=True)
class Kind:
    code: str
    label: object
    default: Channel
    # Kinds whose email is sent by the domain itself (an invitation) are notified in-app only.
    email_allowed: bool = True


KINDS = {
    kind.code: kind
    for kind in (
        Kind("proposal_submitted", _l("Proposal submitted (receipt)"), Channel.BOTH),
        Kind("proposal_withdrawn", _l("Your team's proposal withdrawn"), Channel.BOTH),
        Kind("team_invitation", _l("Team invitations"), Channel.IN_APP, email_allowed=False),
        Kind("question_answered", _l("Your question answered"), Channel.BOTH),
        Kind("question_asked", _l("New questions on challenges you own"), Channel.BOTH),
        Kind("question_waiting", _l("Questions on challenges you own waiting more than 3 days"), Channel.BOTH),
        Kind("addendum_published", _l("Addenda to challenges you follow or answer"), Channel.BOTH),
        Kind("deadline_reminder", _l("Deadline in 3 days and in 24 hours"), Channel.BOTH),
        Kind("challenge_closed", _l("Challenge closed"), Channel.IN_APP),
        Kind("challenge_status", _l("Other changes of a challenge's state"), Channel.IN_APP),
        Kind("results_published", _l("Results of challenges you follow or answer"), Channel.BOTH),
        Kind("proposal_outcome", _l("The outcome of your team's proposals"), Channel.BOTH),
        Kind("review_assignment_declined", _l("A reviewer declined an assignment of your review"), Channel.BOTH),
        Kind("saved_search_match", _l("New challenges that match your saved searches"), Channel.BOTH),
        Kind("apply_invitation", _l("Invitations to apply to a challenge"), Channel.BOTH),
        Kind("co_own_invitation", _l("Invitations to co-own a challenge"), Channel.BOTH),
        Kind("recommended_challenges", _l("Challenges recommended for your profile (weekly)"), Channel.DIGEST),
        Kind("introduction_requested", _l("Requests for an introduction to you or your organizations"), Channel.BOTH),
        Kind("introduction_answered", _l("Answers to your introduction requests"), Channel.BOTH),
        Kind("introduction_message", _l("Messages in your introductions' conversations"), Channel.BOTH),
    )
}
