"""Minutes of a meeting: `Agreed:` lines join the decision log, `Todo:` lines are tasks a
member takes on, each becoming a commitment once.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.creating import create_commitment
from bot.commitments.models import Commitment
from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import Person
from bot.meetings.models import Attendance, Meeting, Minutes, MinuteTask, SlotAnswer
from bot.meetings.statuses import Answer
from bot.votes.backers import record
from bot.votes.decisions import agreement, record_agreements
from bot.votes.models import Decision

EXAMPLE = N_("/minutes Agreed: pintar la plaza el sábado")
TODO_EXAMPLE = N_("Todo: comprar la pintura")  # a second line of the example

AGREED = re.compile(
    r"^\s*[-•*]?\s*(agreed|acordado|acordamos|acuerdo|acordo|combinado|decidido|decidimos)\s*:\s*(.+)$",
    re.IGNORECASE,
)
TODO = re.compile(
    r"^\s*[-•*]?\s*(todo|to do|tarea|pendiente|tarefa|pendente|a fazer)\s*:\s*(.+)$",
    re.IGNORECASE,
)


def split_minutes(text: str) -> tuple[list[str], list[str]]:
    """`Agreed: …` lines are agreements, `Todo: …` lines tasks (es/pt/en words too)."""
    agreed, todo = [], []
    for line in text.splitlines():
        if match := AGREED.match(line):
            agreed.append(match.group(2).strip())
        elif match := TODO.match(line):
            todo.append(match.group(2).strip())
    return agreed, todo


async def save_minutes(
    session: AsyncSession, meeting: Meeting, author_id: int | None, text: str, now: datetime
) -> Minutes:
    text = text.strip()
    if not text:
        raise DomainError(
            N_("Write the minutes after the command; lines starting with “Agreed:” or “Todo:” "
               "are recorded as agreements and tasks. Example: {example}"),
            example=EXAMPLE,
        )  # fmt: skip
    agreed, todo = split_minutes(text)
    minutes = Minutes(
        meeting_id=meeting.id,
        author_id=author_id,
        text=text,
        agreed=agreed,
        todo=todo,
        created_at=now,
    )
    session.add(minutes)
    await session.flush()
    # every `Agreed:` line joins the group's decision log
    minutes.decisions = await record_agreements(
        session, meeting.group_id, agreed, "minutes", minutes.id, now
    )
    return minutes


async def take_task(
    session: AsyncSession, minutes: Minutes, position: int, person_id: int, now: datetime
) -> tuple[bool, int]:
    """The `Todo:` line `position` becomes a commitment of `person_id`, linked to the minutes.
    Returns (taken now, the commitment's number); a line already taken is not taken again."""
    taken = await session.scalar(
        select(MinuteTask).where(
            MinuteTask.minutes_id == minutes.id, MinuteTask.position == position
        )
    )
    if taken is not None:
        return False, await _number(session, taken.commitment_id)
    meeting = await session.get(Meeting, minutes.meeting_id)
    assert meeting is not None
    commitment = await create_commitment(
        session,
        meeting.group_id,
        minutes.todo[position],
        [person_id],
        None,
        [],
        person_id,
        source_kind="minutes",
        source_id=minutes.id,
        now=now,
    )

    agreed = (
        await agreement(session, meeting.group_id, minutes.decisions[0])
        if minutes.decisions
        else None
    )
    stmt = insert_for(session, MinuteTask).values(
        minutes_id=minutes.id,
        position=position,
        commitment_id=commitment.id,
        decision_id=agreed.id if agreed is not None else None,
    )
    inserted = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[MinuteTask.minutes_id, MinuteTask.position])
    )
    if inserted.rowcount != 1:  # someone else took it at the same moment
        raise DomainError(N_("Someone took that task a moment ago."))
    return True, commitment.number


async def _number(session: AsyncSession, commitment_id: int) -> int:
    return await session.scalar(select(Commitment.number).where(Commitment.id == commitment_id))


async def tasks_taken(session: AsyncSession, minutes_id: int) -> dict[int, tuple[int, Person]]:
    """position → (commitment number, who took it)."""
    rows = await session.execute(
        select(MinuteTask.position, Commitment.number, Person)
        .join(Commitment, Commitment.id == MinuteTask.commitment_id)
        .join(Person, Person.id == Commitment.created_by)
        .where(MinuteTask.minutes_id == minutes_id)
    )
    return {position: (number, person) for position, number, person in rows.tuples()}


async def task_changed(
    session: AsyncSession, commitment: Commitment, change: str, now: datetime
) -> None:
    """For `commitments.api.STATE_CHANGED`: a `Todo:` of minutes that agreed something; its
    backers are those who came to the meeting (else those who said they would)."""
    if commitment.source_kind != "minutes":
        return
    row = (
        await session.execute(
            select(Decision.id, Decision.message_id, Meeting)
            .join(MinuteTask, MinuteTask.decision_id == Decision.id)
            .join(Minutes, Minutes.id == MinuteTask.minutes_id)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            # by the commitment's source, the minutes (every Todo of them tells their first
            # agreement): the Todo taken, and the attempts a review re-planned it as
            .where(
                MinuteTask.minutes_id == commitment.source_id,
                Meeting.group_id == commitment.group_id,
            )
            .limit(1)
        )
    ).first()
    if row is None:
        return
    decision_id, message_id, meeting = row
    came = list(
        await session.scalars(
            select(Attendance.person_id)
            .where(Attendance.meeting_id == meeting.id)
            .order_by(Attendance.at, Attendance.id)
        )
    )
    if not came and meeting.confirmed_slot_id is not None:
        came = list(
            await session.scalars(
                select(SlotAnswer.person_id)
                .where(
                    SlotAnswer.slot_id == meeting.confirmed_slot_id,
                    SlotAnswer.answer == Answer.YES,
                )
                .order_by(SlotAnswer.updated_at, SlotAnswer.id)
            )
        )
    await record(
        session,
        decision_id,
        commitment,
        change,
        now,
        backers=came,
        reply_to=message_id or meeting.announce_message_id,
        thread_id=meeting.thread_id,
    )
