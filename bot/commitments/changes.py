"""Changing the ledger: every change to a commitment after it is made (`creating.py`): status,
progress, due date, owners, acceptance, a call for help. Each change is one conditional UPDATE,
so two clicks at once change it once, and each is kept as a row of its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.creating import MAX_OWNERS
from bot.commitments.grammar import OwnerSpec
from bot.commitments.kinds import ACTIVE, Status
from bot.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentOwner,
)
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import Person

MAX_REASON = 500
HELP_EVERY = timedelta(days=1)
PROGRESS_STEPS = (25, 50, 75)


def _event(
    session: AsyncSession,
    commitment: Commitment,
    person_id: int | None,
    now: datetime,
    name: str,
    old: str | None,
    new: str | None,
    reason: str | None = None,
) -> None:
    session.add(
        CommitmentEvent(
            commitment_id=commitment.id,
            person_id=person_id,
            at=now,
            field=name,
            old=old,
            new=new,
            reason=reason,
        )
    )


# -- changing -------------------------------------------------------------------------------


async def is_owner(
    session: AsyncSession, commitment_id: int, person_id: int, *, accepted: bool = True
) -> bool:
    query = select(CommitmentOwner.id).where(
        CommitmentOwner.commitment_id == commitment_id, CommitmentOwner.person_id == person_id
    )
    if accepted:
        query = query.where(CommitmentOwner.accepted_at.is_not(None))
    return await session.scalar(query) is not None


async def check_can_change(
    session: AsyncSession, commitment: Commitment, person_id: int | None, coordinator: bool
) -> None:
    """Only its owners (who accepted) and coordinators change a commitment."""
    if coordinator:
        return
    if person_id is not None and await is_owner(session, commitment.id, person_id):
        return
    raise DomainError(
        N_("Only the owners of #{number} or a coordinator can change it."),
        number=commitment.number,
    )


def _check_active(commitment: Commitment) -> None:
    if commitment.status not in ACTIVE:
        raise DomainError(
            N_("#{number} is already closed; it can no longer change."),
            number=commitment.number,
        )


async def _set(
    session: AsyncSession, commitment: Commitment, now: datetime, *where: object, **values: object
) -> bool:
    """A conditional UPDATE (so two clicks at once change it once); refreshes the object."""
    result = await session.execute(
        update(Commitment)
        .where(Commitment.id == commitment.id, *where)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(commitment)
    return result.rowcount == 1


async def mark_done(
    session: AsyncSession, commitment: Commitment, person_id: int | None, now: datetime
) -> bool:
    """Done. False if it already was (or was dropped): nothing changes then."""
    old = commitment.status
    if not await _set(
        session,
        commitment,
        now,
        Commitment.status.in_(ACTIVE),
        status=Status.DONE,
        progress=100,
        done_at=now,
    ):
        return False
    _event(session, commitment, person_id, now, "status", old, Status.DONE)
    return True


async def set_progress(
    session: AsyncSession,
    commitment: Commitment,
    percent: int,
    person_id: int | None,
    now: datetime,
) -> bool:
    if percent not in PROGRESS_STEPS:
        raise DomainError(N_("Choose 25, 50 or 75 percent."))
    _check_active(commitment)
    old = commitment.progress
    if not await _set(
        session,
        commitment,
        now,
        Commitment.status.in_(ACTIVE),
        Commitment.progress != percent,
        progress=percent,
    ):
        return False
    _event(session, commitment, person_id, now, "progress", str(old), str(percent))
    return True


async def block(
    session: AsyncSession, commitment: Commitment, person_id: int | None, now: datetime
) -> bool:
    """Blocked; the reason comes next, as a reply to the card. False if it already was."""
    _check_active(commitment)
    if not await _set(
        session, commitment, now, Commitment.status == Status.OPEN, status=Status.BLOCKED
    ):
        return False
    _event(session, commitment, person_id, now, "status", Status.OPEN, Status.BLOCKED)
    return True


async def unblock(
    session: AsyncSession, commitment: Commitment, person_id: int | None, now: datetime
) -> bool:
    if not await _set(
        session,
        commitment,
        now,
        Commitment.status == Status.BLOCKED,
        status=Status.OPEN,
        blocked_reason=None,
    ):
        return False
    _event(session, commitment, person_id, now, "status", Status.BLOCKED, Status.OPEN)
    return True


async def set_blocked_reason(
    session: AsyncSession, commitment: Commitment, reason: str, person_id: int | None, now: datetime
) -> bool:
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason or commitment.status != Status.BLOCKED:
        return False
    old = commitment.blocked_reason
    await _set(session, commitment, now, Commitment.status == Status.BLOCKED, blocked_reason=reason)
    _event(session, commitment, person_id, now, "reason", old, reason, reason)
    return True


async def request_help(
    session: AsyncSession, commitment: Commitment, person_id: int | None, now: datetime
) -> bool:
    """True at most once a day per commitment: the caller then posts the request."""
    _check_active(commitment)
    if not await _set(
        session,
        commitment,
        now,
        or_(
            Commitment.help_requested_at.is_(None),
            Commitment.help_requested_at <= now - HELP_EVERY,
        ),
        help_requested_at=now,
    ):
        return False
    _event(session, commitment, person_id, now, "help", None, None)
    return True


async def accept(
    session: AsyncSession, commitment: Commitment, person_id: int, now: datetime
) -> str:
    """A pending owner accepts: `accepted`, `already`, or `not_owner`."""
    result = await session.execute(
        update(CommitmentOwner)
        .where(
            CommitmentOwner.commitment_id == commitment.id,
            CommitmentOwner.person_id == person_id,
            CommitmentOwner.accepted_at.is_(None),
        )
        .values(accepted_at=now)
    )
    if result.rowcount == 1:
        _event(session, commitment, person_id, now, "accepted", None, None)
        await _set(session, commitment, now)
        return "accepted"
    if await is_owner(session, commitment.id, person_id):
        return "already"
    return "not_owner"


async def set_due(
    session: AsyncSession,
    commitment: Commitment,
    due_at: datetime,
    person_id: int | None,
    now: datetime,
) -> bool:
    _check_active(commitment)
    old = as_utc(commitment.due_at)
    if old == due_at:
        return False
    await _set(session, commitment, now, due_at=due_at)
    _event(
        session,
        commitment,
        person_id,
        now,
        "due",
        old.isoformat() if old else None,
        due_at.isoformat(),
    )
    return True


def _names(people: Sequence[Person]) -> str:
    return ", ".join(p.first_name for p in people)


async def set_owners(
    session: AsyncSession,
    commitment: Commitment,
    owners: Sequence[OwnerSpec],
    person_id: int | None,
    now: datetime,
) -> bool:
    """The owners become exactly `owners` (those already owners keep their acceptance)."""
    _check_active(commitment)
    if not owners:
        raise ValueError("a commitment needs at least one owner")
    if len(owners) > MAX_OWNERS:
        raise DomainError(N_("At most {limit} owners per commitment, please."), limit=MAX_OWNERS)
    current = {
        row.person_id: row
        for row in await session.scalars(
            select(CommitmentOwner).where(CommitmentOwner.commitment_id == commitment.id)
        )
    }
    wanted = {spec.person_id: spec for spec in owners}
    # a coordinator naming someone who was only asked makes them an owner
    confirmed = [
        row
        for pid, row in current.items()
        if row.accepted_at is None and pid in wanted and wanted[pid].accepted
    ]
    if set(current) == set(wanted) and not confirmed:
        return False
    for row in confirmed:
        row.accepted_at = now
    old_people = await _people(session, list(current))
    for pid, row in current.items():
        if pid not in wanted:
            await session.delete(row)
    for pid, spec in wanted.items():
        if pid not in current:
            session.add(
                CommitmentOwner(
                    commitment_id=commitment.id,
                    person_id=pid,
                    accepted_at=now if spec.accepted else None,
                    added_at=now,
                )
            )
    await session.flush()
    new_people = await _people(session, list(wanted))
    await _set(session, commitment, now)
    _event(session, commitment, person_id, now, "owners", _names(old_people), _names(new_people))
    return True


async def _people(session: AsyncSession, ids: Sequence[int]) -> list[Person]:
    if not ids:
        return []
    found = {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


async def drop(
    session: AsyncSession, commitment: Commitment, reason: str, person_id: int | None, now: datetime
) -> bool:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(
            N_("Say why it is dropped, for example: {example}"),
            example=N_("/commitment {number} drop ya no hace falta"),
            number=commitment.number,
        )
    if len(reason) > MAX_REASON:
        raise DomainError(
            N_("That is {length} characters; the most is {limit}. Please shorten it."),
            length=len(reason),
            limit=MAX_REASON,
        )
    old = commitment.status
    if not await _set(
        session, commitment, now, Commitment.status.in_(ACTIVE), status=Status.DROPPED
    ):
        return False
    _event(session, commitment, person_id, now, "status", old, Status.DROPPED, reason)
    return True
