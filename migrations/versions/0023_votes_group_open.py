"""votes: a group's open votes found by (group_id, closed_at)

The digest and /status read a batch of groups' open votes; with only `ix_votes_open`
(closed_at, closes_at) SQLite walked every group's open votes for each batch, so a digest run
slowed down as the groups grew. The new index's prefix serves every read by group_id alone.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 17:52:16.053780
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_group_open', ['group_id', 'closed_at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_votes_group_id'))


def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_group_id'), ['group_id'], unique=False)
        batch_op.drop_index('ix_votes_group_open')
