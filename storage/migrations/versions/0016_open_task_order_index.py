"""open task order index: an inbox page's tasks found and ordered in one index, without reading their rows

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:40:00

The inbox lists open tasks by lane (or assignee), ordered by due time or arrival (created_at, id), a page at a
time. The index of 0005 (status, lane, assignee_id, claimed_by_id) found the open tasks but held no order: the
database read every open task's row and its case's row, then sorted them all (at 100,000 cases, an office member's
3,269 tasks for each page). This index holds the open tasks by lane in arrival order, with every column the
inbox's filters and sorts read, so a page's task ids come from the index alone; it replaces 0005's index, whose
counts it answers too.
"""

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COLUMNS = ['status', 'lane', 'created_at', 'id', 'assignee_id', 'claimed_by_id', 'due_at']


def upgrade() -> None:
    op.create_index('ix_human_task_open_order', 'human_task', COLUMNS, unique=False)
    op.drop_index('ix_human_task_open', table_name='human_task')


def downgrade() -> None:
    op.create_index('ix_human_task_open', 'human_task', ['status', 'lane', 'assignee_id', 'claimed_by_id'],
                    unique=False)
    op.drop_index('ix_human_task_open_order', table_name='human_task')
