"""The commitments ledger's rules: plain async functions of an `AsyncSession`. The `/commit`
grammar is in `grammar.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.grammar import OwnerSpec, ResourceSpec, clean_text, read_due
from bot.commitments.kinds import ACTIVE, Status
from bot.commitments.models import (
    Commitment,
    CommitmentCard,
    CommitmentEvent,
    CommitmentOwner,
    CommitmentResource,
    Reminder,
)
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.hooks import Hook, Hooks
from bot.core.i18n import N_
from bot.groups.models import Group, Membership, Person

MAX_OWNERS = 10
MAX_REASON = 500
HELP_EVERY = timedelta(days=1)
REMIND_BEFORE = timedelta(hours=24)
PROGRESS_STEPS = (25, 50, 75)
SOON = "soon"
OVERDUE = "overdue"

__all__ = ["read_due"]  # for the features that read a due date the way /commit does


# -- creating -----------------------------------------------------------------------------


async def create_commitment(
    session: AsyncSession,
    group_id: int,
    text: str,
    owners: Sequence[int | OwnerSpec],
    due_at: datetime | None,
    resources: Sequence[ResourceSpec],
    created_by: int | None,
    source_kind: str | None = None,
    source_id: int | None = None,
    *,
    context_message_id: int | None = None,
    context_text: str | None = None,
    now: datetime,
) -> Commitment:
    """A new commitment with the next number of its group. `owners`: person ids (accepted)
    or `OwnerSpec`s (a pending owner must accept). Also for votes and meeting minutes."""
    text = clean_text(text)
    specs: dict[int, OwnerSpec] = {}
    for owner in owners:
        spec = owner if isinstance(owner, OwnerSpec) else OwnerSpec(owner)
        specs.setdefault(spec.person_id, spec)
    if not specs:
        raise ValueError("a commitment needs at least one owner")
    if len(specs) > MAX_OWNERS:
        raise DomainError(N_("At most {limit} owners per commitment, please."), limit=MAX_OWNERS)
    for attempt in range(5):
        number = (
            await session.scalar(
                select(func.coalesce(func.max(Commitment.number), 0)).where(
                    Commitment.group_id == group_id
                )
            )
            or 0
        ) + 1
        commitment = Commitment(
            group_id=group_id,
            number=number,
            text=text,
            context_message_id=context_message_id,
            context_text=(context_text or None) and context_text[:1000],
            created_by=created_by,
            due_at=due_at,
            status=Status.OPEN,
            progress=0,
            source_kind=source_kind,
            source_id=source_id,
            created_at=now,
            updated_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(commitment)
                await session.flush()
        except IntegrityError:  # another commitment took the number at the same moment
            if attempt == 4:
                raise
            continue
        break
    for spec in specs.values():
        session.add(
            CommitmentOwner(
                commitment_id=commitment.id,
                person_id=spec.person_id,
                accepted_at=now if spec.accepted else None,
                added_at=now,
            )
        )
    for resource in resources:
        session.add(
            CommitmentResource(
                commitment_id=commitment.id,
                type=resource.type,
                description=resource.description,
                quantity=resource.quantity,
            )
        )
    _event(session, commitment, created_by, now, "created", None, Status.OPEN)
    await session.flush()
    return commitment


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


# -- reading ------------------------------------------------------------------------------

# The decision a commitment came from, told by the feature that made it: (session, source
# kind, source id) -> its number in the group's decision log, or None.
DecisionOf = Callable[[AsyncSession, str, int], Awaitable[int | None]]
DECISION_OF: Hook[DecisionOf] = Hook("commitments.decision_of")


async def decision_of(session: AsyncSession, hooks: Hooks, commitment: Commitment) -> int | None:
    """The number of the decision `commitment` came from, if it came from one."""
    if commitment.source_kind is None or commitment.source_id is None:
        return None
    for find in hooks.of(DECISION_OF):
        number = await find(session, commitment.source_kind, commitment.source_id)
        if number is not None:
            return number
    return None


async def get(session: AsyncSession, group_id: int, commitment_id: int) -> Commitment | None:
    found = await session.get(Commitment, commitment_id, populate_existing=True)
    return found if found is not None and found.group_id == group_id else None


async def by_number(session: AsyncSession, group_id: int, number: int) -> Commitment:
    found = await session.scalar(
        select(Commitment).where(Commitment.group_id == group_id, Commitment.number == number)
    )
    if found is None:
        raise DomainError(
            N_("There is no commitment #{number} here. See them all with /commitments"),
            number=number,
        )
    return found


async def by_card(session: AsyncSession, group_id: int, message_id: int) -> Commitment | None:
    return await session.scalar(
        select(Commitment)
        .join(CommitmentCard, CommitmentCard.commitment_id == Commitment.id)
        .where(Commitment.group_id == group_id, CommitmentCard.message_id == message_id)
    )


async def record_card(session: AsyncSession, commitment_id: int, message_id: int) -> None:
    stmt = insert_for(session, CommitmentCard).values(
        commitment_id=commitment_id, message_id=message_id
    )
    await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[CommitmentCard.commitment_id, CommitmentCard.message_id]
        )
    )


@dataclass(frozen=True)
class Owner:
    person: Person
    accepted: bool
    present: bool  # still a member of the group


async def owners_of(session: AsyncSession, commitment_ids: Sequence[int]) -> dict[int, list[Owner]]:
    result: dict[int, list[Owner]] = {cid: [] for cid in commitment_ids}
    if not commitment_ids:
        return result
    rows = await session.execute(
        select(CommitmentOwner, Person, Membership.left_at, Membership.id)
        .join(Person, Person.id == CommitmentOwner.person_id)
        .join(Commitment, Commitment.id == CommitmentOwner.commitment_id)
        .outerjoin(
            Membership,
            and_(
                Membership.person_id == Person.id,
                Membership.group_id == Commitment.group_id,
            ),
        )
        .where(CommitmentOwner.commitment_id.in_(commitment_ids))
        .order_by(CommitmentOwner.id)
    )
    for owner, person, left_at, membership_id in rows.tuples():
        present = membership_id is not None and left_at is None
        result[owner.commitment_id].append(Owner(person, owner.accepted_at is not None, present))
    return result


async def resources_of(
    session: AsyncSession, commitment_ids: Sequence[int]
) -> dict[int, list[CommitmentResource]]:
    result: dict[int, list[CommitmentResource]] = {cid: [] for cid in commitment_ids}
    if not commitment_ids:
        return result
    rows = await session.scalars(
        select(CommitmentResource)
        .where(CommitmentResource.commitment_id.in_(commitment_ids))
        .order_by(CommitmentResource.id)
    )
    for row in rows:
        result[row.commitment_id].append(row)
    return result


async def history(
    session: AsyncSession, commitment_id: int, limit: int = 15
) -> list[tuple[CommitmentEvent, Person | None]]:
    """The latest `limit` changes, oldest first."""
    rows = await session.execute(
        select(CommitmentEvent, Person)
        .outerjoin(Person, Person.id == CommitmentEvent.person_id)
        .where(CommitmentEvent.commitment_id == commitment_id)
        .order_by(CommitmentEvent.at.desc(), CommitmentEvent.id.desc())
        .limit(limit)
    )
    return list(reversed([(event, person) for event, person in rows.tuples()]))


async def history_count(session: AsyncSession, commitment_id: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(CommitmentEvent)
        .where(CommitmentEvent.commitment_id == commitment_id)
    )


def _overdue_first() -> list[object]:
    """Order: by due date, those without one last; then by number."""
    return [Commitment.due_at.is_(None), Commitment.due_at, Commitment.number]


async def for_person(
    session: AsyncSession, person_id: int, group_id: int | None = None
) -> list[tuple[Commitment, Group]]:
    """The person's commitments still to do (owned or offered), overdue first; in one group
    or, with `group_id` None, in every active group."""
    query = (
        select(Commitment, Group)
        .join(Group, Group.id == Commitment.group_id)
        .join(CommitmentOwner, CommitmentOwner.commitment_id == Commitment.id)
        .where(CommitmentOwner.person_id == person_id, Commitment.status.in_(ACTIVE))
        .order_by(*_overdue_first(), Group.id)
    )
    if group_id is not None:
        query = query.where(Commitment.group_id == group_id)
    else:
        query = query.where(Group.active.is_(True))
    rows = await session.execute(query.limit(200))
    return [(c, g) for c, g in rows.tuples()]


@dataclass(frozen=True)
class Board:
    overdue: list[Commitment]
    this_week: list[Commitment]
    later: list[Commitment]
    done: list[Commitment]

    def all(self) -> list[tuple[str, Commitment]]:
        return [
            *(("overdue", c) for c in self.overdue),
            *(("week", c) for c in self.this_week),
            *(("later", c) for c in self.later),
            *(("done", c) for c in self.done),
        ]


async def board(
    session: AsyncSession, group_id: int, now: datetime, person_id: int | None = None
) -> Board:
    """The group's board: overdue, due in the next 7 days, later (or undated), done in the
    last 7 days; only `person_id`'s when given."""
    query = select(Commitment).where(
        Commitment.group_id == group_id,
        or_(
            Commitment.status.in_(ACTIVE),
            and_(Commitment.status == Status.DONE, Commitment.done_at >= now - timedelta(days=7)),
        ),
    )
    if person_id is not None:
        query = query.where(
            exists().where(
                CommitmentOwner.commitment_id == Commitment.id,
                CommitmentOwner.person_id == person_id,
            )
        )
    rows = list(await session.scalars(query.order_by(*_overdue_first())))
    week = now + timedelta(days=7)
    overdue, this_week, later, done = [], [], [], []
    for c in rows:
        due = as_utc(c.due_at)
        if c.status == Status.DONE:
            done.append(c)
        elif due is not None and due < now:
            overdue.append(c)
        elif due is not None and due <= week:
            this_week.append(c)
        else:
            later.append(c)
    done.sort(key=lambda c: as_utc(c.done_at) or now, reverse=True)
    return Board(overdue, this_week, later, done)


