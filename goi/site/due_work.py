"""Time-driven work done by whichever process serves the next request."""

import threading
from datetime import datetime, timedelta

from flask import current_app, request

from goi.challenges.deadlines import close_if_due
from goi.core import clock
from goi.core.mail import pending_messages, send_pending
from goi.core.transactions import write_transaction
from goi.notify.handlers import reminders_due, send_deadline_reminders, send_question_reminders
from goi.notify.services import digests_due, send_digests
from goi.reviews.panel_admin import send_invitation_reminders

REMINDER_INTERVAL = timedelta(minutes=10)
_lock = threading.Lock()
_last_reminders: dict[int, datetime] = {}


def run_due_work() -> None:
    """before_request: close challenges past their deadline; now and then, send due reminders and digests.

    Each piece that writes runs in a write transaction of its own, begun only when reads have found something to
    write, so a reading request takes the write lock only then; between deadlines and reminder rounds this issues
    no SQL.
    """
    if request.endpoint == "static":
        return
    # Development: what the last request queued is written to the log at once (no mail command to run); the write
    # lock only when there is something to write.
    if current_app.config["MAIL_LOG_ONLY"] and pending_messages(limit=1):
        with write_transaction():
            send_pending()
    # A deadline passes by the clock, not by a cron job: the first request after it settles it.
    close_if_due()
    if not current_app.config.get("REMINDERS_ON_REQUEST", True):
        return
    now = clock.now()
    key = id(current_app._get_current_object())
    with _lock:
        last = _last_reminders.get(key)
        if last is not None and now - last < REMINDER_INTERVAL:
            return
        _last_reminders[key] = now
    # Digests go out once a day per user; running this often only finds who is due.
    if reminders_due() or digests_due():
        with write_transaction():
            send_deadline_reminders()
            send_question_reminders()
            send_invitation_reminders()
            send_digests()
