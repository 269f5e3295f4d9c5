"""outbox: what a committed turn must send, sent after the commit and retried until it is;
groups.migrated_from: the chat id a supergroup had as a basic group

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('update_id', sa.BigInteger(), nullable=True),
        sa.Column('after', sa.String(length=80), nullable=True),
        sa.Column('after_args', sa.JSON(), nullable=True),
        sa.Column('attempts', sa.BigInteger(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_id', sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['done_at', 'next_attempt_at'], unique=False)
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('migrated_from', sa.BigInteger(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_groups_migrated_from'), ['migrated_from'])


def downgrade() -> None:
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_groups_migrated_from'), type_='unique')
        batch_op.drop_column('migrated_from')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')
    op.drop_table('outbox')
