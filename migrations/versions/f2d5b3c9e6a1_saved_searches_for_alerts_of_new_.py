"""saved searches: the filters of the challenge list a user keeps, to be told of new challenges that match them

Revision ID: f2d5b3c9e6a1
Revises: e1c4a2b8d5f0
Create Date: 2026-12-03 06:54:00.712261

"""
from alembic import op
import sqlalchemy as sa

import goi.core.types  # noqa: F401  (custom column types used by autogenerate)


# revision identifiers, used by Alembic.
revision = 'f2d5b3c9e6a1'
down_revision = 'e1c4a2b8d5f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('keywords', sa.String(length=200), nullable=True),
    sa.Column('sector', sa.String(length=32), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('metro_code', sa.String(length=40), nullable=True),
    sa.Column('solver_kind', sa.String(length=16), nullable=True),
    sa.Column('budget_min', sa.BigInteger(), nullable=True),
    sa.Column('budget_max', sa.BigInteger(), nullable=True),
    sa.Column('closes_within_days', sa.Integer(), nullable=True),
    sa.Column('closes_from', sa.Date(), nullable=True),
    sa.Column('closes_until', sa.Date(), nullable=True),
    sa.Column('filters_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', goi.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_notified_at', goi.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    sa.UniqueConstraint('user_id', 'filters_key', name='uq_saved_searches_user_filters')
    )


def downgrade():
    op.drop_table('saved_searches')
