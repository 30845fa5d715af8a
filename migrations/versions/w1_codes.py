"""wings: codes instead of sentences (flags, invalid reasons, outbox errors) and the stored statistics

Revision ID: w1_codes
Revises: m1_merge
Create Date: 2026-12-02 02:10:00

Warnings and invalid reasons are recomputed whenever a campaign is closed again, so the old English
`detail` texts are dropped rather than translated; an invalid response keeps its reason text.
"""
from alembic import op
import sqlalchemy as sa


revision = 'w1_codes'
down_revision = 'm1_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_params', sa.JSON(none_as_null=True), nullable=True))
    for table in ('response_flag', 'unit_flag'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        op.execute(f"UPDATE {table} SET params = '{{}}'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('params', existing_type=sa.JSON(), nullable=False)
            batch_op.drop_column('detail')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_code', sa.String(length=40), nullable=True))
    op.create_table(
        'index_statistics',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('n_resamples', sa.Integer(), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaign.id'], name=op.f('fk_index_statistics_campaign_id_campaign'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_index_statistics')),
    )


def downgrade():
    op.drop_table('index_statistics')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('error_code')
    for table in ('unit_flag', 'response_flag'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('detail', sa.String(length=300), nullable=False, server_default=''))
            batch_op.drop_column('params')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('status_params')
