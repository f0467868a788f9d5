"""case concerns a cadre

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 15:27:07.733669
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cadre_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_cadre_id'), ['cadre_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_cadre_id_cadre'), 'cadre', ['cadre_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_cadre_id_cadre'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_cadre_id'))
        batch_op.drop_column('cadre_id')

