"""roster pages: a person removed from the list before answering keeps their row, marked removed

Revision ID: r9_respondent_removed
Revises: w2_sealed
Create Date: 2026-12-02 09:00:00.000000

The row stays so that its revoked link still answers 410 and its messages stay on record; the
mark keeps the person out of new links, sends and counters.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'r9_respondent_removed'
down_revision = 'w2_sealed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('respondent', schema=None) as batch_op:
        batch_op.drop_column('removed_at')
