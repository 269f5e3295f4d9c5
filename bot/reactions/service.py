"""Reactions as positions: each actor's reaction set, anonymous counts, the position map,
tallies, and what is known of the bot's rights (notices are in `notices.py`).

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
Reactions arrive as tokens: the emoji itself (variation selectors removed), `custom:<id>` for
a custom emoji, `paid` for a paid reaction. Only emoji on the group's position map count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc, insert_for
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.reactions.models import (
    CHAT,
    USER,
    Notice,
    ReactionCount,
    ReactionSettings,
    ReactionState,
)
from bot.reactions.positions import DEFAULT_MAP, Reacted, Tally, Who, compute_tally


@frozen
class GroupRef:
    id: int
    language: str


async def group_for_chat(session: AsyncSession, chat_id: int) -> GroupRef | None:
    """The group registered for a Telegram chat, without registering anything."""
    row = (
        await session.execute(select(Group.id, Group.language).where(Group.chat_id == chat_id))
    ).one_or_none()
    return GroupRef(row.id, row.language) if row else None


async def _settings(session: AsyncSession, group_id: int) -> ReactionSettings | None:
    return await session.get(ReactionSettings, group_id)


async def ensure_settings(session: AsyncSession, group_id: int) -> None:
    stmt = insert_for(session, ReactionSettings).values(group_id=group_id)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[ReactionSettings.group_id]))


async def position_map(session: AsyncSession, group_id: int) -> list[tuple[str, str]]:
    row = await session.scalar(
        select(ReactionSettings.positions).where(ReactionSettings.group_id == group_id)
    )
    if not row:
        return list(DEFAULT_MAP)
    return [(emoji, meaning) for emoji, meaning in row]


async def set_position_map(
    session: AsyncSession, group_id: int, pairs: Sequence[tuple[str, str]] | None
) -> list[tuple[str, str]]:
    """Replace the group's map (None: back to the default). Returns the map now in force."""
    await ensure_settings(session, group_id)
    value = [[emoji, meaning] for emoji, meaning in pairs] if pairs else None
    await session.execute(
        update(ReactionSettings)
        .where(ReactionSettings.group_id == group_id)
        .values(positions=value)
    )
    return list(pairs) if pairs else list(DEFAULT_MAP)


# -- recording reactions ----------------------------------------------------------------


@frozen
class Actor:
    """Who reacted: a person (`kind` user) or a chat (an anonymous admin, a channel)."""

    id: int
    kind: str = USER
    name: str | None = None


def _latest_upsert(model: type[ReactionState] | type[ReactionCount], keys: tuple[str, ...]) -> Any:
    """`_store_latest`'s statement for `model`, as text built once: the same on SQLite and
    PostgreSQL, and SQLAlchemy 2.0 cannot cache a dialect INSERT … ON CONFLICT (it would
    compile it for every reaction). The binds carry the columns' types (JSON, time zones)."""
    table = model.__table__
    values = tuple(c.name for c in table.columns if c.name not in keys and c.name != "id")
    columns = keys + values
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in values)
        + f" WHERE {table.name}.update_id < excluded.update_id"
    )
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


_STATE_UPSERT = _latest_upsert(ReactionState, ("group_id", "message_id", "actor_id"))
_COUNT_UPSERT = _latest_upsert(ReactionCount, ("group_id", "message_id"))


async def record_reaction(
    session: AsyncSession,
    group_id: int,
    message_id: int,
    actor: Actor,
    tokens: Iterable[str],
    *,
    update_id: int,
    at: datetime,
    now: datetime,
) -> bool:
    """Store the actor's current reaction set on a message, replacing the previous one.

    A set from an older update than the stored one (updates handled out of order) is ignored,
    so the final state wins. True if the stored state changed.
    """
    emoji = sorted(dict.fromkeys(tokens))
    values = {
        "emoji": emoji,
        "update_id": update_id,
        "reacted_at": at,
        "updated_at": now,
        "actor_kind": actor.kind,
        "actor_name": actor.name,
    }
    keys = {"group_id": group_id, "message_id": message_id, "actor_id": actor.id}
    return await _store_latest(session, _STATE_UPSERT, keys | values)


async def record_counts(
    session: AsyncSession,
    group_id: int,
    message_id: int,
    counts: dict[str, int],
    *,
    update_id: int,
    at: datetime,
    now: datetime,
) -> bool:
    """Store the latest anonymous counts on a message (an older update changes nothing)."""
    values = {"counts": counts, "update_id": update_id, "counted_at": at, "updated_at": now}
    keys = {"group_id": group_id, "message_id": message_id}
    return await _store_latest(session, _COUNT_UPSERT, keys | values)


async def _store_latest(session: AsyncSession, upsert: Any, row: dict[str, object]) -> bool:
    """Insert the row at its keys, or replace its values when an earlier update stored them
    (updates may be handled out of order: the latest wins). True if the row changed."""
    result = await session.execute(upsert, row)
    return result.rowcount == 1


# -- tallies ----------------------------------------------------------------------------


async def _group_chat_id(session: AsyncSession, group_id: int) -> int:
    return (await session.execute(select(Group.chat_id).where(Group.id == group_id))).scalar_one()


