"""Notices members acknowledge: posting one, "seen" by reaction or button, who is still
pending, and the one reminder after the group's delay.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.reactions.models import USER, Acknowledgement, Notice, ReactionSettings, ReactionState
from bot.reactions.positions import (
    DEFAULT_REMIND,
    MAX_NOTICE_CHARS,
    NoticeReminder,
    NoticeStatus,
    Who,
    parse_delay,
    seen_emoji,
)
from bot.reactions.service import ensure_settings, member_ids, position_map


async def remind_delay(session: AsyncSession, group_id: int) -> timedelta:
    minutes = await session.scalar(
        select(ReactionSettings.remind_after_minutes).where(ReactionSettings.group_id == group_id)
    )
    return timedelta(minutes=minutes) if minutes else DEFAULT_REMIND


async def set_remind_delay(session: AsyncSession, group_id: int, raw: str) -> timedelta:
    delay = parse_delay(raw)
    await ensure_settings(session, group_id)
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
    session: AsyncSession, group_id: int, notice_id: int, person_id: int, tokens: Iterable[str]
) -> bool:
    """A reaction on a notice (`notice_id`, found by `service.reactions_arrive`) with a "seen"
    emoji acknowledges it (removing it later does not un-see it)."""
    if not set(seen_emoji(await position_map(session, group_id))) & set(tokens):
        return False
    return await acknowledge(session, notice_id, person_id, "reaction")


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
    members = await member_ids(session, notice.group_id)
    return NoticeStatus(
        notice_id=notice.id,
        acknowledged=len(members) - len(waiting),
        pending=tuple(waiting),
        reminded=notice.reminded_at is not None,
    )


@frozen
class DueNotice:
    """A posted notice whose reminder is due (the group's quiet hours may still hold it)."""

    notice_id: int
    group_id: int
    remind_at: datetime


async def due_reminders(session: AsyncSession, now: datetime) -> list[DueNotice]:
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
    return [DueNotice(r.id, r.group_id, as_utc(r.remind_at) or now) for r in rows]


async def reminder(session: AsyncSession, notice_id: int) -> NoticeReminder | None:
    notice = await session.get(Notice, notice_id)
    if notice is None or notice.message_id is None or notice.reminded_at is not None:
        return None
    group = await session.get(Group, notice.group_id)
    assert group is not None
    return NoticeReminder(
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
