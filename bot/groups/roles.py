"""Roles beyond coordination: observers, who follow the group but do not decide (they are
left out of quorum, of "not voted yet" lists and reminders, and of the silent members; their
vote clicks are refused). Features above read `OBSERVER` from `groups.models` and leave the
role out of their queries with `deciding()`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.groups.models import MEMBER, OBSERVER, Membership, Person


def deciding() -> Any:
    """The condition on `Membership` of a member who decides (anyone but an observer)."""
    return Membership.role != OBSERVER


def accepting() -> Any:
    """The condition on `Membership` of a member asked to accept the chat rules: one who
    decides and is on Telegram (a member without a phone, `/member add`, cannot press Accept;
    their id, like a tombstone's, is below zero)."""
    return (Membership.role != OBSERVER) & (Membership.person_id > 0)


async def role_of(session: AsyncSession, group_id: int, person_id: int) -> str | None:
    return await session.scalar(
        select(Membership.role).where(
            Membership.group_id == group_id,
            Membership.person_id == person_id,
            Membership.left_at.is_(None),
        )
    )


async def observers(session: AsyncSession, group_id: int) -> list[Person]:
    result = await session.scalars(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.role == OBSERVER,
            Membership.left_at.is_(None),
        )
        .order_by(Person.first_name, Person.id)
    )
    return list(result)


async def stop_observing(session: AsyncSession, group_id: int, person_id: int) -> None:
    """An observer made a Telegram admin coordinates now: the role goes back to member."""
    await session.execute(
        update(Membership)
        .where(
            Membership.group_id == group_id,
            Membership.person_id == person_id,
            Membership.role == OBSERVER,
        )
        .values(role=MEMBER)
    )
