"""Signals the proposal domain sends; notify subscribes without being imported here."""

from blinker import Namespace

_signals = Namespace()

# sender: the Proposal.
proposal_submitted = _signals.signal("proposal-submitted")  # version (ProposalVersion), actor (User)
proposal_withdrawn = _signals.signal("proposal-withdrawn")  # actor
# sender: the TeamMember invited; link is the acceptance URL (the token exists only in it).
team_member_invited = _signals.signal("team-member-invited")  # path (the invitation's, with its token), inviter
