"""Reactions as positions, and notices members acknowledge.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
Reactions arrive as tokens: the emoji itself (variation selectors removed), `custom:<id>` for
a custom emoji, `paid` for a paid reaction. Only emoji on the group's position map count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import Group, Membership, Person
from bot.reactions.models import (
    CHAT,
    USER,
    Acknowledgement,
    Notice,
    ReactionCount,
    ReactionSettings,
    ReactionState,
)
from bot.reactions.positions import (
    DEFAULT_MAP,
    DEFAULT_REMIND,
    MAX_NOTICE_CHARS,
    NoticeStatus,
    Reacted,
    Reminder,
    Tally,
    Who,
    compute_tally,
    parse_delay,
    seen_emoji,
)


@dataclass(frozen=True)
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


async def _ensure_settings(session: AsyncSession, group_id: int) -> None:
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
    await _ensure_settings(session, group_id)
    value = [[emoji, meaning] for emoji, meaning in pairs] if pairs else None
    await session.execute(
        update(ReactionSettings)
        .where(ReactionSettings.group_id == group_id)
        .values(positions=value)
    )
    return list(pairs) if pairs else list(DEFAULT_MAP)


# -- recording reactions ----------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who reacted: a person (`kind` user) or a chat (an anonymous admin, a channel)."""

    id: int
    kind: str = USER
    name: str | None = None


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
    stmt = insert_for(session, ReactionState).values(
        group_id=group_id, message_id=message_id, actor_id=actor.id, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ReactionState.group_id, ReactionState.message_id, ReactionState.actor_id],
        set_=values,
        where=ReactionState.update_id < update_id,
    )
    result = await session.execute(stmt)
    return result.rowcount == 1


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
    stmt = insert_for(session, ReactionCount).values(
        group_id=group_id, message_id=message_id, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ReactionCount.group_id, ReactionCount.message_id],
        set_=values,
        where=ReactionCount.update_id < update_id,
    )
    result = await session.execute(stmt)
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
    members = set(
        await session.scalars(
            select(Membership.person_id).where(
                Membership.group_id == group_id, Membership.left_at.is_(None)
            )
        )
    )
    settings = await _settings(session, group_id)
    return compute_tally(
        pairs, reactions, counts, members, settings.bot_admin if settings else None
    )


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
    await _ensure_settings(session, group_id)
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


async def reactions_arrive(session: AsyncSession, group_id: int, now: datetime) -> None:
    """Telegram only sends reactions to admin bots: one arriving proves the bot is admin
    (a lost `my_chat_member` update must not leave the tallies flagged as incomplete)."""
    await _ensure_settings(session, group_id)
    await session.execute(
        update(ReactionSettings)
        .where(
            ReactionSettings.group_id == group_id,
            or_(ReactionSettings.bot_admin.is_(None), ReactionSettings.bot_admin.is_(False)),
        )
        .values(bot_admin=True, bot_checked_at=now, admin_hint_at=None)
    )


# -- notices ----------------------------------------------------------------------------


async def remind_delay(session: AsyncSession, group_id: int) -> timedelta:
    minutes = await session.scalar(
        select(ReactionSettings.remind_after_minutes).where(ReactionSettings.group_id == group_id)
    )
    return timedelta(minutes=minutes) if minutes else DEFAULT_REMIND


