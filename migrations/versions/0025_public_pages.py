"""public_pages: the opt-in public page; actor_profiles.public_name_at

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 17:36:35.296611
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('public_pages',
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('indexed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_public_pages_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_public_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_public_pages_slug'))
    )
    with op.batch_alter_table('actor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_name_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('actor_profiles', schema=None) as batch_op:
        batch_op.drop_column('public_name_at')

    op.drop_table('public_pages')
