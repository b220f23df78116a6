"""Logging of the `goi` loggers, set up from the settings profile when the app is made.

development: readable lines on stderr; production: one JSON object per line on stderr (for a log collector);
test: no handler of its own, records go up to the root logger, where pytest's caplog finds them.
"""

import copy
import json
import logging
import logging.config
import sys
from datetime import UTC, datetime

from flask import has_request_context, request

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
READABLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_applied: dict | None = None  # the configuration dictConfig was last given in this process


class StderrHandler(logging.StreamHandler):
    """A stream handler that writes to sys.stderr as it is when a record comes (a test's capture, a server's)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """Ignored: the stream is always the current sys.stderr."""


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time (ISO 8601, UTC), level, logger, message; the request's method, path and
    X-Request-ID when there is a request; the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = request.path
            if request_id := request.headers.get("X-Request-ID"):
                entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def logging_settings(profile: str, level: str) -> dict:
    """The dictConfig configuration of the `goi` logger for a profile."""
    if profile == "test":
        logger = {"level": level, "handlers": [], "propagate": True}
        return {"version": 1, "disable_existing_loggers": False, "loggers": {"goi": logger}}
    formatter = {"()": JsonFormatter} if profile == "production" else {"format": READABLE_FORMAT}
    return {
        "version": 1,
        # Other libraries' loggers (werkzeug, gunicorn, alembic) stay as they are.
        "disable_existing_loggers": False,
        "formatters": {"goi": formatter},
        "handlers": {"goi": {"()": StderrHandler, "formatter": "goi"}},
        # Not propagated: a root handler someone adds (gunicorn's --log-config) would print each line twice.
        "loggers": {"goi": {"level": level, "handlers": ["goi"], "propagate": False}},
    }


def configure_logging(profile: str, level: str | None = "INFO") -> None:
    """Set up the `goi` loggers for a profile (a settings class's ENV_NAME) at a level (GOI_LOG_LEVEL).

    dictConfig replaces the logger's handlers, so making many apps never adds a second one; it also flushes and
    closes every handler of the process, so it runs only when the configuration differs from the last one applied.
    """
    global _applied
    level = (level or "INFO").upper()
    if level not in LEVELS:
        raise RuntimeError(f"GOI_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}")
    settings = logging_settings(profile, level)
    if settings == _applied:
        return
    logging.config.dictConfig(copy.deepcopy(settings))
    _applied = settings
