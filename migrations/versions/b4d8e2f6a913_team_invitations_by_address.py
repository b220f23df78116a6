"""the invitations waiting for an address are read by the invitee's dashboard from an index

Revision ID: b4d8e2f6a913
Revises: a3b7c1d9e2f4
Create Date: 2026-12-03 07:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b4d8e2f6a913'
down_revision = 'a3b7c1d9e2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_team_members_email_status', 'team_members', ['email', 'status'], unique=False)


def downgrade():
    op.drop_index('ix_team_members_email_status', table_name='team_members')
