"""document jobs: workbooks built after the commit, off the write path

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema: the queue of workbooks asked for (services.document_jobs)."""
    op.create_table(
        'document_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=True),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'building', 'done', 'failed', name='documentjobstatus', native_enum=False, length=24), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_document_job_campaign_id_campaign')),
        sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_document_job_period_id_period')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_job')),
    )
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.create_index('ix_document_job_queue', ['status', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema: the queue goes (jobs not built yet are lost with it)."""
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.drop_index('ix_document_job_queue')
    op.drop_table('document_job')
