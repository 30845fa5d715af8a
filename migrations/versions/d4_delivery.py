"""delivery: outbox, Zalo state, Telegram chats

Revision ID: d4_delivery
Revises: c823550c085c
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4_delivery'
down_revision = 'c823550c085c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_flight_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provider_id', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'zalo', 'telegram')", name=op.f('ck_outbox_message_channel')),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'bounced', 'cancelled')", name=op.f('ck_outbox_message_status')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_message_attempts')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_outbox_message_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_outbox_message_invitation_id_invitation')),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], name=op.f('fk_outbox_message_respondent_id_respondent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_message_idempotency_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_respondent_id'), ['respondent_id'], unique=False)
        batch_op.create_index('ix_outbox_message_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('zalo_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=True),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('access_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('quota_day', sa.Date(), nullable=True),
    sa.Column('quota_remaining', sa.Integer(), nullable=True),
    sa.Column('paused_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zalo_state'))
    )

    op.create_table('telegram_chat',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_telegram_chat_invitation_id_invitation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_telegram_chat')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_telegram_chat_invitation_id'))
    )
    with op.batch_alter_table('telegram_chat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telegram_chat_chat_id'), ['chat_id'], unique=False)


def downgrade():
    with op.batch_alter_table('telegram_chat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_telegram_chat_chat_id'))
    op.drop_table('telegram_chat')
    op.drop_table('zalo_state')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.drop_index(batch_op.f('ix_outbox_message_respondent_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_invitation_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_campaign_id'))
    op.drop_table('outbox_message')
