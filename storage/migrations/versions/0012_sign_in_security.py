"""sign-in security: server-side sessions, sign-in throttles, two-factor codes, API token expiry

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:30:00

Sessions lived only in signed cookies, so a saved cookie outlived its sign-out. Existing API tokens get an expiry
90 days after this migration (not after their creation: an old token must not stop working the minute the
upgrade runs).
"""

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import storage.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_sha256', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_reason', sa.String(length=40), nullable=True),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('key_sha256', name=op.f('uq_user_session_key_sha256')),
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_sha256', sa.String(length=64), nullable=False),
        sa.Column('used_at', storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
        sa.UniqueConstraint('code_sha256', name=op.f('uq_recovery_code_code_sha256')),
    )
    op.create_index(op.f('ix_recovery_code_user_id'), 'recovery_code', ['user_id'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', storage.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', storage.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', storage.base.UTCDateTime(timezone=True), nullable=True))
    expiry = sa.bindparam("expiry", datetime.now(UTC) + timedelta(days=90), type_=storage.base.UTCDateTime())
    op.execute(sa.text("UPDATE api_token SET expires_at = :expiry WHERE revoked_at IS NULL").bindparams(expiry))


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
    op.drop_index(op.f('ix_recovery_code_user_id'), table_name='recovery_code')
    op.drop_table('recovery_code')
    op.drop_table('sign_in_throttle')
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
