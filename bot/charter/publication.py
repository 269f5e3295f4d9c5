"""How a new version of the charter reaches the chat, once: the board's outbox.

Every new version — by a coordinator's command or by a passed vote (`AMENDMENT_PASSED`) — marks
the group's board due in the transaction that makes it (`mark_due`). Whoever shows it (the
turn after its commit, a short JobQueue job after a vote, or the tick after a restart) first
claims the board with one conditional UPDATE, a lease of `LEASE`, so that one process at a time
shows a group's changes; `finish` clears what it showed, `release` gives the claim back when
Telegram failed, and a later tick tries again. A process that dies holding the claim loses it
when the lease runs out.

Showing a version is two things, each recorded as soon as it is done, so a retry does not
repeat it: the pinned rules follow the new version, and one notice asks the members to accept
it — the members who accepted the version before the changes are named in it. Changes close
together share one notice (`COALESCE`): the last one is edited while it is recent and nobody
has accepted the version it shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.charter.models import CharterAcceptance, CharterBoard, CharterVersion
from bot.core.db import as_utc, insert_for
from bot.core.people import person_name
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person

LEASE = timedelta(minutes=2)  # a process showing a version holds the board this long at most
# changes this close to the last notice edit it (if nobody accepted it yet) instead of posting
# another: a coordinator writing the rules during setup makes one message, not six
COALESCE = timedelta(minutes=5)


async def board(session: AsyncSession, group_id: int) -> CharterBoard:
    stmt = insert_for(session, CharterBoard).values(group_id=group_id)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[CharterBoard.group_id]))
    found = await session.get(CharterBoard, group_id)
    assert found is not None
    return found


async def _set(session: AsyncSession, group_id: int, **values: object) -> None:
    await session.execute(
        update(CharterBoard).where(CharterBoard.group_id == group_id).values(**values)
    )


async def record_pin(session: AsyncSession, group_id: int, message_id: int, number: int) -> None:
    await board(session, group_id)
    await _set(session, group_id, pinned_message_id=message_id, pinned_version=number)


async def forget_pin(session: AsyncSession, group_id: int) -> None:
    """The bot could not pin the charter: no pinned message to keep current (/rules tries
    again)."""
    await _set(session, group_id, pinned_message_id=None, pinned_version=None)


async def claim_pin_hint(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """True once per group: the first time the bot could not pin, it says how to allow it."""
    await board(session, group_id)
    result = await session.execute(
        update(CharterBoard)
        .where(CharterBoard.group_id == group_id, CharterBoard.pin_hint_at.is_(None))
        .values(pin_hint_at=now)
    )
    return result.rowcount == 1


# -- the outbox -----------------------------------------------------------------------------


async def mark_due(session: AsyncSession, group_id: int, number: int) -> None:
    """Version `number` is new: it is to be shown (in this transaction, with the version)."""
    await board(session, group_id)
    first = CharterBoard.due_version.is_(None)
    await _set(
        session,
        group_id,
        due_base=case((first, number - 1), else_=CharterBoard.due_base),
        due_version=case(
            (or_(first, CharterBoard.due_version < number), number),
            else_=CharterBoard.due_version,
        ),
    )


def _free(now: datetime):
    return and_(
        CharterBoard.due_version.is_not(None),
        or_(CharterBoard.publishing_at.is_(None), CharterBoard.publishing_at < now - LEASE),
    )


async def claim(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Take the group's board to show what is due: True for one process at a time."""
    result = await session.execute(
        update(CharterBoard)
        .where(CharterBoard.group_id == group_id, _free(now))
        .values(publishing_at=now)
    )
    return result.rowcount == 1


async def release(session: AsyncSession, group_id: int) -> None:
    await _set(session, group_id, publishing_at=None)


async def finish(session: AsyncSession, group_id: int, number: int | None) -> None:
    """Version `number` is shown: nothing is due unless a newer version came meanwhile
    (None: nothing is to be shown any more, the group is gone)."""
    shown = true() if number is None else CharterBoard.due_version <= number
    await _set(
        session,
        group_id,
        publishing_at=None,
        due_version=case((shown, None), else_=CharterBoard.due_version),
        due_base=case((shown, None), else_=CharterBoard.due_base),
    )


