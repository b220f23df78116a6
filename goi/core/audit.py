"""The append-only audit log of security and state events."""

import json
from datetime import datetime

from flask import g, has_request_context, request
from sqlalchemy import DDL, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from goi.core import clock
from goi.core.types import UTCDateTime
from goi.extensions import client_address, db


class AuditEvent(db.Model):
    """One thing that happened: who did what to which object, when and from where."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")

    @property
    def detail(self) -> dict:
        return json.loads(self.detail_json or "{}")


# The database itself refuses to change the log, whatever code runs (bulk statements included).
SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_GUARDS = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]
for _statement in SQLITE_GUARDS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_GUARDS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise RuntimeError("audit events are append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise RuntimeError("audit events are append-only")


def record(
    action: str,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    **detail,
) -> AuditEvent:
    """Add an audit event to the current transaction; one made with an API token names the token."""
    token = g.get("api_token") if has_request_context() else None
    if token is not None:
        detail["api_token"] = token.id
    entry = AuditEvent(
        action=action,
        actor_id=actor_id,
        object_type=object_type,
        object_id=object_id,
        ip=client_address() if has_request_context() and request else None,
        detail_json=json.dumps(detail, sort_keys=True, default=str),
        created_at=clock.now(),
    )
    db.session.add(entry)
    return entry
