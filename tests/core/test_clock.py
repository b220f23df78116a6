"""The clock: one reading per request; freeze and shift take effect at once."""

from datetime import UTC, datetime, timedelta

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
