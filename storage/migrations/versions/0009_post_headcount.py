"""the approved headcount (职数) per section and post level

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 01:30:00

No rows are created: a section without an entry has no approved headcount yet, and the selection's
analysis step then asks the organiser to state the vacancy.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'post_headcount',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=30), nullable=False),
        sa.Column('approved', sa.Integer(), nullable=False),
        sa.CheckConstraint('approved >= 0', name=op.f('ck_post_headcount_approved')),
        sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_post_headcount_section_id_section')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_headcount')),
        sa.UniqueConstraint('section_id', 'level', name=op.f('uq_post_headcount_section_id')),
    )
    with op.batch_alter_table('post_headcount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_headcount_section_id'), ['section_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('post_headcount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_headcount_section_id'))
    op.drop_table('post_headcount')
