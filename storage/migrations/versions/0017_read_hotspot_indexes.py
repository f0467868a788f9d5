"""read hotspot indexes: the previous sign-in, the cases that moved, and the case lists by status, from indexes

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 16:00:00

At 100,000 cases the load test found three reads that scanned: the start page looked for the user's previous
sign-in among every sign-in on record (by type), and for the cases of theirs that moved by reading their cases'
events; the case lists filtered by status (the API's default "running", the audit search) read every case of
that status to sort it and to count it. A partial index holds only the sign-ins, by user; an index on the case
heads' seq finds the cases whose newest event is recent; the status index gains the lists' order and the columns
their filters read (the outcome, the process version, the starter), so a page and its count come from it alone. It replaces
the bare status index, which it answers too.
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

LOGINS = sa.text("type = 'user.login'")
CASE_ORDER = ['status', 'started_at', 'id', 'outcome', 'spec_id', 'started_by_id']


def upgrade() -> None:
    op.create_index('ix_audit_event_login', 'audit_event', ['actor_id', 'seq'], unique=False,
                    sqlite_where=LOGINS, postgresql_where=LOGINS)
    op.create_index('ix_case_audit_head_seq', 'case_audit_head', ['seq'], unique=False)
    op.create_index('ix_case_status_order', 'case', CASE_ORDER, unique=False)
    op.drop_index('ix_case_status', table_name='case')


def downgrade() -> None:
    op.create_index('ix_case_status', 'case', ['status'], unique=False)
    op.drop_index('ix_case_status_order', table_name='case')
    op.drop_index('ix_case_audit_head_seq', table_name='case_audit_head')
    op.drop_index('ix_audit_event_login', table_name='audit_event', sqlite_where=LOGINS, postgresql_where=LOGINS)
