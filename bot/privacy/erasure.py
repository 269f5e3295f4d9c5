"""/forgetme: a person becomes a tombstone, in one transaction.

The person's row is replaced by a tombstone under a fresh negative id (Telegram user ids are
positive): every column that holds their id (`schema.person_columns`: foreign keys to
`persons.id` and the columns marked as a person's) moves to it, then the row with their
Telegram id is deleted. So positions still count in decisions' totals, memberships and
history keep their shape, and no row keeps their Telegram id; a later message from the same
account registers a new person.

Then what is theirs alone goes: their profile (organization, sector, expectations), offered
resources, the reasons they gave in votes, their review answers, their time questions. Their
open commitments lose them as owner. Last, every string and JSON column of every table is
searched for copies of their name, @username and Telegram id (history rows, the facts of
review subjects, a kept update, free text others wrote) and those are replaced: names by the
tombstone's label, the id by the tombstone's id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, Text, cast, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.actors.models import OfferedResource, Profile, ProfileForm
from bot.commitments.kinds import ACTIVE
from bot.commitments.models import Commitment, CommitmentEvent, CommitmentOwner
from bot.core.models import OutboxMessage, TimeQuestion
from bot.core.records import frozen
from bot.groups.models import COORDINATOR, MEMBER, Group, Membership, Person
from bot.privacy import schema
from bot.reviews.models import ReviewAnswer
from bot.votes.models import Position


@dataclass
class GroupNote:
    """What a group's coordinators are told once: the open commitments that lost the erased
    person as owner (`orphaned`: those left with no owner at all), and whether the group
    has no Minga coordinator any more."""

    chat_id: int
    language: str
    active: bool
    unassigned: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    no_coordinator: bool = False


@frozen
class Erasure:
    tombstone_id: int
    groups: list[GroupNote]


async def erase(
    session: AsyncSession, person_id: int, now: datetime, *, label: str
) -> Erasure | None:
    """Replace the person by a tombstone; None if there is no such person (or they are one)."""
    found = (
        await session.execute(
            select(Person.first_name, Person.last_name, Person.username).where(
                Person.id == person_id, Person.erased_at.is_(None)
            )
        )
    ).one_or_none()
    if found is None:
        return None
    first, last, username = found
    tomb = await _tombstone(session, now)
    for table in schema.tables():
        for column in schema.person_columns(table):
            await session.execute(
                update(table).where(column == person_id).values({column.name: tomb})
            )
    await session.execute(delete(Person).where(Person.id == person_id))
    # what the bot sent or was about to send to their private chat (its id is theirs)
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == person_id))

    notes = await _leave_groups(session, tomb, now, first, label)
    await _forget_own_words(session, tomb)
    terms = [t for t in (" ".join(p for p in (first, last) if p), username) if t]
    await scrub(session, terms, person_id, tomb, label)
    return Erasure(tomb, notes)


async def _tombstone(session: AsyncSession, now: datetime) -> int:
    """A new tombstone row: the id below the lowest; taken again if another erasure took
    the same one at the same time (PostgreSQL)."""
    for _ in range(5):
        lowest = await session.scalar(select(func.min(Person.id)))
        tomb = min(lowest or 0, 0) - 1
        try:
            async with session.begin_nested():
                await session.execute(
                    insert(Person).values(
                        id=tomb, first_name="", created_at=now, updated_at=now, erased_at=now
                    )
                )
        except IntegrityError:
            continue
        return tomb
    raise RuntimeError("no tombstone id could be taken")


async def _leave_groups(
    session: AsyncSession, tomb: int, now: datetime, first_name: str, label: str
) -> list[GroupNote]:
    rows = (
        await session.execute(
            select(Membership, Group.chat_id, Group.language, Group.active)
            .join(Group, Group.id == Membership.group_id)
            .where(Membership.person_id == tomb)
            .order_by(Group.id)
        )
    ).all()
    notes: dict[int, GroupNote] = {}
    for membership, chat_id, language, active in rows:
        note = notes[membership.group_id] = GroupNote(chat_id, language, active)
        was_coordinator = membership.role == COORDINATOR and membership.left_at is None
        membership.role = MEMBER
        membership.left_at = membership.left_at or now
        await session.flush()
        if was_coordinator:
            others = await session.scalar(
                select(func.count(Membership.id)).where(
                    Membership.group_id == membership.group_id,
                    Membership.role == COORDINATOR,
                    Membership.left_at.is_(None),
                )
            )
            note.no_coordinator = not others

    # their open commitments, in a few statements whatever their number
    owned = (
        await session.execute(
            select(Commitment.id, Commitment.group_id, Commitment.number)
            .join(CommitmentOwner, CommitmentOwner.commitment_id == Commitment.id)
            .where(CommitmentOwner.person_id == tomb, Commitment.status.in_(ACTIVE))
            .order_by(Commitment.group_id, Commitment.number)
        )
    ).all()
    ids = [row.id for row in owned]
    owners: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await session.execute(
            select(CommitmentOwner.commitment_id, Person.id, Person.first_name)
            .join(Person, Person.id == CommitmentOwner.person_id)
            .where(CommitmentOwner.commitment_id.in_(chunk))
            .order_by(CommitmentOwner.id)
        )
        for commitment_id, pid, name in rows.all():
            owners[commitment_id].append((pid, name or label))
        await session.execute(
            delete(CommitmentOwner).where(
                CommitmentOwner.commitment_id.in_(chunk), CommitmentOwner.person_id == tomb
            )
        )
        await session.execute(
            update(Commitment).where(Commitment.id.in_(chunk)).values(updated_at=now)
        )
    events = []
    for commitment_id, group_id, number in owned:
        names = [label if pid == tomb else name for pid, name in owners[commitment_id]]
        left = [name for pid, name in owners[commitment_id] if pid != tomb]
        events.append(
            {
                "commitment_id": commitment_id,
                "person_id": None,
                "at": now,
                "field": "owners",
                "old": ", ".join(names),
                "new": ", ".join(left),
            }
        )
        note = notes.setdefault(group_id, GroupNote(0, "es", False))
        note.unassigned.append(number)
        if not left:
            note.orphaned.append(number)
    if events:
        await session.execute(insert(CommitmentEvent), events)

    # the owners' names copied in history rows are first names only ("Ana, Luis")
    history = await session.scalars(
        select(CommitmentEvent)
        .join(Commitment, Commitment.id == CommitmentEvent.commitment_id)
        .where(
            Commitment.group_id.in_(list(notes)),
            CommitmentEvent.field == "owners",
            or_(CommitmentEvent.old.contains(first_name), CommitmentEvent.new.contains(first_name)),
        )
    )
    for event in history:
        event.old = _swap_names(event.old, first_name, label)
        event.new = _swap_names(event.new, first_name, label)
    await session.flush()
    return list(notes.values())


def _swap_names(names: str | None, first_name: str, label: str) -> str | None:
    if not names:
        return names
    return ", ".join(label if n == first_name else n for n in names.split(", "))


async def _forget_own_words(session: AsyncSession, tomb: int) -> None:
    """What is theirs alone: their profile and offers, reasons, review answers, questions."""
    for model in (Profile, OfferedResource, ProfileForm, ReviewAnswer):
        await session.execute(delete(model).where(model.person_id == tomb))
    await session.execute(delete(TimeQuestion).where(TimeQuestion.user_id == tomb))
    await session.execute(update(Position).where(Position.person_id == tomb).values(reason=None))


# -- copies of the name and the id anywhere ------------------------------------------------


def replacer(terms: list[str], person_id: int, tomb: int, label: str) -> Callable[[str], str]:
    """A function that replaces the person's names and @username by `label`, and their
    Telegram id by the tombstone's, as whole words."""
    words = sorted(
        {t for t in terms if t} | {f"@{t}" for t in terms if t and " " not in t}, key=len
    )
    names = re.compile(
        r"(?<![\w@])(?:" + "|".join(re.escape(w) for w in reversed(words)) + r")(?!\w)",
        re.IGNORECASE,
    )
    number = re.compile(rf"(?<!\d){person_id}(?!\d)")

    def replace(text: str) -> str:
        return number.sub(str(tomb), names.sub(label, text))

    return replace


