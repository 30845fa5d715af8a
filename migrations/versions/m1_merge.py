"""merge monitoring, delivery and index

Revision ID: m1_merge
Revises: d4_delivery, i3_monitoring, i5_index
Create Date: 2026-11-27 04:25:17.636573

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'm1_merge'
down_revision = ('d4_delivery', 'i3_monitoring', 'i5_index')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
