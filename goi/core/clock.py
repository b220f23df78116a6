"""The one clock of the application, which tests can move; a request reads it once."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import has_request_context, request
from flask_babel import get_locale

_offset = timedelta(0)
_frozen: datetime | None = None
# The request's reading, kept in its WSGI environ (which lives exactly as long as the request).
_READING = "goi.clock.reading"

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def system_time() -> datetime:
    """The machine's clock (tests replace it to let time pass within a request)."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current time, aware, in UTC; within a request, the time of its first reading.

    One reading per request: the deadline a request checks and every timestamp it stores are the same moment.
    freeze() and shift() take effect at once, within a request too.
    """
    if not has_request_context():
        return _read()
    setting = (_frozen, _offset)
    kept = request.environ.get(_READING)
    if kept is not None and kept[0] == setting:
        return kept[1]
    reading = _read()
    request.environ[_READING] = (setting, reading)
    return reading


def _read() -> datetime:
    if _frozen is not None:
        return _frozen
    return system_time() + _offset


def freeze(moment: datetime | None) -> None:
    """Stop the clock at moment (None lets it run again); for tests."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() takes an aware datetime")
    _frozen = moment


def shift(delta: timedelta) -> None:
    """Move the running clock by delta; for tests."""
    global _offset
    _offset += delta


def reset() -> None:
    """Back to real time."""
    global _offset, _frozen
    _offset = timedelta(0)
    _frozen = None


def in_zone(moment: datetime, zone_name: str) -> datetime:
    """moment converted to the named IANA zone."""
    return moment.astimezone(ZoneInfo(zone_name))


# A date and time as people write them: '4 Des 2026, 03.58' in Indonesian (the time with a dot), '4 Dec 2026, 03:58'
# in English; Babel gives the months' names.
DATETIME_PATTERNS = {"id": "d MMM y, HH.mm", "en": "d MMM y, HH:mm"}


def format_in_zone(moment: datetime | None, zone_name: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """'4 Des 2026, 03.58 WITA': the moment in the zone, in the language of the request (or of the email being
    rendered; Indonesian outside both), the zone named."""
    if moment is None:
        return ""
    if locale is None:
        current = get_locale()
        locale = current.language if current is not None else "id"
    local = in_zone(moment, zone_name)
    label = ZONE_ABBREVIATIONS.get(zone_name, zone_name)
    pattern = DATETIME_PATTERNS.get(locale, DATETIME_PATTERNS["id"])
    return f"{format_datetime(local, pattern, locale=locale)} {label}"
