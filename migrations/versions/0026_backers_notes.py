"""backers_notes: backers told how a decision's commitments go

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 17:20:08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('backers_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('backers', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.BigInteger(), nullable=True),
    sa.Column('thread_id', sa.BigInteger(), nullable=True),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_backers_notes_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_backers_notes_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backers_notes')),
    sa.UniqueConstraint('decision_id', 'day', name=op.f('uq_backers_notes_decision_id_day'))
    )
    with op.batch_alter_table('backers_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backers_notes_due_at'), ['due_at'], unique=False)

    op.create_table('backers_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('note_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('commitment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('change', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_backers_lines_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['note_id'], ['backers_notes.id'], name=op.f('fk_backers_lines_note_id_backers_notes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backers_lines')),
    sa.UniqueConstraint('note_id', 'commitment_id', name=op.f('uq_backers_lines_note_id_commitment_id'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('meeting_minute_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_minute_tasks_decision_id_decisions'), 'decisions', ['decision_id'], ['id'], ondelete='SET NULL')

    _link_minute_tasks()


def _link_minute_tasks() -> None:
    """Tasks taken before this revision: each belongs to its minutes' first agreement."""
    tasks = sa.table('meeting_minute_tasks', sa.column('id'), sa.column('minutes_id'), sa.column('decision_id'))
    minutes = sa.table('meeting_minutes', sa.column('id'), sa.column('meeting_id'), sa.column('decisions', sa.JSON()))
    meetings = sa.table('meetings', sa.column('id'), sa.column('group_id'))
    decisions = sa.table('decisions', sa.column('id'), sa.column('group_id'), sa.column('number'), sa.column('vote_id'))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(tasks.c.id, meetings.c.group_id, minutes.c.decisions)
        .join(minutes, minutes.c.id == tasks.c.minutes_id)
        .join(meetings, meetings.c.id == minutes.c.meeting_id)
    ).all()
    for task_id, group_id, numbers in rows:
        if not numbers:
            continue
        decision_id = bind.execute(
            sa.select(decisions.c.id).where(
                decisions.c.group_id == group_id,
                decisions.c.number == numbers[0],
                decisions.c.vote_id.is_(None),
            )
        ).scalar()
        if decision_id is not None:
            bind.execute(sa.update(tasks).where(tasks.c.id == task_id).values(decision_id=decision_id))



def downgrade() -> None:
    with op.batch_alter_table('meeting_minute_tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_minute_tasks_decision_id_decisions'), type_='foreignkey')
        batch_op.drop_column('decision_id')

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('message_id')

    op.drop_table('backers_lines')
    with op.batch_alter_table('backers_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backers_notes_due_at'))

    op.drop_table('backers_notes')
