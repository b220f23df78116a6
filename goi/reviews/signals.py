"""Signals the review domain sends; notify subscribes without being imported here."""

from blinker import Namespace

_signals = Namespace()

# sender: the Challenge; keyword arguments as named.
results_published = _signals.signal("results-published")  # result (ChallengeResult), actor (User)
assignment_declined = _signals.signal("assignment-declined")  # assignment (Assignment), actor (User: the reviewer)
