"""index: appraisal points, citizens' satisfaction, last year's results (issue 5)

Revision ID: i5_index
Revises: c823550c085c
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i5_index'
down_revision = 'c823550c085c'
branch_labels = None
depends_on = None

POINTS = sa.Numeric(precision=8, scale=4)


def upgrade():
    op.create_table('appraisal_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('criterion', sa.String(length=40), nullable=False),
    sa.Column('self_assessed', POINTS, nullable=True),
    sa.Column('appraised', POINTS, nullable=False),
    sa.Column('not_applicable', POINTS, nullable=False),
    sa.CheckConstraint('appraised >= 0', name=op.f('ck_appraisal_point_appraised_not_negative')),
    sa.CheckConstraint('not_applicable >= 0', name=op.f('ck_appraisal_point_not_applicable_not_negative')),
    sa.CheckConstraint('self_assessed IS NULL OR self_assessed >= 0', name=op.f('ck_appraisal_point_self_assessed_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_appraisal_point_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_appraisal_point_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_point')),
    sa.UniqueConstraint('campaign_id', 'unit_id', 'area', 'criterion', name=op.f('uq_appraisal_point_campaign_id_unit_id_area_criterion'))
    )
    with op.batch_alter_table('appraisal_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_point_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('satisfaction_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('percent', POINTS, nullable=True),
    sa.Column('points', POINTS, nullable=False),
    sa.CheckConstraint('percent IS NULL OR (percent >= 0 AND percent <= 100)', name=op.f('ck_satisfaction_score_percent_range')),
    sa.CheckConstraint('points >= 0', name=op.f('ck_satisfaction_score_points_not_negative')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_satisfaction_score_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_satisfaction_score_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_score')),
    sa.UniqueConstraint('campaign_id', 'unit_id', name=op.f('uq_satisfaction_score_campaign_id_unit_id'))
    )
    with op.batch_alter_table('satisfaction_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_score_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('last_year_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('old_code', sa.String(length=40), nullable=False),
    sa.Column('new_code', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('total', POINTS, nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('band', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_last_year_result_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_last_year_result')),
    sa.UniqueConstraint('campaign_id', 'old_code', name=op.f('uq_last_year_result_campaign_id_old_code'))
    )
    with op.batch_alter_table('last_year_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_last_year_result_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    for table in ('last_year_result', 'satisfaction_score', 'appraisal_point'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_campaign_id'))
        op.drop_table(table)
