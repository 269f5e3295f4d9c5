"""Meetings: find a time, confirm it, remind, record who came (the minutes are in
`minutes.py`).

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import timeparse
from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.groups.models import Person
from bot.meetings.models import (
    ANSWERS,
    CANCELLED,
    CONFIRMED,
    HELD,
    POLLING,
    Attendance,
    Meeting,
    MeetingSettings,
    MeetingSlot,
    SlotAnswer,
)
from bot.meetings.statuses import Answer

MAX_SLOTS = 10
MAX_TITLE = 200
MAX_PLACE = 200
DURATION = timedelta(hours=2)  # a meeting's assumed length, for the calendar and attendance
DEFAULT_REMINDERS = (24 * 60, 60)  # minutes before the meeting
MAX_REMINDERS = 3
MAX_REMINDER_BEFORE = timedelta(days=7)
# in the reader's language
SLOT_EXAMPLES = N_("jueves 19:00 @ Club Social · 15/12 10:00 · sexta 19h · next friday 7pm")
USAGE_EXAMPLE = N_("/meeting Asamblea de barrio | jueves 19:00 @ Club Social | sábado 10hs @ Plaza")


@frozen
class SlotSpec:
    starts_at: datetime
    place: str | None
    text: str  # as typed, for error messages


def parse_request(text: str, *, tz: str, now: datetime) -> tuple[str, list[SlotSpec]]:
    """`Title | slot | slot …` → (title, slots). Each slot is a moment (`bot.core.timeparse`:
    `jueves 19:00`, `el 15 a las 18`, `sábado a la tarde`) and `@ place`. A date more than 11
    months ahead needs its year; a moment with two readings raises `timeparse.UnsureTime`."""
    parts = [part.strip() for part in text.split("|")]
    title = parts[0] if parts else ""
    slots_text = [part for part in parts[1:] if part]
    if not title or not slots_text:
        raise DomainError(
            N_("Write a title and at least one date, separated by |, like this: {example}"),
            example=USAGE_EXAMPLE,
        )
    if len(title) > MAX_TITLE:
        raise DomainError(N_("The title is too long: at most {limit} characters."), limit=MAX_TITLE)
    if len(slots_text) > MAX_SLOTS:
        raise DomainError(
            N_("That is {count} options; at most {limit}. Keep the likeliest ones."),
            count=len(slots_text),
            limit=MAX_SLOTS,
        )
    slots: list[SlotSpec] = []
    for raw in slots_text:
        moment_text, _, place = raw.partition("@")
        place = place.strip() or None
        if place and len(place) > MAX_PLACE:
            raise DomainError(
                N_("The place “{place}” is too long: at most {limit} characters."),
                place=place[:40] + "…",
                limit=MAX_PLACE,
            )
        unreadable = N_(
            "I could not read the date “{slot}”. Write it like one of these: {examples}"
        )
        with timeparse.refusing(moment_text.strip(), unreadable, slot=raw, examples=SLOT_EXAMPLES):
            moment = timeparse.parse_when(moment_text.strip(), tz=tz, now=now)
        if moment <= now:
            raise DomainError(N_("“{slot}” is already past. Choose a time to come."), slot=raw)
        if any(s.starts_at == moment for s in slots):
            raise DomainError(N_("“{slot}” is the same moment as another option."), slot=raw)
        slots.append(SlotSpec(moment, place, raw))
    return title, slots


async def create(
    session: AsyncSession,
    group_id: int,
    title: str,
    slots: Sequence[SlotSpec],
    created_by: int | None,
    thread_id: int | None,
) -> Meeting:
    meeting = Meeting(
        group_id=group_id,
        title=title,
        created_by=created_by,
        status=POLLING,
        thread_id=thread_id,
    )
    session.add(meeting)
    await session.flush()
    for position, slot in enumerate(slots, 1):
        session.add(
            MeetingSlot(
                meeting_id=meeting.id,
                position=position,
                starts_at=slot.starts_at,
                ends_at=slot.starts_at + DURATION,
                place=slot.place,
            )
        )
    await session.flush()
    return meeting


async def slots_of(session: AsyncSession, meeting_id: int) -> list[MeetingSlot]:
    rows = await session.scalars(
        select(MeetingSlot)
        .where(MeetingSlot.meeting_id == meeting_id)
        .order_by(MeetingSlot.position)
    )
    return list(rows)


async def set_message(session: AsyncSession, meeting_id: int, **message_ids: int) -> None:
    await session.execute(update(Meeting).where(Meeting.id == meeting_id).values(**message_ids))


async def answer(
    session: AsyncSession, slot_id: int, person_id: int, choice: str, now: datetime
) -> bool:
    """Record a person's answer for a slot; False when it was already that answer."""
    assert choice in ANSWERS
    stmt = insert_for(session, SlotAnswer).values(
        slot_id=slot_id, person_id=person_id, answer=choice, updated_at=now
    )
    result = await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[SlotAnswer.slot_id, SlotAnswer.person_id],
            set_={"answer": choice, "updated_at": now},
            where=SlotAnswer.answer != choice,
        )
    )
    return result.rowcount == 1