async def due_groups(session: AsyncSession, now: datetime) -> list[int]:
    """Groups with a version still to show and nobody showing it (the tick's sweep)."""
    rows = await session.scalars(
        select(CharterBoard.group_id)
        .join(Group, Group.id == CharterBoard.group_id)
        .where(_free(now), Group.active.is_(True))
    )
    return list(rows)


async def record_notice(
    session: AsyncSession, group_id: int, message_id: int, number: int, base: int, at: datetime
) -> None:
    await _set(
        session,
        group_id,
        notice_message_id=message_id,
        notice_version=number,
        notice_base=base,
        notice_at=at,
    )


# -- what to show ------------------------------------------------------------------------


@frozen
class Change:
    """One version's change, as the notice names it."""

    change: str  # goals | schedule | methods | rule_added | rule_removed
    detail: str
    author: str | None  # the author's name
    by_vote: bool


@frozen
class Publication:
    """What showing the group's newest version takes, read in one transaction."""

    group: Group
    version: CharterVersion
    pinned_message_id: int | None
    pin_due: bool  # the pinned rules show an older version
    notice_due: bool  # no notice shows this version yet
    edit_notice: int | None  # the recent, unaccepted notice to edit instead of posting one
    notice_at: datetime | None  # when the notice to edit was posted
    base: int  # the version before the changes the notice names
    changes: list[Change]
    ask: list[Person]  # current members who accepted `base` and not this version


def coalesces(board: CharterBoard, accepted: int, now: datetime) -> bool:
    """The last notice takes the new changes: it is recent and nobody accepted its version."""
    at = as_utc(board.notice_at)
    recent = at is not None and at >= now - COALESCE
    return board.notice_message_id is not None and recent and accepted == 0


async def publication(session: AsyncSession, group_id: int, now: datetime) -> Publication | None:
    """What showing the group's newest version takes now (None: nothing to show it in)."""
    group = await session.get(Group, group_id)
    found = await session.get(CharterBoard, group_id)
    version = await session.scalar(
        select(CharterVersion)
        .where(CharterVersion.group_id == group_id)
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )
    if group is None or found is None or version is None:
        return None
    base = found.due_base if found.due_base is not None else version.number - 1
    edit = None
    if found.notice_version != version.number and found.notice_version is not None:
        accepted = await _accepted(session, group_id, found.notice_version)
        if coalesces(found, accepted, now) and found.notice_base is not None:
            edit, base = found.notice_message_id, found.notice_base
    return Publication(
        group=group,
        version=version,
        pinned_message_id=found.pinned_message_id,
        pin_due=found.pinned_message_id is not None and found.pinned_version != version.number,
        notice_due=found.notice_version != version.number,
        edit_notice=edit,
        notice_at=as_utc(found.notice_at) if edit else None,
        base=base,
        changes=await _changes(session, group_id, base, version.number),
        ask=await _to_ask(session, group_id, base, version.id),
    )


async def _accepted(session: AsyncSession, group_id: int, number: int) -> int:
    return await session.scalar(
        select(func.count())
        .select_from(CharterAcceptance)
        .join(CharterVersion, CharterVersion.id == CharterAcceptance.version_id)
        .where(CharterVersion.group_id == group_id, CharterVersion.number == number)
    )


async def _changes(session: AsyncSession, group_id: int, base: int, number: int) -> list[Change]:
    rows = await session.execute(
        select(CharterVersion, Person)
        .outerjoin(Person, Person.id == CharterVersion.author_id)
        .where(
            CharterVersion.group_id == group_id,
            CharterVersion.number > base,
            CharterVersion.number <= number,
        )
        .order_by(CharterVersion.number)
    )
    return [
        Change(
            v.change,
            v.change_detail,
            person_name(p.first_name, p.last_name) if p else None,
            v.by_vote,
        )
        for v, p in rows.tuples()
    ]


async def _to_ask(session: AsyncSession, group_id: int, base: int, version_id: int) -> list[Person]:
    """Current members who accepted version `base`, and not yet version `version_id`."""

    def accepted(condition):
        return exists().where(CharterAcceptance.person_id == Person.id, condition)

    previous = select(CharterVersion.id).where(
        CharterVersion.group_id == group_id, CharterVersion.number == base
    )
    query = (
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.group_id == group_id,
            Membership.left_at.is_(None),
            accepted(CharterAcceptance.version_id.in_(previous)),
            ~accepted(CharterAcceptance.version_id == version_id),
        )
        .order_by(Person.first_name, Person.id)
    )
    return list(await session.scalars(query))
