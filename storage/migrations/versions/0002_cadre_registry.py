"""cadre registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 15:13:19.311640
"""

from alembic import op
import sqlalchemy as sa
import storage.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cadre',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_no', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('political_affiliation', sa.String(length=30), nullable=False),
    sa.Column('party_join_date', sa.Date(), nullable=True),
    sa.Column('work_start_date', sa.Date(), nullable=True),
    sa.Column('staff_category', sa.String(length=30), nullable=False),
    sa.Column('retirement_category', sa.String(length=20), nullable=False),
    sa.Column('ft_education_level', sa.String(length=20), nullable=True),
    sa.Column('ft_degree', sa.String(length=40), nullable=True),
    sa.Column('ft_school', sa.String(length=120), nullable=True),
    sa.Column('ft_major', sa.String(length=120), nullable=True),
    sa.Column('pt_education_level', sa.String(length=20), nullable=True),
    sa.Column('pt_degree', sa.String(length=40), nullable=True),
    sa.Column('under_investigation', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre')),
    sa.UniqueConstraint('staff_no', name=op.f('uq_cadre_staff_no'))
    )
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cadre_name'), ['name'], unique=False)

    op.create_table('calendar_override',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_override'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    op.create_table('annual_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_annual_assessment_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_assessment')),
    sa.UniqueConstraint('cadre_id', 'year', name=op.f('uq_annual_assessment_cadre_id'))
    )
    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_assessment_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('filing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_filing_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing'))
    )
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('recommendation_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('targeted_post', sa.String(length=120), nullable=True),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_recommendation_result_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation_result'))
    )
    with op.batch_alter_table('recommendation_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_result_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('sanction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('impact_until', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_sanction_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanction'))
    )
    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanction_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('leader_in_charge_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['leader_in_charge_id'], ['cadre.id'], name=op.f('fk_section_leader_in_charge_id_cadre')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_section_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section')),
    sa.UniqueConstraint('code', name=op.f('uq_section_code'))
    )
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_unit_id'), ['unit_id'], unique=False)

    op.create_table('talk_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('led_by', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_talk_record_cadre_id_cadre')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talk_record'))
    )
    with op.batch_alter_table('talk_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talk_record_cadre_id'), ['cadre_id'], unique=False)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cadre_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=True),
    sa.Column('is_leadership', sa.Boolean(), nullable=False),
    sa.Column('civil_service_rank', sa.String(length=40), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('notice_date', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('same_post_start', sa.Date(), nullable=False),
    sa.Column('appointment_mode', sa.String(length=30), nullable=False),
    sa.Column('probation_start', sa.Date(), nullable=True),
    sa.Column('probation_end', sa.Date(), nullable=True),
    sa.Column('probation_result', sa.String(length=20), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['cadre_id'], ['cadre.id'], name=op.f('fk_post_cadre_id_cadre')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_post_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index('ix_post_cadre_id_end_date', ['cadre_id', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_section_id'), ['section_id'], unique=False)

    op.create_table('section_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_section_assessment_section_id_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_assessment')),
    sa.UniqueConstraint('section_id', 'year', name=op.f('uq_section_assessment_section_id'))
    )
    with op.batch_alter_table('section_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_assessment_section_id'), ['section_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('section_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_assessment_section_id'))

    op.drop_table('section_assessment')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_section_id'))
        batch_op.drop_index('ix_post_cadre_id_end_date')

    op.drop_table('post')
    with op.batch_alter_table('talk_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talk_record_cadre_id'))

    op.drop_table('talk_record')
    with op.batch_alter_table('section', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_unit_id'))

    op.drop_table('section')
    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanction_cadre_id'))

    op.drop_table('sanction')
    with op.batch_alter_table('recommendation_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_result_cadre_id'))

    op.drop_table('recommendation_result')
    with op.batch_alter_table('filing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_cadre_id'))

    op.drop_table('filing')
    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_assessment_cadre_id'))

    op.drop_table('annual_assessment')
    op.drop_table('unit')
    op.drop_table('calendar_override')
    with op.batch_alter_table('cadre', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cadre_name'))

    op.drop_table('cadre')