@dataclass
class SlotTally:
    slot: MeetingSlot
    people: dict[str, list[Person]] = field(default_factory=lambda: {a: [] for a in ANSWERS})

    def count(self, choice: str) -> int:
        return len(self.people[choice])


async def tallies(session: AsyncSession, meeting_id: int) -> list[SlotTally]:
    slots = await slots_of(session, meeting_id)
    result = [SlotTally(slot) for slot in slots]
    by_id = {t.slot.id: t for t in result}
    rows = await session.execute(
        select(SlotAnswer.slot_id, SlotAnswer.answer, Person)
        .join(Person, Person.id == SlotAnswer.person_id)
        .where(SlotAnswer.slot_id.in_(list(by_id)))
        .order_by(SlotAnswer.updated_at, Person.id)
    )
    for slot_id, choice, person in rows.tuples():
        by_id[slot_id].people[choice].append(person)
    return result


def best_slot(counts: Sequence[tuple[int, int, int]]) -> int | None:
    """(position, yes, maybe) per slot → the best position: most Yes, then most If-need-be,
    then the earliest. None while nobody has said Yes or If-need-be."""
    answered = [c for c in counts if c[1] or c[2]]
    if not answered:
        return None
    return min(answered, key=lambda c: (-c[1], -c[2], c[0]))[0]


async def by_message(session: AsyncSession, group_id: int, message_id: int) -> Meeting | None:
    return await session.scalar(
        select(Meeting).where(
            Meeting.group_id == group_id,
            or_(
                Meeting.poll_message_id == message_id,
                Meeting.announce_message_id == message_id,
                Meeting.attendance_message_id == message_id,
            ),
        )
    )


async def confirm(session: AsyncSession, meeting: Meeting, position: int) -> MeetingSlot:
    if meeting.status == CANCELLED:
        raise DomainError(N_("That meeting was cancelled."))
    if meeting.status != POLLING:
        raise DomainError(N_("That meeting is already confirmed."))
    slots = await slots_of(session, meeting.id)
    chosen = next((s for s in slots if s.position == position), None)
    if chosen is None and len(slots) == 1:
        raise DomainError(
            N_("There is no option {value}; the only one is 1: /meeting confirm 1"), value=position
        )
    if chosen is None:
        raise DomainError(
            N_("There is no option {value}. Choose from 1 to {count}: /meeting confirm 1"),
            value=position,
            count=len(slots),
        )
    result = await session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == POLLING)
        .values(
            status=CONFIRMED,
            confirmed_slot_id=chosen.id,
            starts_at=chosen.starts_at,
            ends_at=chosen.ends_at,
        )
    )
    if result.rowcount != 1:  # confirmed by someone else a moment ago
        raise DomainError(N_("That meeting is already confirmed."))
    return chosen


async def cancel(session: AsyncSession, meeting: Meeting, now: datetime) -> None:
    if meeting.status in (CANCELLED, HELD):
        raise DomainError(N_("That meeting cannot be cancelled any more."))
    await session.execute(
        update(Meeting).where(Meeting.id == meeting.id).values(status=CANCELLED, cancelled_at=now)
    )


async def upcoming(session: AsyncSession, group_id: int, now: datetime) -> list[Meeting]:
    """Meetings still being scheduled, and confirmed ones that have not started."""
    rows = await session.scalars(
        select(Meeting)
        .where(
            Meeting.group_id == group_id,
            or_(
                Meeting.status == POLLING,
                (Meeting.status == CONFIRMED) & (Meeting.starts_at > now),
            ),
        )
        .order_by(Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)
    )
    return list(rows)


