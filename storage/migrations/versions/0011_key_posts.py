"""key posts: the post categories that rotate after ten years even outside leadership (组织、人事、纪检、审计、财务 …)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 01:30:00

The category is on the post (one row of a cadre's history), not on the section: a section holds posts of
different kinds (办公室: 财务, 采购, 文秘) and the ten years are counted per post. Existing posts keep NULL
(not classified) until the registry form or a workbook import sets them.
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('category')
