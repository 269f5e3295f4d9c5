"""What the Mini App reads about who is looking: the group a token names, the viewer's
membership and language, and the groups a person may open. Plain values out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person


@frozen
class GroupInfo:
    id: int
    chat_id: int
    type: str
    title: str
    language: str
    timezone: str


@frozen
class Seat:
    """The viewer in one group: their Minga role there (None: not a member) and their own
    language choice (None: they never chose one)."""

    role: str | None
    language: str | None


def _info(group: Group) -> GroupInfo:
    return GroupInfo(
        id=group.id,
        chat_id=group.chat_id,
        type=group.type,
        title=group.title or "",
        language=group.language,
        timezone=group.timezone,
    )


async def active_group(session: AsyncSession, group_id: int) -> GroupInfo | None:
    """The group, unless the bot has left it (or it never existed)."""
    group = await session.get(Group, group_id)
    if group is None or not group.active:
        return None
    return _info(group)


async def seat(session: AsyncSession, group_id: int, person_id: int) -> Seat:
    row = (
        await session.execute(
            select(Membership.role, Person.language)
            .select_from(Person)
            .outerjoin(
                Membership,
                (Membership.person_id == Person.id)
                & (Membership.group_id == group_id)
                & Membership.left_at.is_(None),
            )
            .where(Person.id == person_id)
        )
    ).first()
    if row is None:
        return Seat(role=None, language=None)
    return Seat(role=row.role, language=row.language)


async def person_language(session: AsyncSession, person_id: int) -> str | None:
    return await session.scalar(select(Person.language).where(Person.id == person_id))


async def groups_of(session: AsyncSession, person_id: int) -> list[GroupInfo]:
    """The active groups the person is still in, by title: the Mini App's chooser."""
    rows = await session.scalars(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == person_id, Membership.left_at.is_(None), Group.active)
        .order_by(Group.title, Group.id)
    )
    return [_info(group) for group in rows]
