"""Backers kept informed: when a commitment that came from a decision is done, dropped,
re-planned or overdue, the members who agreed with the decision are told (issue 23).

A change records, in its own transaction, a note per decision and local day of the group
(`backers_notes`, unique) with one line per commitment (`backers_lines`, unique: the latest
change of the day wins), and marks the note due (`due_at`, after the group's quiet hours). The
tick shows due notes: a process first claims one with a conditional UPDATE (a lease of
`LEASE`), posts it as a reply under the decision's message the first time and edits that reply
afterwards, then `finish`es it — which leaves it due if a change came while it was shown
(`revision`). So one message per decision and day at most, and never two processes on one.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import Commitment
from bot.commitments.service import owners_of
from bot.core.db import as_utc, insert_for
from bot.core.quiet import QuietHours, release_time
from bot.core.records import frozen
from bot.groups.models import Group, Person
from bot.votes.models import BackersLine, BackersNote, Decision, Position, Vote
from bot.votes.rules import AGREE

LEASE = timedelta(minutes=2)  # a process showing a note holds it this long at most
MAX_ATTEMPTS = 8  # failures of Telegram (not flood control) before a note is given up

# -- recording (in the transaction of the change) ---------------------------------------------


async def record(
    session: AsyncSession,
    decision_id: int,
    commitment: Commitment,
    change: str,
    now: datetime,
    *,
    backers: list[int],
    reply_to: int | None,
    thread_id: int | None,
) -> None:
    """Note `change` of `commitment` for the backers of decision `decision_id`, today."""
    group = await session.get(Group, commitment.group_id)
    if group is None or not group.active:
        return
    day = now.astimezone(ZoneInfo(group.timezone)).date().isoformat()
    due = release_time(now, QuietHours.of(group.quiet_start, group.quiet_end), group.timezone)
    await session.execute(
        insert_for(session, BackersNote)
        .values(
            group_id=group.id,
            decision_id=decision_id,
            day=day,
            backers=backers,
            reply_to=reply_to,
            thread_id=thread_id,
            revision=0,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[BackersNote.decision_id, BackersNote.day])
    )
    note_id = await session.scalar(
        select(BackersNote.id).where(BackersNote.decision_id == decision_id, BackersNote.day == day)
    )
    await session.execute(
        update(BackersNote)
        .where(BackersNote.id == note_id)
        .values(
            revision=BackersNote.revision + 1,
            due_at=case((BackersNote.due_at.is_(None), due), else_=BackersNote.due_at),
        )
    )
    line = insert_for(session, BackersLine).values(
        note_id=note_id, commitment_id=commitment.id, change=change, at=now
    )
    await session.execute(
        line.on_conflict_do_update(
            index_elements=[BackersLine.note_id, BackersLine.commitment_id],
            set_={"change": change, "at": now},
        )
    )


async def vote_changed(
    session: AsyncSession, commitment: Commitment, change: str, now: datetime
) -> None:
    """For `commitments.api.STATE_CHANGED`: a commitment a passed proposal was turned into."""
    if commitment.source_kind != "vote":
        return
    row = (
        await session.execute(
            # by the commitment's source, the vote: the one the vote was turned into, and the
            # attempts a review re-planned it as (they keep the source)
            select(Decision.id, Decision.message_id, Vote.message_id, Vote.thread_id, Vote.id)
            .join(Vote, Vote.id == Decision.vote_id)
            .where(Vote.id == commitment.source_id, Vote.group_id == commitment.group_id)
        )
    ).first()
    if row is None:
        return
    decision_id, result_id, vote_message_id, thread_id, vote_id = row
    agreed = await session.scalars(
        select(Position.person_id)
        .where(Position.vote_id == vote_id, Position.choices == 1 << AGREE)
        .order_by(Position.updated_at, Position.id)
    )
    await record(
        session,
        decision_id,
        commitment,
        change,
        now,
        backers=list(agreed),
        reply_to=result_id or vote_message_id,
        thread_id=thread_id,
    )


async def record_message(
    session: AsyncSession, group_id: int, numbers: list[int], message_id: int
) -> None:
    """The message that told the group of decisions `numbers` (their result, the minutes)."""
    if numbers:
        await session.execute(
            update(Decision)
            .where(Decision.group_id == group_id, Decision.number.in_(numbers))
            .values(message_id=message_id)
        )


# -- showing (the tick) -------------------------------------------------------------------------


def _free(now: datetime):
    return and_(
        BackersNote.due_at.is_not(None),
        BackersNote.due_at <= now,
        or_(BackersNote.claimed_at.is_(None), BackersNote.claimed_at < now - LEASE),
    )


async def due_notes(session: AsyncSession, now: datetime) -> list[int]:
    return list(
        await session.scalars(
            select(BackersNote.id).where(_free(now)).order_by(BackersNote.due_at).limit(200)
        )
    )


async def claim(session: AsyncSession, note_id: int, now: datetime) -> int | None:
    """Take the note to show it: its revision, for one process at a time (else None)."""
    return await session.scalar(
        update(BackersNote)
        .where(BackersNote.id == note_id, _free(now))
        .values(claimed_at=now)
        .returning(BackersNote.revision)
    )


async def finish(
    session: AsyncSession, note_id: int, revision: int, message_id: int | None
) -> None:
    """Shown as message `message_id` (None: nothing to show it in): due no more, unless a
    change came meanwhile."""
    values: dict[str, object] = {
        "claimed_at": None,
        "attempts": 0,
        "due_at": case((BackersNote.revision == revision, None), else_=BackersNote.due_at),
    }
    if message_id is not None:
        values["message_id"] = message_id
    await session.execute(update(BackersNote).where(BackersNote.id == note_id).values(**values))


async def later(
    session: AsyncSession,
    note_id: int,
    now: datetime,
    *,
    wait: timedelta | None,
    revision: int,
    backoff: Callable[[int], timedelta],
) -> None:
    """Telegram failed: give the claim back and try again after `wait` (flood control: it
    does not count), or after `backoff(attempts)`; a note that failed `MAX_ATTEMPTS` times is
    given up."""
    note = await session.get(BackersNote, note_id)
    if note is None:
        return
    attempts = note.attempts if wait is not None else note.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        await finish(session, note_id, revision, None)
        return
    note.attempts, note.claimed_at = attempts, None
    note.due_at = now + (wait if wait is not None else backoff(attempts))


# -- what a note says -----------------------------------------------------------------------


@frozen
class LineFacts:
    number: int
    text: str
    change: str  # a commitments.kinds.Change
    due_at: datetime | None
    progress: int
    owners: list[Person]  # who accepted it


@frozen
class NoteFacts:
    chat_id: int
    language: str
    timezone: str
    active: bool
    number: int  # the decision's, in the log
    what: str  # the vote's question, or the agreement's text
    reply_to: int | None
    thread_id: int | None
    message_id: int | None
    backers: list[Person]  # who agreed, in the order they did
    lines: list[LineFacts]


async def note_facts(session: AsyncSession, note_id: int) -> NoteFacts | None:
    row = (
        await session.execute(
            select(BackersNote, Decision, Group, Vote.question)
            .join(Decision, Decision.id == BackersNote.decision_id)
            .join(Group, Group.id == BackersNote.group_id)
            .outerjoin(Vote, Vote.id == Decision.vote_id)
            .where(BackersNote.id == note_id)
        )
    ).first()
    if row is None:
        return None
    note, decision, group, question = row
    rows = (
        await session.execute(
            select(BackersLine.change, Commitment)
            .join(Commitment, Commitment.id == BackersLine.commitment_id)
            .where(BackersLine.note_id == note_id)
            .order_by(Commitment.number)
        )
    ).all()
    owners = await owners_of(session, [c.id for _, c in rows])
    people = {
        p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(note.backers)))
    }
    return NoteFacts(
        chat_id=group.chat_id,
        language=group.language,
        timezone=group.timezone,
        active=group.active,
        number=decision.number,
        what=question or decision.text or "",
        reply_to=note.reply_to,
        thread_id=note.thread_id,
        message_id=note.message_id,
        backers=[people[i] for i in note.backers if i in people],
        lines=[
            LineFacts(
                c.number,
                c.text,
                change,
                as_utc(c.due_at),
                c.progress,
                [o.person for o in owners[c.id] if o.accepted],
            )
            for change, c in rows
        ],
    )
