"""case outcome: the end event a finished case reached, and whether it ended the procedure early

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00

Cases finished before this migration keep NULL: their end is in their workflow state and the record.
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('end_event', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('end_name', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('end_name')
        batch_op.drop_column('end_event')
        batch_op.drop_column('outcome')
