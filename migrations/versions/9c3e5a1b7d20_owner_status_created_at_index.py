"""an owner's challenges counted per state and paged by creation from one index

Revision ID: 9c3e5a1b7d20
Revises: 5d1f0c2a7e43
Create Date: 2026-12-02 16:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9c3e5a1b7d20'
down_revision = '5d1f0c2a7e43'
branch_labels = None
depends_on = None


def upgrade():
    # Plain operations, not a batch: a batch would rebuild the table on SQLite and lose the expression index
    # ix_challenges_budget_order, which reflection cannot see.
    op.drop_index('ix_challenges_owner_org_id', table_name='challenges')
    op.create_index(
        'ix_challenges_owner_status_created_at', 'challenges', ['owner_org_id', 'status', 'created_at'], unique=False
    )


def downgrade():
    op.drop_index('ix_challenges_owner_status_created_at', table_name='challenges')
    op.create_index('ix_challenges_owner_org_id', 'challenges', ['owner_org_id'], unique=False)
