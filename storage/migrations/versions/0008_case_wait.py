"""case wait: what a running case waits for (a timer, a message) and until when, for the pages and the API

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:30:00

Running cases get their rows at their next command, or at once from `cadreflow init-db`.
"""

import sqlalchemy as sa
from alembic import op

import storage.base

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_wait',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('bpmn_id', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('boundary', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('context', sa.String(length=300), nullable=True),
        sa.Column('lane', sa.String(length=40), nullable=True),
        sa.Column('due_at', storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('working_days', sa.Integer(), nullable=True),
        sa.Column('provisional', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_wait_case_id_case')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_wait')),
    )
    with op.batch_alter_table('case_wait', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_wait_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_wait', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_wait_case_id'))
    op.drop_table('case_wait')
