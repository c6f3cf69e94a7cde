"""peer values index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 22:30:00.000000

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema (issue 15): a typed figure is compared with the other units' figures of
    the same element and period (``storage.values.others_values``); the index serves that read
    without walking every element's values of the period (3,000 units x 25 elements)."""
    with op.batch_alter_table('data_value', schema=None) as batch_op:
        batch_op.create_index(
            'ix_data_value_period_element', ['period_id', 'data_element_id'], unique=False
        )


def downgrade() -> None:
    """Downgrade schema: the index dropped, no data touched."""
    with op.batch_alter_table('data_value', schema=None) as batch_op:
        batch_op.drop_index('ix_data_value_period_element')
