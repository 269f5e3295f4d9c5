"""A batch of chatter's senders (bot.core.chatter): which of them `service.register` would
only read — the group, the person and the membership registered already and unchanged — in
one read for the whole batch."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.people import PersonInfo
from bot.core.said import Said
from bot.groups.models import Group, Membership, Person
from bot.groups.service import _GROUP, _MEMBERSHIP, _PERSON, ChatInfo

# `service._known`'s test for many (chat, person) pairs at once
_KNOWN_MANY = (
    select(
        _GROUP.id,
        _GROUP.chat_id,
        _GROUP.title,
        _GROUP.type,
        _PERSON.id.label("person_id"),
        _PERSON.first_name,
        _PERSON.last_name,
        _PERSON.username,
        _PERSON.language_code,
    )
    .select_from(
        Group.__table__.join(Membership.__table__, _MEMBERSHIP.group_id == _GROUP.id).join(
            Person.__table__, _PERSON.id == _MEMBERSHIP.person_id
        )
    )
    .where(
        _GROUP.chat_id.in_(bindparam("chat_ids", expanding=True)),
        _PERSON.id.in_(bindparam("person_ids", expanding=True)),
        _GROUP.active.is_(True),
        _MEMBERSHIP.left_at.is_(None),
    )
)


async def known_members(
    session: AsyncSession, seen: Sequence[tuple[int, ChatInfo, PersonInfo]]
) -> list[Said]:
    """Of (update id, chat, sender) — plain messages in groups — those `register` would only
    read: the group, the person and their membership registered already and unchanged (one
    read for all of them)."""
    if not seen:
        return []
    rows = await session.execute(
        _KNOWN_MANY,
        {
            "chat_ids": sorted({chat.chat_id for _, chat, _ in seen}),
            "person_ids": sorted({person.id for _, _, person in seen}),
        },
    )
    known = {(row.chat_id, row.person_id): row for row in rows}
    said = []
    for update_id, chat, person in seen:
        row = known.get((chat.chat_id, person.id))
        if (
            row is not None
            and (row.title, row.type) == (chat.title, chat.type)
            and (row.first_name, row.last_name, row.username, row.language_code)
            == (person.first_name, person.last_name, person.username, person.language_code)
        ):
            said.append(Said(update_id, row.id, person.id))
    return said
