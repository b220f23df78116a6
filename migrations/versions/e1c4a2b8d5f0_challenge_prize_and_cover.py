"""a challenge's prize or award apart from its budget, and its cover image

Revision ID: e1c4a2b8d5f0
Revises: d569102d37ea
Create Date: 2026-12-03 07:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1c4a2b8d5f0'
down_revision = 'd569102d37ea'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN rather than a batch operation: a batch rebuild of `challenges` on SQLite would drop the
# expression index ix_challenges_budget_order (SQLite has had DROP COLUMN since 3.35).
COLUMNS = (
    sa.Column('prize_amount', sa.BigInteger(), nullable=True),
    sa.Column('prize_description', sa.String(length=160), nullable=True),
    sa.Column('cover_stored_name', sa.String(length=64), nullable=True),
    sa.Column('cover_file_type', sa.String(length=8), nullable=True),
    sa.Column('cover_alt', sa.String(length=200), nullable=True),
)


def upgrade():
    for column in COLUMNS:
        op.add_column('challenges', column)


def downgrade():
    for column in reversed(COLUMNS):
        op.drop_column('challenges', column.name)
