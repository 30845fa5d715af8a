"""anonymity: sealed submissions wait for the mixer; drafts are sealed

Revision ID: w2_sealed
Revises: u2_session_version
Create Date: 2026-12-02 05:00:00

Drafts already saved are sealed here with the key the application uses (derived from LINK_SECRET, so
`flask db upgrade` must run with the application's settings). The derivation is written out again on
purpose: a migration must not change meaning when the application's code changes later.
"""
import hashlib
import hmac
import json
import os

import sqlalchemy as sa
from alembic import op
from flask import current_app


revision = 'w2_sealed'
down_revision = 'u2_session_version'
branch_labels = None
depends_on = None


def _seal(value, purpose: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = current_app.config["LINK_SECRET"].encode()
    key = hmac.new(secret, f"seal:v1:{purpose}".encode(), hashlib.sha256).digest()
    nonce = os.urandom(12)
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return nonce + AESGCM(key).encrypt(nonce, data, purpose.encode())


def upgrade():
    op.create_table(
        'sealed_response',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['campaign_id'], ['campaign.id'], name=op.f('fk_sealed_response_campaign_id_campaign'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_response')),
    )
    with op.batch_alter_table('sealed_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_response_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_sealed', sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    invitation = sa.table(
        'invitation',
        sa.column('id', sa.Integer),
        sa.column('campaign_id', sa.Integer),
        sa.column('nonce', sa.String),
        sa.column('draft', sa.JSON(none_as_null=True)),
        sa.column('draft_sealed', sa.LargeBinary),
    )
    rows = conn.execute(sa.select(invitation).where(invitation.c.draft.is_not(None))).all()
    for row in rows:
        sealed = _seal(row.draft, f"draft:{row.campaign_id}:{row.nonce}") if any((row.draft or {}).values()) else None
        conn.execute(sa.update(invitation).where(invitation.c.id == row.id).values(draft_sealed=sealed))
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitation_no_draft_after_submit'), type_='check')
        batch_op.drop_column('draft')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('draft_sealed', new_column_name='draft')
        batch_op.create_check_constraint('no_draft_after_submit', "status <> 'submitted' OR draft IS NULL")


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitation_no_draft_after_submit'), type_='check')
        batch_op.drop_column('draft')  # sealed drafts cannot be turned back into plain ones here
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_check_constraint('no_draft_after_submit', "status <> 'submitted' OR draft IS NULL")
    with op.batch_alter_table('sealed_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_response_campaign_id'))
    op.drop_table('sealed_response')
