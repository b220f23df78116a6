"""the budget order and the budget-from filter from one expression index

Revision ID: 5d1f0c2a7e43
Revises: 187b6b219b12
Create Date: 2026-12-02 16:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1f0c2a7e43'
down_revision = '187b6b219b12'
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand: autogenerate cannot compare expression indexes on SQLite. The expression is the very one of
    # goi.challenges.models.budget_amount(), the literal included, so that the databases match queries to it.
    op.create_index(
        'ix_challenges_budget_order',
        'challenges',
        [sa.text('coalesce(budget_max, budget_min, -1) DESC'), 'closes_at', 'id', 'status'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_challenges_budget_order', table_name='challenges')
