"""web sign-in and downloads

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 07:00:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (issue 17): one-time sign-in links and the sessions of the office's web
    page, both stored as hashes of their tokens; a built workbook's file and name kept on its
    job, for the web page's download."""
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_path', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('document_name', sa.String(length=200), nullable=True))
    op.create_table('web_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id'], name=op.f('fk_web_login_reporter_id_reporter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_login')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_login_token_hash'))
    )
    op.create_table('web_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id'], name=op.f('fk_web_session_reporter_id_reporter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_web_session_token_hash'))
    )


def downgrade() -> None:
    """Downgrade schema: both tables dropped (everyone signs in again), the file columns too."""
    op.drop_table('web_session')
    op.drop_table('web_login')
    with op.batch_alter_table('document_job', schema=None) as batch_op:
        batch_op.drop_column('document_name')
        batch_op.drop_column('document_path')