async def tally(session: AsyncSession, group_id: int, message_id: int) -> Tally:
    pairs = await position_map(session, group_id)
    chat_id = await _group_chat_id(session, group_id)
    rows = (
        await session.execute(
            select(ReactionState, Person.first_name, Person.last_name)
            .outerjoin(Person, Person.id == ReactionState.actor_id)
            .where(ReactionState.group_id == group_id, ReactionState.message_id == message_id)
            .order_by(ReactionState.reacted_at, ReactionState.id)
        )
    ).all()
    reactions = []
    for state, first_name, last_name in rows:
        if state.actor_kind == CHAT:
            who = Who(state.actor_id, state.actor_name or "", None, state.actor_id == chat_id)
        else:
            who = Who(state.actor_id, first_name or str(state.actor_id), last_name)
        reactions.append(Reacted(who, tuple(state.emoji)))
    counts = await session.scalar(
        select(ReactionCount.counts).where(
            ReactionCount.group_id == group_id, ReactionCount.message_id == message_id
        )
    )
    members = await member_ids(session, group_id)
    settings = await _settings(session, group_id)
    return compute_tally(
        pairs, reactions, counts, members, settings.bot_admin if settings else None
    )


async def member_ids(session: AsyncSession, group_id: int) -> set[int]:
    """The people who are members of the group now."""
    rows = await session.scalars(
        select(Membership.person_id).where(
            Membership.group_id == group_id, Membership.left_at.is_(None)
        )
    )
    return set(rows)


async def sense_check(session: AsyncSession, chat_id: int, message_id: int) -> dict[str, int]:
    """Positions on a message as {meaning: count}, for showing next to a formal vote.

    Named reactions when there are any, else the anonymous counts; meanings nobody took are
    left out. Never mixed into a formal tally: it is a sense of the room, not a vote.
    """
    group_id = await session.scalar(select(Group.id).where(Group.chat_id == chat_id))
    if group_id is None:
        return {}
    result = await tally(session, group_id, message_id)
    if result.named or not result.anonymous:
        return {p.meaning: p.count for p in result.positions if p.count}
    return {meaning: count for meaning, count in result.anonymous if count}


# -- the bot's rights -------------------------------------------------------------------


async def bot_rights(session: AsyncSession, group_id: int) -> tuple[bool | None, datetime | None]:
    """(whether the bot is admin, when that was last learnt); (None, None) if unknown."""
    settings = await _settings(session, group_id)
    if settings is None:
        return None, None
    return settings.bot_admin, as_utc(settings.bot_checked_at)


async def note_bot_rights(
    session: AsyncSession,
    group_id: int,
    is_admin: bool,
    now: datetime,
    *,
    already_told: bool = False,
) -> bool:
    """Record whether the bot is admin. True when coordinators must be told now how to fix
    it: the bot is not admin and they were not told since it last lost (or never had) the
    rights. `already_told`: something else said it (the greeting), record it as said."""
    await ensure_settings(session, group_id)
    values: dict[str, object] = {"bot_admin": is_admin, "bot_checked_at": now}
    if is_admin:
        values["admin_hint_at"] = None
    await session.execute(
        update(ReactionSettings).where(ReactionSettings.group_id == group_id).values(**values)
    )
    if is_admin:
        return False
    told = await session.execute(
        update(ReactionSettings)
        .where(ReactionSettings.group_id == group_id, ReactionSettings.admin_hint_at.is_(None))
        .values(admin_hint_at=now)
    )
    return told.rowcount == 1 and not already_told


# Built once: every reaction asks it. Whether the bot is known to be admin, and the notice
# posted as the message reacted to, if it is one (None, None: neither).
_SETTINGS, _NOTICES = ReactionSettings.__table__.c, Notice.__table__.c
_ON_ARRIVAL = select(
    select(_SETTINGS.bot_admin)
    .where(_SETTINGS.group_id == bindparam("group_id"))
    .scalar_subquery()
    .label("bot_admin"),
    select(_NOTICES.id)
    .where(
        _NOTICES.group_id == bindparam("group_id"), _NOTICES.message_id == bindparam("message_id")
    )
    .limit(1)
    .scalar_subquery()
    .label("notice_id"),
)


async def reactions_arrive(
    session: AsyncSession, group_id: int, message_id: int, now: datetime
) -> int | None:
    """Reactions on `message_id` arrive. Telegram only sends reactions to admin bots: one
    arriving proves the bot is admin (a lost `my_chat_member` update must not leave the
    tallies flagged as incomplete). Returns the notice posted as that message, if it is one.

    One read on the common path (the bot known as admin): the settings row is written only
    when it says otherwise, by the same conditional write as always."""
    row = (
        await session.execute(_ON_ARRIVAL, {"group_id": group_id, "message_id": message_id})
    ).one()
    if not row.bot_admin:
        await _admin_proved(session, group_id, now)
    return row.notice_id


async def _admin_proved(session: AsyncSession, group_id: int, now: datetime) -> None:
    await ensure_settings(session, group_id)
    await session.execute(
        update(ReactionSettings)
        .where(
            ReactionSettings.group_id == group_id,
            or_(ReactionSettings.bot_admin.is_(None), ReactionSettings.bot_admin.is_(False)),
        )
        .values(bot_admin=True, bot_checked_at=now, admin_hint_at=None)
    )
