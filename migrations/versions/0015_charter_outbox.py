"""charter outbox: a new version is shown once (pinned rules, one notice)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('charter_boards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_base', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('publishing_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notice_message_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('notice_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notice_base', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('notice_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('by_vote', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.drop_column('by_vote')

    with op.batch_alter_table('charter_boards', schema=None) as batch_op:
        batch_op.drop_column('notice_at')
        batch_op.drop_column('notice_base')
        batch_op.drop_column('notice_version')
        batch_op.drop_column('notice_message_id')
        batch_op.drop_column('publishing_at')
        batch_op.drop_column('due_base')
        batch_op.drop_column('due_version')
