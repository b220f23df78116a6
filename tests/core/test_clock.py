"""The clock: one reading per request; freeze and shift take effect at once."""

from datetime import UTC, datetime, timedelta

from flask_babel import refresh

from goi.core import clock

START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def ticking(monkeypatch, start=START, step=timedelta(minutes=1)):
    """Make the machine's clock advance by step at every reading."""
    readings = iter(start + step * number for number in range(10_000))
    monkeypatch.setattr(clock, "system_time", lambda: next(readings))


def test_a_request_reads_the_clock_once(app, monkeypatch):
    ticking(monkeypatch)
    with app.test_request_context("/"):
        first = clock.now()
        assert clock.now() == first == START
    with app.test_request_context("/"):
        assert clock.now() > first
    # Outside a request every call reads the clock.
    assert clock.now() != clock.now()


def test_freeze_and_shift_take_effect_within_a_request(app, monkeypatch):
    ticking(monkeypatch, step=timedelta(0))
    with app.test_request_context("/"):
        assert clock.now() == START
        clock.shift(timedelta(hours=1))
        assert clock.now() == START + timedelta(hours=1)
        clock.freeze(START - timedelta(days=1))
        assert clock.now() == START - timedelta(days=1)
        clock.freeze(None)
        assert clock.now() == START + timedelta(hours=1)
    clock.reset()


def test_a_moment_is_written_as_people_of_each_language_write_it(app):
    moment = datetime(2026, 12, 3, 19, 58, tzinfo=UTC)
    assert clock.format_in_zone(moment, "Asia/Makassar", "id") == "4 Des 2026, 03.58 WITA"
    assert clock.format_in_zone(moment, "Asia/Makassar", "en") == "4 Dec 2026, 03:58 WITA"
    assert clock.format_in_zone(moment, "Asia/Jayapura", "id") == "4 Des 2026, 04.58 WIT"
    # Without a language given, the request's.
    with app.test_request_context(headers={"Cookie": "goi_lang=en"}):
        assert clock.format_in_zone(datetime(2026, 5, 1, 1, 0, tzinfo=UTC)) == "1 May 2026, 08:00 WIB"
    with app.test_request_context():
        refresh()  # the test's app context outlives the request: forget the language it kept
        assert clock.format_in_zone(datetime(2026, 5, 1, 1, 0, tzinfo=UTC)) == "1 Mei 2026, 08.00 WIB"
