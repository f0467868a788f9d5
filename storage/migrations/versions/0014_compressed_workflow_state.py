"""compressed workflow state: a case's state is stored zlib-compressed (bytes) instead of JSON text

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:00:00

Every command rewrites the state (38 KB of JSON for a 100-task model; 5.5 KB compressed at level 1, 7.7 KB as
PostgreSQL's own TOAST compression stores the text). Existing rows are converted in batches. The new column is
nullable because SQLite adds a column so without rebuilding the table; every command writes it. On PostgreSQL
the column skips TOAST's compression attempt, which would only fail on compressed bytes.
"""

import zlib

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BATCH = 500


def _case(old_type, new_type) -> sa.TableClause:
    return sa.table("case", sa.column("id", sa.Integer), sa.column("workflow_state", old_type),
                    sa.column("workflow_state_new", new_type))


def _convert(case: sa.TableClause, transform) -> None:
    """Fill the new column with ``transform`` of the old one, in batches of rows."""
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(case.c.id, case.c.workflow_state).where(case.c.id > last)
                            .order_by(case.c.id).limit(BATCH)).all()
        if not rows:
            return
        bind.execute(sa.update(case).where(case.c.id == sa.bindparam("row_id"))
                     .values(workflow_state_new=sa.bindparam("state")),
                     [{"row_id": row_id, "state": None if value is None else transform(value)}
                      for row_id, value in rows])
        last = rows[-1][0]


def _swap() -> None:
    op.execute('ALTER TABLE "case" DROP COLUMN workflow_state')
    op.execute('ALTER TABLE "case" RENAME COLUMN workflow_state_new TO workflow_state')


def upgrade() -> None:
    op.add_column('case', sa.Column('workflow_state_new', sa.LargeBinary(), nullable=True))
    _convert(_case(sa.Text, sa.LargeBinary), lambda text: zlib.compress(text.encode("utf-8"), 1))
    _swap()
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "case" ALTER COLUMN workflow_state SET STORAGE EXTERNAL')


def downgrade() -> None:
    op.add_column('case', sa.Column('workflow_state_new', sa.Text(), nullable=True))
    _convert(_case(sa.LargeBinary, sa.Text), lambda data: zlib.decompress(data).decode("utf-8"))
    _swap()
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "case" ALTER COLUMN workflow_state SET NOT NULL')
