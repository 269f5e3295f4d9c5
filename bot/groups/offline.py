"""Members without Telegram (`/member add "Doña Rosa"`): a person with an id below zero (no
Telegram user has one) and a membership, so that a coordinator can record their position
on a vote and quorum counts them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import MEMBER, Membership, Person
from bot.groups.service import upsert_membership

MAX_NAME = 64
MEMBER_USAGE = N_('Write the name in quotes, for example: /member add "Doña Rosa"')


def clean_name(raw: str) -> str:
    """The name between quotes (straight or curly) of `raw`, in one line; else the usage."""
    text = raw.strip()
    for opening, closing in (('"', '"'), ("“", "”"), ("«", "»")):
        if text.startswith(opening) and text.endswith(closing) and len(text) > 1:
            name = " ".join(text[1:-1].split())
            if name and len(name) <= MAX_NAME:
                return name
    raise DomainError(MEMBER_USAGE)


async def find(session: AsyncSession, group_id: int, name: str) -> Person | None:
    """The group's member without Telegram called `name` (any case), if present."""
    return await session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.left_at.is_(None),
            Person.id < 0,
            func.lower(Person.first_name) == name.lower(),
        )
        .limit(1)
    )


async def add(session: AsyncSession, group_id: int, name: str, now: datetime) -> bool:
    """`name` joins the group as a member without Telegram; False if they were already in."""
    if await find(session, group_id, name) is not None:
        return False
    former = await session.scalar(
        select(Person.id)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Person.id < 0,
            func.lower(Person.first_name) == name.lower(),
        )
        .limit(1)
    )
    if former is not None:  # they had been removed: back again
        await upsert_membership(session, group_id, former, now)
        return True
    for attempt in range(5):
        lowest = await session.scalar(select(func.min(Person.id)).where(Person.id < 0))
        person = Person(id=(lowest or 0) - 1, first_name=name, created_at=now, updated_at=now)
        try:
            async with session.begin_nested():
                session.add(person)
                await session.flush()
        except IntegrityError:  # another one took the id at the same moment
            if attempt == 4:
                raise
            continue
        break
    session.add(Membership(group_id=group_id, person_id=person.id, role=MEMBER, joined_at=now))
    await session.flush()
    return True


async def remove(session: AsyncSession, group_id: int, name: str, now: datetime) -> bool:
    person = await find(session, group_id, name)
    if person is None:
        return False
    membership = await session.scalar(
        select(Membership).where(Membership.group_id == group_id, Membership.person_id == person.id)
    )
    assert membership is not None
    membership.left_at = now
    return True


async def members(session: AsyncSession, group_id: int) -> list[Person]:
    return list(
        await session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.group_id == group_id,
                Membership.left_at.is_(None),
                Person.id < 0,
                Person.erased_at.is_(None),  # a tombstone (bot.privacy) is no such member
            )
            .order_by(Person.first_name, Person.id)
        )
    )
