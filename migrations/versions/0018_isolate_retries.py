"""isolate: failed work retried with a backoff; "chat not found" counted per group

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('work_claims', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('attempts', sa.SmallInteger(), nullable=False, server_default=sa.text('0'))
        )
        batch_op.add_column(sa.Column('not_before', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('not_found', sa.SmallInteger(), nullable=False, server_default=sa.text('0'))
        )
        batch_op.add_column(sa.Column('not_found_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('not_found_at')
        batch_op.drop_column('not_found')

    with op.batch_alter_table('work_claims', schema=None) as batch_op:
        batch_op.drop_column('not_before')
        batch_op.drop_column('attempts')