# -- for monitoring ------------------------------------------------------------------------


async def completion_rate(
    session: AsyncSession, group_id: int, since: datetime, now: datetime
) -> float | None:
    """Of the commitments due in [since, now) and not dropped, the share done (by now, on
    time or late), 0.0-1.0; None when none fell due."""
    rows = (
        await session.execute(
            select(Commitment.status, func.count())
            .where(
                Commitment.group_id == group_id,
                Commitment.due_at >= since,
                Commitment.due_at < now,
                Commitment.status != Status.DROPPED,
            )
            .group_by(Commitment.status)
        )
    ).all()
    counts = {status: count for status, count in rows}
    total = sum(counts.values())
    return None if total == 0 else counts.get(Status.DONE, 0) / total


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
            example=f"/commitment {commitment.number} drop ya no hace falta",
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


# -- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    commitment_id: int
    group_id: int
    kind: str  # SOON | OVERDUE
    due_at: datetime
    at: datetime  # when it is due (before quiet hours)


async def due_reminders(session: AsyncSession, now: datetime) -> list[DueReminder]:
    """Reminders whose time has come and that were not sent for the current due date.

    `soon` is 24 h before the due date, only for commitments made more than 24 h ahead and
    while the date is still ahead; `overdue` is at the due date.
    """
    sent = (
        select(Reminder.kind)
        .where(Reminder.commitment_id == Commitment.id, Reminder.due_at == Commitment.due_at)
        .correlate(Commitment)
    )
    rows = await session.execute(
        select(Commitment.id, Commitment.group_id, Commitment.due_at, Commitment.created_at)
        .join(Group, Group.id == Commitment.group_id)
        .where(
            Group.active.is_(True),
            Commitment.status.in_(ACTIVE),
            Commitment.due_at.is_not(None),
            Commitment.due_at <= now + REMIND_BEFORE,
            ~exists(sent.where(Reminder.kind == OVERDUE)),
        )
        .order_by(Commitment.due_at)
        .limit(500)
    )
    due: list[DueReminder] = []
    for cid, group_id, due_at, created_at in rows.tuples():
        due_at = as_utc(due_at)
        created_at = as_utc(created_at)
        assert due_at is not None and created_at is not None
        if due_at <= now:
            due.append(DueReminder(cid, group_id, OVERDUE, due_at, due_at))
        elif created_at <= due_at - REMIND_BEFORE:
            due.append(DueReminder(cid, group_id, SOON, due_at, due_at - REMIND_BEFORE))
    if not due:
        return []
    # drop the `soon` ones already sent
    done = {
        (cid, kind, as_utc(at))
        for cid, kind, at in (
            await session.execute(
                select(Reminder.commitment_id, Reminder.kind, Reminder.due_at).where(
                    Reminder.commitment_id.in_([d.commitment_id for d in due])
                )
            )
        ).tuples()
    }
    return [d for d in due if (d.commitment_id, d.kind, d.due_at) not in done]


async def reminder_sent(
    session: AsyncSession, reminder: DueReminder, channel: str, now: datetime
) -> None:
    stmt = insert_for(session, Reminder).values(
        commitment_id=reminder.commitment_id,
        kind=reminder.kind,
        due_at=reminder.due_at,
        channel=channel,
        sent_at=now,
    )
    await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[Reminder.commitment_id, Reminder.kind, Reminder.due_at]
        )
    )


async def still_due(session: AsyncSession, reminder: DueReminder) -> Commitment | None:
    """The commitment, if the reminder still makes sense (same due date, still to do)."""
    commitment = await session.get(Commitment, reminder.commitment_id)
    if (
        commitment is None
        or commitment.status not in ACTIVE
        or as_utc(commitment.due_at) != reminder.due_at
    ):
        return None
    return commitment
