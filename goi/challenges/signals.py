"""Signals the challenge domain sends; notify and search subscribe without being imported here."""

from blinker import Namespace

_signals = Namespace()

# sender: the Challenge; keyword arguments as named.
challenge_status_changed = _signals.signal("challenge-status-changed")  # old_status, new_status, actor
addendum_published = _signals.signal("addendum-published")  # addendum
question_asked = _signals.signal("question-asked")  # question
question_answered = _signals.signal("question-answered")  # question