async def set_remind_delay(session: AsyncSession, group_id: int, raw: str) -> timedelta:
    delay = parse_delay(raw)
    await _ensure_settings(session, group_id)
    await session.execute(
        update(ReactionSettings)
        .where(ReactionSettings.group_id == group_id)
        .values(remind_after_minutes=int(delay.total_seconds() // 60))
    )
    return delay


async def create_notice(
    session: AsyncSession,
    group_id: int,
    author_id: int | None,
    text: str,
    now: datetime,
    thread_id: int | None = None,
) -> Notice:
    text = text.strip()
    if not text:
        raise DomainError(
            N_(
                "Write the notice after the command, for example: "
                "/notice The assembly moves to Saturday at 10:00"
            )
        )
    if len(text) > MAX_NOTICE_CHARS:
        raise DomainError(
            N_("That notice is too long: keep it under {limit} characters, or link a document."),
            limit=MAX_NOTICE_CHARS,
        )
    notice = Notice(
        group_id=group_id,
        author_id=author_id,
        text=text,
        thread_id=thread_id,
        created_at=now,
        remind_at=now + await remind_delay(session, group_id),
    )
    session.add(notice)
    await session.flush()
    if author_id is not None:  # who posts it has seen it
        await acknowledge(session, notice.id, author_id, "author")
    return notice


async def notice_posted(session: AsyncSession, notice_id: int, message_id: int) -> None:
    """The notice is in the chat as `message_id`; "seen" reactions that came first count."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        return
    notice.message_id = message_id
    await session.flush()
    seen = set(seen_emoji(await position_map(session, notice.group_id)))
    states = await session.scalars(
        select(ReactionState).where(
            ReactionState.group_id == notice.group_id,
            ReactionState.message_id == message_id,
            ReactionState.actor_kind == USER,
        )
    )
    for state in list(states):
        if seen & set(state.emoji):
            await acknowledge(session, notice_id, state.actor_id, "reaction")


async def acknowledge(session: AsyncSession, notice_id: int, person_id: int, via: str) -> bool:
    """True the first time a person acknowledges a notice; after that, nothing changes."""
    stmt = insert_for(session, Acknowledgement).values(
        notice_id=notice_id, person_id=person_id, via=via
    )
    result = await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[Acknowledgement.notice_id, Acknowledgement.person_id]
        )
    )
    return result.rowcount == 1


async def notice_at(session: AsyncSession, group_id: int, message_id: int) -> Notice | None:
    return await session.scalar(
        select(Notice).where(Notice.group_id == group_id, Notice.message_id == message_id)
    )


async def notice_in_group(session: AsyncSession, group_id: int, notice_id: int) -> Notice | None:
    notice = await session.get(Notice, notice_id)
    return notice if notice is not None and notice.group_id == group_id else None


async def latest_notice(session: AsyncSession, group_id: int) -> Notice | None:
    return await session.scalar(
        select(Notice)
        .where(Notice.group_id == group_id, Notice.message_id.is_not(None))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(1)
    )


async def acknowledge_by_reaction(
    session: AsyncSession, group_id: int, message_id: int, person_id: int, tokens: Iterable[str]
) -> bool:
    """A reaction on a notice with a "seen" emoji acknowledges it (removing it later does not
    un-see it)."""
    notice = await notice_at(session, group_id, message_id)
    if notice is None:
        return False
    if not set(seen_emoji(await position_map(session, group_id))) & set(tokens):
        return False
    return await acknowledge(session, notice.id, person_id, "reaction")


async def pending(session: AsyncSession, notice: Notice) -> list[Who]:
    """Members still in the group who have not acknowledged the notice."""
    acked = select(Acknowledgement.person_id).where(Acknowledgement.notice_id == notice.id)
    rows = await session.execute(
        select(Person.id, Person.first_name, Person.last_name)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == notice.group_id,
            Membership.left_at.is_(None),
            Person.id.not_in(acked),
        )
        .order_by(Person.first_name, Person.id)
    )
    return [Who(row.id, row.first_name, row.last_name) for row in rows]


async def notice_status(session: AsyncSession, notice: Notice) -> NoticeStatus:
    waiting = await pending(session, notice)
    members = await session.scalars(
        select(Membership.person_id).where(
            Membership.group_id == notice.group_id, Membership.left_at.is_(None)
        )
    )
    return NoticeStatus(
        notice_id=notice.id,
        acknowledged=len(list(members)) - len(waiting),
        pending=tuple(waiting),
        reminded=notice.reminded_at is not None,
    )


@dataclass(frozen=True)
class DueReminder:
    notice_id: int
    group_id: int
    remind_at: datetime


async def due_reminders(session: AsyncSession, now: datetime) -> list[DueReminder]:
    rows = await session.execute(
        select(Notice.id, Notice.group_id, Notice.remind_at)
        .join(Group, Group.id == Notice.group_id)
        .where(
            Notice.reminded_at.is_(None),
            Notice.message_id.is_not(None),
            Notice.remind_at <= now,
            Group.active.is_(True),
        )
        .order_by(Notice.remind_at)
        .limit(100)
    )
    return [DueReminder(r.id, r.group_id, as_utc(r.remind_at) or now) for r in rows]


async def reminder(session: AsyncSession, notice_id: int) -> Reminder | None:
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.message_id is None or notice.reminded_at is not None:
        return None
    group = await session.get(Group, notice.group_id)
    assert group is not None
    return Reminder(
        chat_id=group.chat_id,
        language=group.language,
        message_id=notice.message_id,
        thread_id=notice.thread_id,
        seen_emoji=seen_emoji(await position_map(session, notice.group_id))[0],
        pending=tuple(await pending(session, notice)),
    )


async def mark_reminded(session: AsyncSession, notice_id: int, count: int, now: datetime) -> bool:
    result = await session.execute(
        update(Notice)
        .where(Notice.id == notice_id, Notice.reminded_at.is_(None))
        .values(reminded_at=now, reminded_count=count)
    )
    return result.rowcount == 1
