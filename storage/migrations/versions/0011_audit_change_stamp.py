"""audit change stamp index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:40:00.000000

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (issue 15): the last change of a period's values, ``max(id)`` of its
    audit rows, found in one index step (``storage.peers``: the units' figures kept by a process
    are read again only when another process changed the period)."""
    with op.batch_alter_table('data_value_audit', schema=None) as batch_op:
        batch_op.create_index('ix_data_value_audit_change', ['period_id', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema: the index dropped, no data touched."""
    with op.batch_alter_table('data_value_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_data_value_audit_change')
