"""the cadre file's talk records (谈心谈话), filings (备案) and leave periods

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:30:00

The talk_record and filing tables of 0002 were never written by the application; rows a bureau entered by
hand keep their values: a talk becomes a 谈心谈话 led by its former ``led_by``, a filing's note its content.
"""

import sqlalchemy as sa
from alembic import op

import storage.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CREATED_AT = sa.text("CURRENT_TIMESTAMP")


def upgrade() -> None:
    with op.batch_alter_table('talk_record', schema=None) as batch_op:
        batch_op.alter_column('led_by', new_column_name='talkers', existing_type=sa.String(length=80),
                              type_=sa.String(length=200), existing_nullable=False)
        batch_op.add_column(sa.Column('kind', sa.String(length=30), nullable=False,
                                      server_default='heart_to_heart'))
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False,
                                      server_default=CREATED_AT))
        batch_op.create_index(batch_op.f('ix_talk_record_case_id'), ['case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_talk_record_case_id_case'), 'case', ['case_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_talk_record_created_by_id_user_account'), 'user_account',
                                    ['created_by_id'], ['id'])
    # The defaults served the rows already there; the application always sets both.
    with op.batch_alter_table('talk_record', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('created_at', server_default=None)

    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.alter_column('note', new_column_name='content', existing_type=sa.Text(), existing_nullable=False)
        batch_op.add_column(sa.Column('document_no', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False,
                                      server_default=CREATED_AT))
        batch_op.create_foreign_key(batch_op.f('fk_filing_created_by_id_user_account'), 'user_account',
                                    ['created_by_id'], ['id'])
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.alter_column('created_at', server_default=None)

    op.create_table(
        'leave_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cadre_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=False),
        sa.Column('end_date', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('end_date >= start_date', name=op.f('ck_leave_period_ends_after_start')),
        sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_leave_period_cadre_id_cadre')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_leave_period_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_period')),
    )
    with op.batch_alter_table('leave_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_period_cadre_id'), ['cadre_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leave_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leave_period_cadre_id'))
    op.drop_table('leave_period')

    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_filing_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('created_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('document_no')
        batch_op.alter_column('content', new_column_name='note', existing_type=sa.Text(), existing_nullable=False)

    # Talks a procedure recorded and the kinds of talk cannot be kept in the 0002 table.
    with op.batch_alter_table('talk_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_talk_record_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_talk_record_case_id_case'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_talk_record_case_id'))
        batch_op.drop_column('created_at')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('case_id')
        batch_op.drop_column('kind')
        batch_op.alter_column('talkers', new_column_name='led_by', existing_type=sa.String(length=200),
                              type_=sa.String(length=80), existing_nullable=False)
