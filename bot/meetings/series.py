"""Recurring meetings: a `meeting_series` row and its occurrences, each an ordinary confirmed
meeting (one slot, chosen), so reminders, attendance, minutes and the calendar file work as
for any confirmed meeting.

A series always has its next occurrence made: the first when it is created, and the next
one as soon as the previous has started (the scheduler's due work, `due`). An occurrence is
made once — `(series_id, starts_at)` is unique and a conflict means another process made it.
Nothing here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.quiet import QuietHours
from bot.core.records import frozen
from bot.groups.models import Group
from bot.meetings.models import CONFIRMED, Meeting, MeetingSeries, MeetingSlot
from bot.meetings.recurrence import EXAMPLE, Kind, Request, Rule, local_day, next_after
from bot.meetings.service import DURATION

QUIET_EXAMPLE = N_("/meeting weekly thursday 19:00 | Asamblea barrial")


def rule_of(series: MeetingSeries) -> Rule:
    at = time(series.at_minute // 60, series.at_minute % 60)
    return Rule(Kind(series.kind), at, weekday=series.weekday, nth=series.nth, day=series.day)


def next_of(series: MeetingSeries, tz: str, after: datetime) -> datetime:
    return next_after(rule_of(series), after, tz, series.anchor)


@frozen
class Created:
    series: MeetingSeries
    first: Meeting


async def create(
    session: AsyncSession,
    group_id: int,
    request: Request,
    *,
    tz: str,
    quiet: QuietHours | None,
    now: datetime,
    created_by: int | None,
    thread_id: int | None,
) -> Created:
    """A new series and its first occurrence, confirmed. A time inside the group's quiet
    hours is refused (the reminders and the attendance prompt would wait past it)."""
    rule = request.rule
    minute = rule.at.hour * 60 + rule.at.minute
    if quiet is not None and quiet.contains(minute):
        raise DomainError(
            N_(
                "{time} is inside the group's quiet hours ({hours}): choose a time outside "
                "them, like this: {example}"
            ),
            time=f"{rule.at:%H:%M}",
            hours=quiet.label(),
            example=QUIET_EXAMPLE,
        )
    for other in await running(session, group_id):
        if rule_of(other) == rule and other.title.casefold() == request.title.casefold():
            raise DomainError(
                N_("“{title}” repeats like that already: see /meetings"), title=request.title
            )
    first_at = next_after(rule, now, tz)
    number = await session.scalar(
        select(func.coalesce(func.max(MeetingSeries.number), 0)).where(
            MeetingSeries.group_id == group_id
        )
    )
    series = MeetingSeries(
        group_id=group_id,
        number=(number or 0) + 1,
        title=request.title,
        place=request.place,
        kind=rule.kind,
        weekday=rule.weekday,
        nth=rule.nth,
        day=rule.day,
        at_minute=minute,
        anchor=local_day(first_at, tz),
        thread_id=thread_id,
        created_by=created_by,
        created_at=now,
    )
    session.add(series)
    await session.flush()
    first = await make_occurrence(session, series, first_at, now)
    assert first is not None  # a new series has no occurrences yet
    return Created(series, first)


async def make_occurrence(
    session: AsyncSession, series: MeetingSeries, starts_at: datetime, now: datetime
) -> Meeting | None:
    """The series' meeting at `starts_at`, confirmed with its one slot; None when it exists
    already (made by another process or an earlier tick)."""
    stmt = insert_for(session, Meeting).values(
        group_id=series.group_id,
        title=series.title,
        created_by=series.created_by,
        status=CONFIRMED,
        thread_id=series.thread_id,
        starts_at=starts_at,
        ends_at=starts_at + DURATION,
        series_id=series.id,
        created_at=now,
    )
    inserted = await session.scalar(
        stmt.on_conflict_do_nothing(
            index_elements=[Meeting.series_id, Meeting.starts_at]
        ).returning(Meeting.id)
    )
    if inserted is None:
        return None
    slot = MeetingSlot(
        meeting_id=inserted,
        position=1,
        starts_at=starts_at,
        ends_at=starts_at + DURATION,
        place=series.place,
    )
    session.add(slot)
    await session.flush()
    await session.execute(
        update(Meeting).where(Meeting.id == inserted).values(confirmed_slot_id=slot.id)
    )
    return await session.get(Meeting, inserted)


async def due(session: AsyncSession, now: datetime) -> list[tuple[MeetingSeries, Group]]:
    """Running series of active groups with no occurrence still to come: their next is due."""
    coming = exists().where(Meeting.series_id == MeetingSeries.id, Meeting.starts_at > now)
    rows = await session.execute(
        select(MeetingSeries, Group)
        .join(Group, Group.id == MeetingSeries.group_id)
        .where(MeetingSeries.stopped_at.is_(None), Group.active.is_(True), ~coming)
        .order_by(MeetingSeries.id)
    )
    return list(rows.tuples())


async def unannounced(session: AsyncSession, now: datetime) -> list[Meeting]:
    """Occurrences to come, still confirmed, whose announcement has not been sent."""
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id.is_not(None),
            Meeting.status == CONFIRMED,
            Meeting.starts_at > now,
            Meeting.announce_message_id.is_(None),
        )
        .order_by(Meeting.starts_at)
    )
    return list(rows)


async def running(session: AsyncSession, group_id: int) -> list[MeetingSeries]:
    rows = await session.scalars(
        select(MeetingSeries)
        .where(MeetingSeries.group_id == group_id, MeetingSeries.stopped_at.is_(None))
        .order_by(MeetingSeries.number)
    )
    return list(rows)


def choose(found: list[MeetingSeries], number: int | None) -> MeetingSeries:
    """The series `/meeting stop [n]` is about: the only one, or number n."""
    if not found:
        raise DomainError(
            N_("No meeting repeats here. To make one repeat: {example}"), example=EXAMPLE
        )
    if number is None and len(found) == 1:
        return found[0]
    chosen = next((s for s in found if s.number == number), None)
    if chosen is None:
        raise which_one(found)
    return chosen


def which_one(found: list[MeetingSeries]) -> DomainError:
    return DomainError(
        N_("Say which repeating meeting to stop, by its number: /meeting stop {n}"),
        n=found[-1].number,
    )


async def stop(session: AsyncSession, series: MeetingSeries, now: datetime) -> bool:
    """No more occurrences are made; False when it was stopped already (a double click)."""
    result = await session.execute(
        update(MeetingSeries)
        .where(MeetingSeries.id == series.id, MeetingSeries.stopped_at.is_(None))
        .values(stopped_at=now)
    )
    return result.rowcount == 1


async def coming_occurrence(session: AsyncSession, series_id: int, now: datetime) -> Meeting | None:
    return await session.scalar(
        select(Meeting)
        .where(
            Meeting.series_id == series_id,
            Meeting.status == CONFIRMED,
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
