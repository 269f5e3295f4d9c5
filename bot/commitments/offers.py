"""A commitment offered to someone who has not accepted it yet (a member named another member):
it belongs to nobody until they do. Here, as plain async functions of an `AsyncSession`:
declining it ("No puedo") and the reason; the one question asked in private to accept or
decline (which are due, and the record of those sent); and the notice to whoever assigned it
and the coordinators once its due date passed with nobody having accepted it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.changes import MAX_REASON, _event, _set, is_owner
from bot.commitments.kinds import ACTIVE
from bot.commitments.models import (
    Commitment,
    CommitmentCard,
    CommitmentEvent,
    CommitmentOwner,
    OwnerAsk,
    Reminder,
)
from bot.commitments.service import accepted_by_someone
from bot.core.db import as_utc, insert_for
from bot.core.models import AdminCache
from bot.core.records import frozen
from bot.groups.models import Group, Person
from bot.groups.service import coordinators

ASK_AFTER = timedelta(hours=24)  # the private question: a day after the assignment...
ASK_LOOK_BACK = timedelta(days=30)  # (assignments older than this are not asked any more)
NOTICE_LOOK_BACK = timedelta(days=3)  # a past-due notice missed while down is still sent
REASON_WITHIN = timedelta(days=2)  # a reply this long after declining is still its reason
UNACCEPTED = "unaccepted"  # the past-due notice, as `commitment_reminders.kind` stores it

DECLINED = "declined"
ALREADY = "already"  # they had accepted it
NOT_ASKED = "not_asked"


# -- declining ------------------------------------------------------------------------------


async def decline(
    session: AsyncSession, commitment: Commitment, person_id: int, now: datetime
) -> str:
    """A person asked to take it says they cannot: they stop being one of its owners (one
    conditional DELETE, so two presses decline once) and a history row says so. `declined`,
    `already` (they had accepted: handing it over is /commitment's owner) or `not_asked`."""
    result = await session.execute(
        delete(CommitmentOwner).where(
            CommitmentOwner.commitment_id == commitment.id,
            CommitmentOwner.person_id == person_id,
            CommitmentOwner.accepted_at.is_(None),
        )
    )
    if result.rowcount == 1:
        _event(session, commitment, person_id, now, DECLINED, None, None)
        await _set(session, commitment, now)
        return DECLINED
    if await is_owner(session, commitment.id, person_id):
        return ALREADY
    return NOT_ASKED


async def set_decline_reason(
    session: AsyncSession, commitment: Commitment, person_id: int, reason: str, now: datetime
) -> bool:
    """The reason of the person's latest decline, if they declined in the last days, gave no
    reason yet and were not asked again since (one conditional UPDATE: a repeated reply
    changes nothing)."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason or await is_owner(session, commitment.id, person_id, accepted=False):
        return False
    latest = await session.scalar(
        select(CommitmentEvent.id)
        .where(
            CommitmentEvent.commitment_id == commitment.id,
            CommitmentEvent.person_id == person_id,
            CommitmentEvent.field == DECLINED,
            CommitmentEvent.at >= now - REASON_WITHIN,
        )
        .order_by(CommitmentEvent.at.desc(), CommitmentEvent.id.desc())
        .limit(1)
    )
    if latest is None:
        return False
    result = await session.execute(
        update(CommitmentEvent)
        .where(CommitmentEvent.id == latest, CommitmentEvent.reason.is_(None))
        .values(reason=reason)
    )
    return result.rowcount == 1


async def declines(session: AsyncSession, commitment_id: int) -> list[tuple[Person, str | None]]:
    """Who declined it and is not one of its owners now, with their reason (their latest
    decline), in the order they declined."""
    rows = await session.execute(
        select(CommitmentEvent, Person)
        .join(Person, Person.id == CommitmentEvent.person_id)
        .where(
            CommitmentEvent.commitment_id == commitment_id,
            CommitmentEvent.field == DECLINED,
            ~exists().where(
                CommitmentOwner.commitment_id == commitment_id,
                CommitmentOwner.person_id == CommitmentEvent.person_id,
            ),
        )
        .order_by(CommitmentEvent.at, CommitmentEvent.id)
    )
    latest: dict[int, tuple[Person, str | None]] = {}
    for event, person in rows.tuples():
        latest.pop(person.id, None)
        latest[person.id] = (person, event.reason)
    return list(latest.values())


async def with_group(session: AsyncSession, commitment_id: int) -> tuple[Commitment, Group] | None:
    """A commitment and its group, by row id (a button pressed in a private chat)."""
    commitment = await session.get(Commitment, commitment_id, populate_existing=True)
    if commitment is None:
        return None
    group = await session.get(Group, commitment.group_id)
    return None if group is None else (commitment, group)


async def assigner(session: AsyncSession, commitment: Commitment) -> Person | None:
    """Whoever made the commitment (and so named those asked to take it)."""
    if commitment.created_by is None:
        return None
    return await session.get(Person, commitment.created_by)


async def latest_card(session: AsyncSession, commitment_id: int) -> int | None:
    """The message id of the commitment's newest card in its group."""
    return await session.scalar(
        select(CommitmentCard.message_id)
        .where(CommitmentCard.commitment_id == commitment_id)
        .order_by(CommitmentCard.message_id.desc())
        .limit(1)
    )


async def by_private_ask(
    session: AsyncSession, person_id: int, message_id: int
) -> tuple[Commitment, Group] | None:
    """The commitment a private question to `person_id` (its message id) was about."""
    row = (
        await session.execute(
            select(Commitment, Group)
            .join(OwnerAsk, OwnerAsk.commitment_id == Commitment.id)
            .join(Group, Group.id == Commitment.group_id)
            .where(OwnerAsk.person_id == person_id, OwnerAsk.message_id == message_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


# -- the private question --------------------------------------------------------------------


@frozen
class DueAsk:
    commitment_id: int
    person_id: int
    group_id: int
    at: datetime  # when it is due (before quiet hours)


def ask_time(added_at: datetime, due_at: datetime | None) -> datetime:
    """A day after the assignment, or half-way to the due date if that comes sooner."""
    later = added_at + ASK_AFTER
    if due_at is None:
        return later
    return min(later, added_at + (due_at - added_at) / 2)


async def due_asks(session: AsyncSession, now: datetime) -> list[DueAsk]:
    """The people still asked to take an open commitment whose question is due and was never
    sent (one per commitment and person, ever), while its due date is still ahead."""
    rows = await session.execute(
        select(
            CommitmentOwner.commitment_id,
            CommitmentOwner.person_id,
            CommitmentOwner.added_at,
            Commitment.group_id,
            Commitment.due_at,
        )
        .join(Commitment, Commitment.id == CommitmentOwner.commitment_id)
        .join(Group, Group.id == Commitment.group_id)
        .where(
            Group.active.is_(True),
            Commitment.status.in_(ACTIVE),
            CommitmentOwner.accepted_at.is_(None),
            CommitmentOwner.added_at >= now - ASK_LOOK_BACK,
            ~exists().where(
                OwnerAsk.commitment_id == CommitmentOwner.commitment_id,
                OwnerAsk.person_id == CommitmentOwner.person_id,
            ),
        )
        .order_by(CommitmentOwner.added_at, CommitmentOwner.id)
        .limit(500)
    )
    due = []
    for cid, pid, added_at, group_id, due_at in rows.tuples():
        added, deadline = as_utc(added_at), as_utc(due_at)
        assert added is not None
        if deadline is not None and deadline <= now:
            continue  # too late to ask: the past-due notice is for the assigner now
        at = ask_time(added, deadline)
        if at <= now:
            due.append(DueAsk(cid, pid, group_id, at))
    return due


async def still_asked(session: AsyncSession, ask: DueAsk) -> Commitment | None:
    """The commitment, if the person is still asked to take it and it is still to do."""
    commitment = await session.get(Commitment, ask.commitment_id, populate_existing=True)
    if commitment is None or commitment.status not in ACTIVE:
        return None
    if not await is_owner(session, commitment.id, ask.person_id, accepted=False):
        return None
    if await is_owner(session, commitment.id, ask.person_id):
        return None  # accepted meanwhile
    return commitment


async def ask_sent(
    session: AsyncSession, ask: DueAsk, channel: str, message_id: int | None, now: datetime
) -> None:
    stmt = insert_for(session, OwnerAsk).values(
        commitment_id=ask.commitment_id,
        person_id=ask.person_id,
        channel=channel,
        message_id=message_id,
        sent_at=now,
    )
    await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[OwnerAsk.commitment_id, OwnerAsk.person_id])
    )


# -- past due with nobody having accepted it -------------------------------------------------


@frozen
class DueNotice:
    commitment_id: int
    group_id: int
    due_at: datetime


async def due_notices(session: AsyncSession, now: datetime) -> list[DueNotice]:
    """Open commitments of active groups whose due date passed (lately) with no owner having
    accepted them, not yet told for that due date."""
    told = exists().where(
        Reminder.commitment_id == Commitment.id,
        Reminder.kind == UNACCEPTED,
        Reminder.due_at == Commitment.due_at,
    )
    rows = await session.execute(
        select(Commitment.id, Commitment.group_id, Commitment.due_at)
        .join(Group, Group.id == Commitment.group_id)
        .where(
            Group.active.is_(True),
            Commitment.status.in_(ACTIVE),
            Commitment.due_at <= now,
            Commitment.due_at >= now - NOTICE_LOOK_BACK,
            ~accepted_by_someone(),
            ~told,
        )
        .order_by(Commitment.due_at)
        .limit(200)
    )
    return [DueNotice(cid, gid, as_utc(due) or now) for cid, gid, due in rows.tuples()]


async def still_unaccepted(session: AsyncSession, notice: DueNotice) -> Commitment | None:
    commitment = await session.get(Commitment, notice.commitment_id, populate_existing=True)
    if (
        commitment is None
        or commitment.status not in ACTIVE
        or as_utc(commitment.due_at) != notice.due_at
    ):
        return None
    accepted = await session.scalar(
        select(CommitmentOwner.id).where(
            CommitmentOwner.commitment_id == commitment.id,
            CommitmentOwner.accepted_at.is_not(None),
        )
    )
    return None if accepted is not None else commitment


async def notice_sent(
    session: AsyncSession, notice: DueNotice, channel: str, now: datetime
) -> None:
    stmt = insert_for(session, Reminder).values(
        commitment_id=notice.commitment_id,
        kind=UNACCEPTED,
        due_at=notice.due_at,
        channel=channel,
        sent_at=now,
    )
    await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[Reminder.commitment_id, Reminder.kind, Reminder.due_at]
        )
    )


async def answerable(session: AsyncSession, commitment: Commitment, group: Group) -> list[Person]:
    """Who answers for a commitment nobody took on: whoever assigned it, then the group's
    coordinators (Minga's role, and the Telegram administrators last read) still there."""
    people: dict[int, Person] = {}
    if commitment.created_by is not None:
        assigner = await session.get(Person, commitment.created_by)
        if assigner is not None:
            people[assigner.id] = assigner
    for person in await coordinators(session, group.id):
        people.setdefault(person.id, person)
    cached = await session.get(AdminCache, group.chat_id)
    if cached is not None and cached.user_ids:
        for person in await session.scalars(
            select(Person)
            .where(Person.id.in_([int(i) for i in cached.user_ids]))
            .order_by(Person.first_name, Person.id)
        ):
            people.setdefault(person.id, person)
    return list(people.values())
