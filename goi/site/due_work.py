"""Time-driven work done by whichever process serves the next request."""

import threading
from datetime import datetime, timedelta

from flask import current_app, request

from goi.challenges.lifecycle import close_expired_challenges
from goi.core import clock
from goi.core.mail import send_pending
from goi.extensions import db
from goi.notify.handlers import send_deadline_reminders
from goi.notify.services import send_digests

REMINDER_INTERVAL = timedelta(minutes=10)
_lock = threading.Lock()
_last_reminders: dict[int, datetime] = {}


def run_due_work() -> None:
    """before_request: close challenges past their deadline; now and then, send due reminders and digests."""
    if request.endpoint == "static":
        return
    if current_app.config["MAIL_LOG_ONLY"]:
        # Development: what the last request queued is written to the log at once (no mail command to run).
        send_pending()
    # A deadline passes by the clock, not by a cron job: every request settles it first.
    if close_expired_challenges():
        db.session.commit()
    if not current_app.config.get("REMINDERS_ON_REQUEST", True):
        return
    now = clock.now()
    key = id(current_app._get_current_object())
    with _lock:
        last = _last_reminders.get(key)
        if last is not None and now - last < REMINDER_INTERVAL:
            return
        _last_reminders[key] = now
    if send_deadline_reminders():
        db.session.commit()
    # Digests go out once a day per user; running this often only finds who is due.
    if send_digests():
        db.session.commit()
