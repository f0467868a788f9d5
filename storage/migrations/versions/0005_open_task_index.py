"""open task index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 21:00:00
"""

from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_status_lane')
        batch_op.create_index('ix_human_task_open', ['status', 'lane', 'assignee_id', 'claimed_by_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_open')
        batch_op.create_index('ix_human_task_status_lane', ['status', 'lane'], unique=False)
