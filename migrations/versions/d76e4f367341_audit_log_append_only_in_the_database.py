"""audit log append-only in the database

Revision ID: d76e4f367341
Revises: cc4e0fa97808
Create Date: 2026-11-29 06:51:38.137275

"""
from alembic import op
import sqlalchemy as sa

import goi.core.types  # noqa: F401  (custom column types used by autogenerate)

# Copied, not imported, so that this revision keeps meaning what it meant when written.
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


# revision identifiers, used by Alembic.
revision = 'd76e4f367341'
down_revision = 'cc4e0fa97808'
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_GUARDS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_GUARDS:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
