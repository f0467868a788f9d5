"""signed checkpoints; the record tables append-only in the database

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:20:00

On PostgreSQL, set CADREFLOW_DB_APP_ROLE to the role the application connects as (the migration
runs as the owner): it gets SELECT and INSERT on the record tables and nothing more there.
"""

import os

import sqlalchemy as sa
from alembic import op

from storage import append_only

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_checkpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('at', sa.String(length=32), nullable=False),
        sa.Column('from_seq', sa.BigInteger(), nullable=False),
        sa.Column('hashes', sa.Text(), nullable=False),
        sa.Column('key_id', sa.String(length=32), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=100), nullable=False),
        sa.Column('made_by', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint')),
        sa.UniqueConstraint('seq', name=op.f('uq_audit_checkpoint_seq')),
    )
    app_role = op.get_context().config.attributes.get("app_role") if op.get_context().config else None
    append_only.install(op.get_bind(), app_role or os.environ.get("CADREFLOW_DB_APP_ROLE") or None)


def downgrade() -> None:
    append_only.remove(op.get_bind())
    op.drop_table('audit_checkpoint')
