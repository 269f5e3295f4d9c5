"""Volunteer calls: opening one, the members' answers, and turning the volunteers into one
commitment. A call's row is held (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE`
already lets one writer in at a time) by every press, so two presses at once each see the
other's answer, and the call is closed once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.calls.grammar import MAX_TARGET
from bot.calls.models import Call, CallAnswer
from bot.calls.views import CallView, Volunteer
from bot.commitments.creating import create_commitment
from bot.commitments.models import Commitment
from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import Person

SOURCE_KIND = "call"  # commitments.source_kind of a commitment made from a call

CLOSED = N_("This call is closed: its volunteers are commitment #{number}.")
FULL = N_("This call already has {limit} volunteers, the most one commitment can have.")
PAST = N_("The date of this call has passed: it takes no more answers.")
NOBODY_YET = N_("Nobody has said “I'm in” yet, so there is no one to commit.")


class Answered(StrEnum):
    CHANGED = "changed"
    SAME = "same"  # already the member's answer, or an older press than the one kept


async def open_call(
    session: AsyncSession,
    group_id: int,
    text: str,
    target: int,
    due_at: datetime | None,
    created_by: int | None,
    now: datetime,
) -> Call:
    call = Call(
        group_id=group_id,
        text=text,
        target=target,
        due_at=due_at,
        created_by=created_by,
        created_at=now,
    )
    session.add(call)
    await session.flush()
    return call


async def set_message(session: AsyncSession, call_id: int, message_id: int) -> None:
    call = await session.get(Call, call_id)
    if call is not None:
        call.message_id = message_id


async def _hold(session: AsyncSession, group_id: int, call_id: int) -> Call:
    """The call, held until the transaction ends; a call of another group is a stale button."""
    call = await session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None or call.group_id != group_id:
        raise DomainError(STALE_BUTTON)
    return call


async def _commitment_number(session: AsyncSession, call: Call) -> int | None:
    if call.commitment_id is None:
        return None
    return await session.scalar(
        select(Commitment.number).where(Commitment.id == call.commitment_id)
    )


async def answer(
    session: AsyncSession,
    group_id: int,
    call_id: int,
    person_id: int,
    willing: bool,
    update_id: int,
    now: datetime,
) -> tuple[Answered, CallView]:
    """`person_id` is in (`willing`) or cannot; the call as it is now."""
    call = await _hold(session, group_id, call_id)
    if call.closed_at is not None:
        raise DomainError(CLOSED, number=await _commitment_number(session, call) or "?")
    if call.due_at is not None and as_utc(call.due_at) <= now:
        raise DomainError(PAST)  # the caller may still turn who said yes into a commitment
    kept = await session.scalar(
        select(CallAnswer).where(CallAnswer.call_id == call_id, CallAnswer.person_id == person_id)
    )
    if kept is not None and (kept.willing == willing or kept.update_id > update_id):
        return Answered.SAME, await load_view(session, call)
    if willing:
        count = await session.scalar(
            select(func.count()).where(CallAnswer.call_id == call_id, CallAnswer.willing)
        )
        if (count or 0) >= MAX_TARGET:
            raise DomainError(FULL, limit=MAX_TARGET)
    if kept is None:
        session.add(
            CallAnswer(
                call_id=call_id,
                person_id=person_id,
                willing=willing,
                update_id=update_id,
                answered_at=now,
            )
        )
    else:
        kept.willing, kept.update_id, kept.answered_at = willing, update_id, now
    await session.flush()
    return Answered.CHANGED, await load_view(session, call)


async def to_commitment(
    session: AsyncSession, group_id: int, call_id: int, by: int, now: datetime
) -> tuple[Commitment, CallView]:
    """The call's volunteers become one commitment (owned by all of them, due at the call's
    date), once; the call is closed."""
    call = await _hold(session, group_id, call_id)
    if call.closed_at is not None:
        raise DomainError(CLOSED, number=await _commitment_number(session, call) or "?")
    view = await load_view(session, call)
    if not view.volunteers:
        raise DomainError(NOBODY_YET)
    commitment = await create_commitment(
        session,
        group_id,
        call.text,
        [v.person_id for v in view.volunteers],
        call.due_at,
        (),
        by,
        SOURCE_KIND,
        call.id,
        now=now,
    )
    call.closed_at, call.commitment_id = now, commitment.id
    await session.flush()
    return commitment, await load_view(session, call)


async def caller_of(session: AsyncSession, group_id: int, call_id: int) -> int | None:
    """Who made the call; a call of another group (or none) is a stale button."""
    call = await session.get(Call, call_id)
    if call is None or call.group_id != group_id:
        raise DomainError(STALE_BUTTON)
    return call.created_by


def _person(person: Person) -> Volunteer:
    return Volunteer(person.id, person.first_name, person.last_name)


async def load_view(session: AsyncSession, call: Call) -> CallView:
    rows = (
        await session.execute(
            select(CallAnswer.willing, Person)
            .join(Person, Person.id == CallAnswer.person_id)
            .where(CallAnswer.call_id == call.id)
            .order_by(CallAnswer.answered_at, CallAnswer.id)
        )
    ).all()
    caller = await session.get(Person, call.created_by) if call.created_by else None
    return CallView(
        id=call.id,
        text=call.text,
        target=call.target,
        due_at=as_utc(call.due_at),
        caller=_person(caller) if caller else None,
        volunteers=tuple(_person(p) for willing, p in rows if willing),
        declined=tuple(_person(p) for willing, p in rows if not willing),
        commitment_number=await _commitment_number(session, call),
    )
