"""open task index with the filters' columns: a filtered inbox page found without reading the open tasks' rows

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 20:30:00

The inbox filters by process (the case's version) and by text (the case's title and subject, the task's name).
0016's index held every column the unfiltered inbox reads, but not the task's case nor its name: a filtered page
read the row of every open task it could show (at 100,000 cases, an office member's 3,269 rows among 1.8 million)
before it looked at the cases. With ``case_id`` and ``name`` in it, the index answers the task's side of every
filter; only the cases are read (benchmarks/bench_pages.py, ``?process=`` and ``?q=``).
"""

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

BEFORE = ['status', 'lane', 'created_at', 'id', 'assignee_id', 'claimed_by_id', 'due_at']
AFTER = [*BEFORE, 'case_id', 'name']


def upgrade() -> None:
    op.drop_index('ix_human_task_open_order', table_name='human_task')
    op.create_index('ix_human_task_open_order', 'human_task', AFTER, unique=False)


def downgrade() -> None:
    op.drop_index('ix_human_task_open_order', table_name='human_task')
    op.create_index('ix_human_task_open_order', 'human_task', BEFORE, unique=False)
