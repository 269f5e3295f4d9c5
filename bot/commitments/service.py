"""Reading the commitments ledger, as plain async functions of an `AsyncSession`: one
commitment, its owners, resources, history and cards, the lists and the board, the reminders
that are due (and the record of those sent). Creating is `creating.py`, changing `changes.py`, the
`/commit` grammar `grammar.py`; other features reach both through this module."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

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
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person

REMIND_BEFORE = timedelta(hours=24)
SOON = "soon"
OVERDUE = "overdue"

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


# A commitment changed state (a `kinds.Change`), told in the transaction of the change:
# (session, the commitment, the change, now). Votes and meetings tell a decision's backers.
StateChanged = Callable[[AsyncSession, Commitment, str, datetime], Awaitable[None]]
STATE_CHANGED: Hook[StateChanged] = Hook("commitments.state_changed")


async def state_changed(
    session: AsyncSession, hooks: Hooks, commitment: Commitment, change: str, now: datetime
) -> None:
    """Tell the features above of a change of state of `commitment` (only one that came from
    somewhere can interest them)."""
    if commitment.source_kind is None or commitment.source_id is None:
        return
    for tell in hooks.of(STATE_CHANGED):
        await tell(session, commitment, change, now)


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


@frozen
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


def accepted_by_someone() -> ColumnElement[bool]:
    """The commitment (correlated) has an owner who accepted it: until then it is nobody's."""
    return exists().where(
        CommitmentOwner.commitment_id == Commitment.id, CommitmentOwner.accepted_at.is_not(None)
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


@frozen
class Board:
    overdue: list[Commitment]
    this_week: list[Commitment]
    later: list[Commitment]
    done: list[Commitment]
    waiting: list[Commitment] = field(default_factory=list)  # nobody accepted it yet

    def all(self) -> list[tuple[str, Commitment]]:
        return [
            *(("overdue", c) for c in self.overdue),
            *(("waiting", c) for c in self.waiting),
            *(("week", c) for c in self.this_week),
            *(("later", c) for c in self.later),
            *(("done", c) for c in self.done),
        ]


async def board(
    session: AsyncSession, group_id: int, now: datetime, person_id: int | None = None
) -> Board:
    """The group's board: overdue, waiting for someone to accept (nobody's yet, so never
    overdue), due in the next 7 days, later (or undated), done in the last 7 days; only
    `person_id`'s (owned or offered) when given."""
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
    rows = (
        (
            await session.execute(
                query.add_columns(accepted_by_someone()).order_by(*_overdue_first())
            )
        )
        .tuples()
        .all()
    )
    week = now + timedelta(days=7)
    overdue, this_week, later, done, waiting = [], [], [], [], []
    for c, taken in rows:
        due = as_utc(c.due_at)
        if c.status == Status.DONE:
            done.append(c)
        elif not taken:
            waiting.append(c)
        elif due is not None and due < now:
            overdue.append(c)
        elif due is not None and due <= week:
            this_week.append(c)
        else:
            later.append(c)
    done.sort(key=lambda c: as_utc(c.done_at) or now, reverse=True)
    return Board(overdue, this_week, later, done, waiting)


# -- for monitoring ------------------------------------------------------------------------


async def completion_rate(
    session: AsyncSession, group_id: int, since: datetime, now: datetime
) -> float | None:
    """Of the commitments due in [since, now) and not dropped, the share done (by now, on
    time or late), 0.0-1.0; None when none fell due. One still to do that nobody accepted is
    nobody's, so it does not count against anyone."""
    rows = (
        await session.execute(
            select(Commitment.status, func.count())
            .where(
                Commitment.group_id == group_id,
                Commitment.due_at >= since,
                Commitment.due_at < now,
                Commitment.status != Status.DROPPED,
                or_(Commitment.status == Status.DONE, accepted_by_someone()),
            )
            .group_by(Commitment.status)
        )
    ).all()
    counts = {status: count for status, count in rows}
    total = sum(counts.values())
    return None if total == 0 else counts.get(Status.DONE, 0) / total


# -- reminders ------------------------------------------------------------------------------


@frozen
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
