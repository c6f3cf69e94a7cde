"""review scoring: criteria, reviews, score sheets and audit, evidence, approval, the
cluster head's ranking, nominees and initiatives, and each title's proposal rule (issue 16)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:49:11.505535

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: the second half of a campaign's tables, all new and empty; titles get
    their proposal rule (none by default)."""
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('covers', sa.String(length=10), nullable=False),
    sa.Column('self_start', sa.Date(), nullable=False),
    sa.Column('self_end', sa.Date(), nullable=False),
    sa.Column('cross_start', sa.Date(), nullable=True),
    sa.Column('cross_end', sa.Date(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('weights', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_review_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('campaign_id', 'code', name=op.f('uq_review_campaign_id_code'))
    )
    op.create_table('approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('approved', 'returned', name='approvalstatus', native_enum=False, length=24), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['reporter.id'], name=op.f('fk_approval_decided_by_id_reporter')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_approval_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_approval_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval')),
    sa.UniqueConstraint('review_id', 'org_unit_id', name=op.f('uq_approval_review_id_org_unit_id'))
    )
    op.create_table('cluster_ranking',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_cluster_ranking_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['reporter.id'], name=op.f('fk_cluster_ranking_proposed_by_id_reporter')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_cluster_ranking_review_id_review')),
    sa.PrimaryKeyConstraint('review_id', 'org_unit_id', name=op.f('pk_cluster_ranking'))
    )
    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('self', 'cross', 'office', name='sheetrole', native_enum=False, length=24), nullable=False),
    sa.Column('scorer_unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'corrected', 'approved', name='sheetstatus', native_enum=False, length=24), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('return_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_score_sheet_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_score_sheet_review_id_review')),
    sa.ForeignKeyConstraint(['scorer_unit_id'], ['org_unit.id'], name=op.f('fk_score_sheet_scorer_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['reporter.id'], name=op.f('fk_score_sheet_submitted_by_id_reporter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('review_id', 'org_unit_id', 'role', 'scorer_unit_id', name=op.f('uq_score_sheet_review_id_org_unit_id_role_scorer_unit_id'))
    )
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('group_name', sa.String(length=300), nullable=False),
    sa.Column('max_points', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('standard', 'bonus', 'penalty', name='criterionkind', native_enum=False, length=24), nullable=False),
    sa.Column('evidence_required', sa.Boolean(), nullable=False),
    sa.Column('source_element_id', sa.Integer(), nullable=True),
    sa.Column('source_indicator_id', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=300), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_criterion_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['source_element_id'], ['data_element.id'], name=op.f('fk_criterion_source_element_id_data_element')),
    sa.ForeignKeyConstraint(['source_indicator_id'], ['indicator.id'], name=op.f('fk_criterion_source_indicator_id_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('campaign_id', 'code', name=op.f('uq_criterion_campaign_id_code'))
    )
    op.create_table('initiative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_initiative_registration_id_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative'))
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_registration_id'), ['registration_id'], unique=False)

    op.create_table('nominee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('title_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_nominee_registration_id_registration')),
    sa.ForeignKeyConstraint(['title_id'], ['title.id'], name=op.f('fk_nominee_title_id_title')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominee'))
    )
    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nominee_registration_id'), ['registration_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_evidence_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_evidence_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_evidence_review_id_review')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['reporter.id'], name=op.f('fk_evidence_sent_by_id_reporter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('review_id', 'org_unit_id', 'criterion_id', 'sha256', name=op.f('uq_evidence_review_id_org_unit_id_criterion_id_sha256'))
    )
    op.create_table('score',
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.String(length=40), nullable=False),
    sa.Column('computed', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_score_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_score_sheet_id_score_sheet')),
    sa.PrimaryKeyConstraint('sheet_id', 'criterion_id', name=op.f('pk_score'))
    )
    op.create_table('score_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('old_points', sa.String(length=40), nullable=True),
    sa.Column('new_points', sa.String(length=40), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['reporter.id'], name=op.f('fk_score_audit_changed_by_id_reporter')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_score_audit_criterion_id_criterion')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_score_audit_sheet_id_score_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_audit'))
    )
    with op.batch_alter_table('score_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_audit_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('review_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('org_unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('chats', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_unit_id'], ['org_unit.id'], name=op.f('fk_review_reminder_org_unit_id_org_unit')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_reminder_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reminder')),
    sa.UniqueConstraint('review_id', 'org_unit_id', 'kind', name=op.f('uq_review_reminder_review_id_org_unit_id_kind'))
    )
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_score', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('needs_on_time', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('max_share', sa.String(length=40), nullable=True))



def downgrade() -> None:
    """Downgrade schema: drop them (scores, evidence records and decisions are lost; the
    evidence files stay in the data folder)."""
    with op.batch_alter_table('title', schema=None) as batch_op:
        batch_op.drop_column('max_share')
        batch_op.drop_column('needs_on_time')
        batch_op.drop_column('min_score')

    op.drop_table('review_reminder')
    with op.batch_alter_table('score_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_audit_sheet_id'))

    op.drop_table('score_audit')
    op.drop_table('score')
    op.drop_table('evidence')
    with op.batch_alter_table('nominee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nominee_registration_id'))

    op.drop_table('nominee')
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_registration_id'))

    op.drop_table('initiative')
    op.drop_table('criterion')
    op.drop_table('score_sheet')
    op.drop_table('cluster_ranking')
    op.drop_table('approval')
    op.drop_table('review')
