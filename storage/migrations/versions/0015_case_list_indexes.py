"""case list indexes: everyone's cases and one starter's, newest first, read a page at a time from an index

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:40:00

我的案件, the auditor's search and GET /api/v1/cases order by (started_at, id) descending and page past the last
case shown. Without an index on that order the database reads and sorts every case for each page (at 100,000
cases, SQLite read the whole table: seconds a page); with it, it reads the page's rows from the index's end.
"""

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_started_at_id', 'case', ['started_at', 'id'], unique=False)
    op.create_index('ix_case_started_by_id_started_at', 'case', ['started_by_id', 'started_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_started_by_id_started_at', table_name='case')
    op.drop_index('ix_case_started_at_id', table_name='case')
