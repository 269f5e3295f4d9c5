"""commitment asks: the one private question to a person asked to take a commitment on

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 04:18:10.013102
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('commitment_asks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('commitment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_asks_commitment_id_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_commitment_asks_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_asks')),
    sa.UniqueConstraint('commitment_id', 'person_id', name=op.f('uq_commitment_asks_commitment_id_person_id'))
    )
    with op.batch_alter_table('commitment_asks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_asks_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('commitment_asks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_asks_person_id'))

    op.drop_table('commitment_asks')
