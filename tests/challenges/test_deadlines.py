"""The next deadline from memory: no SQL when nothing is due, closing on the first request after a deadline."""

from datetime import timedelta

from sqlalchemy import event, update

from goi.challenges import deadlines
from goi.challenges.models import Challenge, ChallengeStatus
from goi.core import clock
from goi.extensions import db
from goi.site.due_work import run_due_work
from tests.challenges import NOW, make_challenge


def _statements_of(function) -> tuple[object, list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = function()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return result, statements


def _status(challenge) -> ChallengeStatus:
    db.session.expire_all()
    return db.session.get(Challenge, challenge.id).status


def test_due_work_issues_no_sql_when_nothing_is_due(app, client, palembang):
    challenge = make_challenge(palembang, closes_at=NOW + timedelta(days=3))
    db.session.commit()
    client.get("/")  # the first request reads the next deadline (and sends the due reminders)
    with app.test_request_context("/challenges"):
        _, statements = _statements_of(run_due_work)
        assert statements == []
        assert deadlines.next_deadline() == challenge.closes_at
    # A whole page: its statements are its own, none from the due work (which would select from challenges first).
    _, statements = _statements_of(lambda: client.get("/account/profile"))
    assert not any("min(challenges.closes_at)" in statement.lower() for statement in statements)


def test_a_deadline_closes_on_the_first_request_after_it(client, palembang):
    soon = make_challenge(palembang, closes_at=NOW + timedelta(hours=2))
    later = make_challenge(palembang, closes_at=NOW + timedelta(days=2))
    db.session.commit()
    client.get("/")
    clock.freeze(NOW + timedelta(hours=2))
    assert client.get("/").status_code == 200
    assert _status(soon) == ChallengeStatus.CLOSED and _status(later) == ChallengeStatus.PUBLISHED
    # The next deadline is read again after a closing.
    with client.application.test_request_context("/"):
        assert deadlines.next_deadline() == NOW + timedelta(days=2)


def test_a_deadline_changed_in_this_process_is_seen_at_once(app, palembang):
    challenge = make_challenge(palembang, closes_at=NOW + timedelta(days=3))
    db.session.commit()
    assert deadlines.next_deadline() == NOW + timedelta(days=3)
    challenge.closes_at = NOW + timedelta(hours=1)
    db.session.commit()
    assert deadlines.next_deadline() == NOW + timedelta(hours=1)
    make_challenge(palembang, closes_at=NOW + timedelta(minutes=5))
    db.session.commit()
    assert deadlines.next_deadline() == NOW + timedelta(minutes=5)
    cancelled = db.session.get(Challenge, challenge.id)
    cancelled.status = ChallengeStatus.CANCELLED
    db.session.rollback()  # a change rolled back changes nothing
    assert deadlines.next_deadline() == NOW + timedelta(minutes=5)


def _change_elsewhere(challenge_id: int, **values) -> None:
    """Change a challenge's row as another process would: on a connection of its own, past every session here."""
    table = Challenge.__table__
    with db.engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == challenge_id).values(**values))


def test_a_deadline_changed_by_another_process_is_seen_within_the_refresh_interval(app, client, palembang):
    app.config["DEADLINE_REFRESH_SECONDS"] = 30
    challenge = make_challenge(palembang, closes_at=NOW + timedelta(days=3))
    db.session.commit()
    assert deadlines.next_deadline() == NOW + timedelta(days=3)
    challenge_id = challenge.id
    db.session.commit()
    # Another process moves the deadline: no session of this process sees the change.
    _change_elsewhere(challenge_id, closes_at=NOW + timedelta(minutes=10))
    clock.freeze(NOW + timedelta(seconds=29))
    assert deadlines.next_deadline() == NOW + timedelta(days=3)
    clock.freeze(NOW + timedelta(seconds=30))
    assert deadlines.next_deadline() == NOW + timedelta(minutes=10)
    # And the moved deadline closes the challenge on the first request after it.
    clock.freeze(NOW + timedelta(minutes=10))
    client.get("/")
    assert _status(challenge) == ChallengeStatus.CLOSED


def test_a_due_deadline_closed_elsewhere_is_read_again(app, palembang):
    challenge = make_challenge(palembang, closes_at=NOW + timedelta(hours=1))
    db.session.commit()
    assert deadlines.next_deadline() == NOW + timedelta(hours=1)
    challenge_id = challenge.id
    db.session.commit()
    _change_elsewhere(challenge_id, status="closed")
    clock.freeze(NOW + timedelta(hours=1))
    with app.test_request_context("/"):
        assert deadlines.close_if_due() == 0
    with app.test_request_context("/"):
        assert deadlines.next_deadline() is None
        _, statements = _statements_of(deadlines.close_if_due)
        assert statements == []
