"""the owners' reminder of waiting questions reads unanswered questions by age

Revision ID: d569102d37ea
Revises: 9c3e5a1b7d20
Create Date: 2026-12-02 18:47:29.991616

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd569102d37ea'
down_revision = '9c3e5a1b7d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_questions_answered_at_asked_at', 'questions', ['answered_at', 'asked_at'], unique=False)


def downgrade():
    op.drop_index('ix_questions_answered_at_asked_at', table_name='questions')
