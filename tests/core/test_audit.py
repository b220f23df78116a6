"""The audit log is append-only and records where a request came from."""

import pytest
from sqlalchemy import func, select

from goi.core import audit
from goi.core.audit import AuditEvent
from tests.factories import make_user


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_record_stores_fields_and_detail(db):
    user = make_user()
    entry = audit.record("test.happened", actor_id=user.id, object_type="user", object_id=user.id, reason="x", n=3)
    db.session.commit()
    stored = db.session.get(AuditEvent, entry.id)
    assert stored.action == "test.happened"
    assert stored.actor_id == user.id
    assert (stored.object_type, stored.object_id) == ("user", user.id)
    assert stored.detail == {"n": 3, "reason": "x"}
    assert stored.created_at is not None
    assert stored.created_at.tzinfo is not None
    assert stored.ip is None  # no request


def test_record_stores_ip_inside_a_request(app, db):
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        entry = audit.record("test.request")
    db.session.commit()
    assert db.session.get(AuditEvent, entry.id).ip == "203.0.113.9"


def test_record_through_a_real_request_stores_ip(app, client, db, world):
    from tests.conftest import post_form

    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    post_form(client, "/login", {"email": "warga@example.id", "password": "wrong password here"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    assert event.ip == "198.51.100.7"


def test_audit_event_cannot_be_updated(db):
    entry = audit.record("test.original")
    db.session.commit()
    entry.action = "test.rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(AuditEvent, entry.id).action == "test.original"


def test_audit_event_detail_cannot_be_updated(db):
    entry = audit.record("test.original", secret="a")
    db.session.commit()
    entry.detail_json = "{}"
    with pytest.raises(RuntimeError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, entry.id).detail == {"secret": "a"}


def test_audit_event_cannot_be_deleted(db):
    entry = audit.record("test.kept")
    db.session.commit()
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert _count(db) == 1


def test_the_database_refuses_bulk_updates_and_deletes(app, db):
    """A bulk statement skips the ORM guard; the database trigger still refuses it."""
    import pytest
    from sqlalchemy import delete, func, select, update
    from sqlalchemy.exc import DatabaseError

    from goi.core import audit
    from goi.core.audit import AuditEvent

    audit.record("test.bulk", actor_id=None)
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(update(AuditEvent).values(action="tampered"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.bulk")) == 1
