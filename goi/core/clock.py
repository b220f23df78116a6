"""The one clock of the application, which tests can move."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_offset = timedelta(0)
_frozen: datetime | None = None

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def now() -> datetime:
    """The current time, aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


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


def format_in_zone(moment: datetime | None, zone_name: str = "Asia/Jakarta") -> str:
    """'2026-11-29 13:30 WIB' style text, the zone named."""
    if moment is None:
        return ""
    local = in_zone(moment, zone_name)
    label = ZONE_ABBREVIATIONS.get(zone_name, zone_name)
    return f"{local:%Y-%m-%d %H:%M} {label}"