async def latest_held(session: AsyncSession, group_id: int, now: datetime) -> Meeting | None:
    """The last confirmed meeting that has started (the one minutes and attendance are about)."""
    return await session.scalar(
        select(Meeting)
        .where(
            Meeting.group_id == group_id,
            or_(Meeting.status == HELD, (Meeting.status == CONFIRMED) & (Meeting.starts_at <= now)),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


async def people_answering(
    session: AsyncSession, slot_id: int, choices: Sequence[Answer]
) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(SlotAnswer, SlotAnswer.person_id == Person.id)
        .where(SlotAnswer.slot_id == slot_id, SlotAnswer.answer.in_(list(choices)))
        .order_by(Person.first_name, Person.id)
    )
    return list(rows)


async def attend(session: AsyncSession, meeting_id: int, person_id: int) -> bool:
    stmt = insert_for(session, Attendance).values(meeting_id=meeting_id, person_id=person_id)
    result = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[Attendance.meeting_id, Attendance.person_id])
    )
    return result.rowcount == 1


async def attendees(session: AsyncSession, meeting_id: int) -> list[Person]:
    rows = await session.scalars(
        select(Person)
        .join(Attendance, Attendance.person_id == Person.id)
        .where(Attendance.meeting_id == meeting_id)
        .order_by(Person.first_name, Person.id)
    )
    return list(rows)


async def attendance_counts(
    session: AsyncSession, group_id: int, since: datetime
) -> dict[int, int]:
    """Meetings attended per person in the group since `since` (one query)."""
    rows = await session.execute(
        select(Attendance.person_id, func.count())
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.group_id == group_id, Meeting.starts_at >= since)
        .group_by(Attendance.person_id)
    )
    return dict(rows.tuples().all())


# -- reminders and attendance, for the scheduler --------------------------------------------


async def reminder_minutes(session: AsyncSession, group_id: int) -> list[int]:
    settings = await session.get(MeetingSettings, group_id)
    return sorted(settings.reminder_minutes if settings else DEFAULT_REMINDERS, reverse=True)


def parse_reminders(args: Sequence[str]) -> list[int]:
    """`/meeting reminders 24h 1h` → minutes before the meeting, the longest first (at most three,
    each at most a week before); `off` → none."""
    if args and args[0].lower() in {"off", "no", "ninguno", "nenhum"}:
        return []
    if not args or len(args) > MAX_REMINDERS:
        raise DomainError(
            N_("Say when, up to three times before the meeting: /meeting reminders 24h 1h")
        )
    minutes = []
    for raw in args:
        try:
            before = timeparse.parse_duration(raw)
        except timeparse.BadTime as exc:
            raise DomainError(
                N_("I could not read “{value}”. Example: /meeting reminders 24h 1h"),
                value=raw,
            ) from exc
        if before > MAX_REMINDER_BEFORE:
            raise DomainError(N_("At most a week before: /meeting reminders 7d 1h"))
        minutes.append(int(before.total_seconds() // 60))
    return sorted(set(minutes), reverse=True)


async def set_reminder_minutes(session: AsyncSession, group_id: int, minutes: list[int]) -> None:
    stmt = insert_for(session, MeetingSettings).values(group_id=group_id, reminder_minutes=minutes)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[MeetingSettings.group_id], set_={"reminder_minutes": minutes}
        )
    )


async def confirmed_between(session: AsyncSession, start: datetime, end: datetime) -> list[Meeting]:
    """Confirmed meetings starting in [start, end) — the ones reminders may be due for."""
    rows = await session.scalars(
        select(Meeting).where(
            Meeting.status == CONFIRMED, Meeting.starts_at >= start, Meeting.starts_at < end
        )
    )
    return list(rows)


async def ended_unmarked(session: AsyncSession, now: datetime) -> list[Meeting]:
    """Confirmed meetings whose time is over: they become held, with an attendance prompt."""
    rows = await session.scalars(
        select(Meeting).where(Meeting.status == CONFIRMED, Meeting.ends_at <= now)
    )
    return list(rows)


async def mark_held(session: AsyncSession, meeting_id: int) -> bool:
    result = await session.execute(
        update(Meeting)
        .where(Meeting.id == meeting_id, Meeting.status == CONFIRMED)
        .values(status=HELD)
    )
    return result.rowcount == 1
