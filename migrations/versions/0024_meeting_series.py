"""meeting_series: meetings that repeat weekly, every other week or monthly

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 17:21:45.561266
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meeting_series',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=True),
    sa.Column('nth', sa.SmallInteger(), nullable=True),
    sa.Column('day', sa.SmallInteger(), nullable=True),
    sa.Column('at_minute', sa.SmallInteger(), nullable=False),
    sa.Column('anchor', sa.Date(), nullable=False),
    sa.Column('thread_id', sa.BigInteger(), nullable=True),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['persons.id'], name=op.f('fk_meeting_series_created_by_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_meeting_series_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_series')),
    sa.UniqueConstraint('group_id', 'number', name=op.f('uq_meeting_series_group_id_number'))
    )
    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_series_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_meetings_series_id_starts_at'), ['series_id', 'starts_at'])
        batch_op.create_foreign_key(batch_op.f('fk_meetings_series_id_meeting_series'), 'meeting_series', ['series_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meetings_series_id_meeting_series'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_meetings_series_id_starts_at'), type_='unique')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('meeting_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_series_group_id'))

    op.drop_table('meeting_series')
