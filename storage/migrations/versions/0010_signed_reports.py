"""signed reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 07:20:00.000000

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_TEXTS = (
    ('parent_body', sa.String(length=300)),
    ('place', sa.String(length=100)),
    ('report_suffix', sa.String(length=50)),
    ('signer_title', sa.String(length=100)),
    ('signer_name', sa.String(length=200)),
    ('recipients', sa.Text()),
)


def upgrade() -> None:
    """Upgrade schema (issue 18): what a signed report needs, from "Phong trào" (optional,
    empty for campaigns imported before)."""
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        for name, kind in _TEXTS:
            batch_op.add_column(sa.Column(name, kind, nullable=False, server_default=''))


def downgrade() -> None:
    """Downgrade schema: the columns dropped."""
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        for name, _kind in reversed(_TEXTS):
            batch_op.drop_column(name)
