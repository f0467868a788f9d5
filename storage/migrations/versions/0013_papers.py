"""papers: personal fields of the approval form, document numbers, issued papers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 08:38:34

The 干部任免审批表 and the .lrmx file need the cadre's 籍贯, 出生地, 健康状况, education details, family, 简历
periods, awards, photo and identity number; the notices a case issues need a gapless register of document
numbers and the issued bytes kept on the case. Every new cadre column is nullable: existing rows stay valid.
"""

import sqlalchemy as sa
from alembic import op

import storage.base


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_counter',
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_document_counter'))
    )
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('granted_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_award_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('cadre_photo',
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_cadre_photo_cadre_id_cadre')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_cadre_photo_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('cadre_id', name=op.f('pk_cadre_photo'))
    )
    op.create_table('family_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('birth_month', sa.Date(), nullable=True),
    sa.Column('political_status', sa.String(length=30), nullable=False),
    sa.Column('work_unit_post', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_family_member_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_member'))
    )
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_member_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('resume_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('end_month', sa.Date(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_resume_entry_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resume_entry'))
    )
    with op.batch_alter_table('resume_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resume_entry_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('document_number',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('issued_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_document_number_case_id_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_document_number_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_document_number_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_number')),
    sa.UniqueConstraint('prefix', 'year', 'serial', name=op.f('uq_document_number_prefix'))
    )
    with op.batch_alter_table('document_number', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_number_case_id'), ['case_id'], unique=False)

    op.create_table('issued_paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('staff_no', sa.String(length=40), nullable=True),
    sa.Column('document_number_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('issued_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_issued_paper_case_id_case')),
    sa.ForeignKeyConstraint(['document_number_id'], ['document_number.id'], name=op.f('fk_issued_paper_document_number_id_document_number')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_issued_paper_issued_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_paper'))
    )
    with op.batch_alter_table('issued_paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_paper_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_no', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('native_place', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('birthplace', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('health', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('professional_title', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('expertise', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('ft_degree_school', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('pt_school', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('pt_major', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('pt_degree_school', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('post_text', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rewards_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('assessment_text', sa.Text(), nullable=True))
    # An index, not a table constraint: SQLite would rebuild the cadre table, which other tables refer to.
    op.create_index(op.f('ix_cadre_identity_no'), 'cadre', ['identity_no'], unique=True)



def downgrade() -> None:
    op.drop_index(op.f('ix_cadre_identity_no'), table_name='cadre')
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_column('assessment_text')
        batch_op.drop_column('rewards_text')
        batch_op.drop_column('post_text')
        batch_op.drop_column('pt_degree_school')
        batch_op.drop_column('pt_major')
        batch_op.drop_column('pt_school')
        batch_op.drop_column('ft_degree_school')
        batch_op.drop_column('expertise')
        batch_op.drop_column('professional_title')
        batch_op.drop_column('health')
        batch_op.drop_column('birthplace')
        batch_op.drop_column('native_place')
        batch_op.drop_column('identity_no')

    with op.batch_alter_table('issued_paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_paper_case_id'))

    op.drop_table('issued_paper')
    with op.batch_alter_table('document_number', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_number_case_id'))

    op.drop_table('document_number')
    with op.batch_alter_table('resume_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resume_entry_cadre_id'))

    op.drop_table('resume_entry')
    with op.batch_alter_table('family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_member_cadre_id'))

    op.drop_table('family_member')
    op.drop_table('cadre_photo')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_cadre_id'))

    op.drop_table('award')
    op.drop_table('document_counter')