def _deep(value: Any, replace: Callable[[str], str], person_id: int, tomb: int) -> Any:
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return tomb if value == person_id else value
    if isinstance(value, list):
        return [_deep(v, replace, person_id, tomb) for v in value]
    if isinstance(value, dict):
        return {replace(k): _deep(v, replace, person_id, tomb) for k, v in value.items()}
    return value


def _needles(terms: list[str], person_id: int, as_json: bool) -> list[str]:
    needles = [t.lower() for t in terms] + [str(person_id)]
    if as_json:  # JSON is stored with non-ASCII letters escaped ("Jo\u00e3o")
        needles += [json.dumps(t.lower())[1:-1] for t in terms]
    return sorted(set(needles))


async def scrub(
    session: AsyncSession, terms: list[str], person_id: int, tomb: int, label: str
) -> int:
    """Replace copies of the person's names and id in every string and JSON column of every
    table (but `persons`, whose other rows are other people). Returns the rows changed."""
    replace = replacer(terms, person_id, tomb, label)
    changed = 0
    for table in schema.tables():
        if table.name == schema.PERSONS:
            continue
        for column in schema.text_columns(table):
            changed += await _scrub_column(session, table, column, terms, person_id, tomb, replace)
    return changed


async def _scrub_column(
    session: AsyncSession,
    table: Table,
    column: Any,
    terms: list[str],
    person_id: int,
    tomb: int,
    replace: Callable[[str], str],
) -> int:
    as_json = schema.is_json(column.type)
    searched = func.lower(cast(column, Text)) if as_json else func.lower(column)
    keys = list(table.primary_key.columns)
    query = select(*keys, column).where(
        or_(*(searched.contains(n, autoescape=True) for n in _needles(terms, person_id, as_json)))
    )
    changed = 0
    for row in (await session.execute(query)).all():
        value = row[-1]
        new = _deep(value, replace, person_id, tomb) if as_json else replace(value)
        if new == value:
            continue
        where = [key == row[i] for i, key in enumerate(keys)]
        await session.execute(update(table).where(*where).values({column.name: new}))
        changed += 1
    return changed
