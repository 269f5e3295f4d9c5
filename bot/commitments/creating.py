"""Creating a commitment: its number taken in the INSERT, its owners in one INSERT that returns
what its first card shows, its resources and the first row of its history. Later changes are
`changes.py`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, TextClause, bindparam, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.grammar import OwnerSpec, ResourceSpec, clean_text
from bot.commitments.kinds import Status
from bot.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentResource,
)
from bot.core.db import insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen

MAX_OWNERS = 10


@frozen
class NewOwner:
    """An owner of a commitment just made, as its card shows them."""

    person_id: int
    first_name: str
    last_name: str | None
    accepted: bool
    present: bool  # a member of the group now


@frozen
class Created:
    """A new commitment with its owners (in the order given) and resources, as stored: what
    its first card shows, without reading them back."""

    commitment: Commitment
    owners: list[NewOwner]
    resources: list[ResourceSpec]


_PRIOR = Commitment.__table__.alias("prior")
# On PostgreSQL, the commitments of one group being created at once take their numbers in
# turn: each holds this lock from just before its INSERT to its commit, so the INSERT's
# statement sees every number taken before it. Without it, a burst of /commit in one group
# (bench/faults.py: 100 at once, 16 handled together) could lose the race five times running.
_NUMBERS = 0x434D4E4F  # "CMNO": the key space of this app's advisory locks on numbering
_TAKE_NUMBER = text("SELECT pg_advisory_xact_lock(:space, CAST(:key AS integer))")
_RESOURCES, _HISTORY = CommitmentResource.__table__, CommitmentEvent.__table__


@functools.cache
def _insert_owners(count: int) -> TextClause:
    """The owners' INSERT for `count` owners, returning what `service.owners_of` would read
    back: each one's name and whether they are a member of the group now. As text: SQLAlchemy
    renders RETURNING's columns unqualified, so a subquery there would be ambiguous.
    Subqueries in RETURNING: SQLite 3.35 and later (see votes.positions). No `IS NULL` on the
    new row's columns there: SQLite 3.40 answers `accepted_at IS NOT NULL` wrongly in this
    RETURNING (true for every row), so `accepted_at` comes back as it is."""
    rows = ", ".join(f"(:commitment_id, :person_{n}, :accepted_{n}, :now)" for n in range(count))
    return text(
        "INSERT INTO commitment_owners (commitment_id, person_id, accepted_at, added_at) "
        f"VALUES {rows} RETURNING id, person_id, accepted_at, "
        "(SELECT p.first_name FROM persons p WHERE p.id = commitment_owners.person_id) "
        "AS first_name, "
        "(SELECT p.last_name FROM persons p WHERE p.id = commitment_owners.person_id) "
        "AS last_name, "
        "EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = commitment_owners.person_id "
        "AND m.group_id = :group_id AND m.left_at IS NULL) AS present"
    ).bindparams(
        bindparam("now", type_=DateTime(timezone=True)),
        *(bindparam(f"accepted_{n}", type_=DateTime(timezone=True)) for n in range(count)),
    )


async def create_commitment(session: AsyncSession, *args: Any, **kwargs: Any) -> Commitment:
    """A new commitment with the next number of its group (`create`'s arguments: `owners` are
    person ids, accepted, or `OwnerSpec`s, a pending owner must accept). For votes, meeting
    minutes, calls and reviews, which need only the commitment."""
    return (await create(session, *args, **kwargs)).commitment


async def create(
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
) -> Created:
    """A new commitment with its owners and resources as stored (for its first card).

    The number is taken in the INSERT itself (the group's highest plus one), after the group's
    numbering lock on PostgreSQL (`_TAKE_NUMBER`; on SQLite writers queue); should another
    commitment take it at the same moment all the same, ON CONFLICT DO NOTHING returns no row,
    the transaction goes on, and the next attempt reads the number that one committed. Then
    the owners in one INSERT that returns their names and whether they are members, the
    resources in one, and the history's first row."""
    text = clean_text(text)
    specs: dict[int, OwnerSpec] = {}
    for owner in owners:
        spec = owner if isinstance(owner, OwnerSpec) else OwnerSpec(owner)
        specs.setdefault(spec.person_id, spec)
    if not specs:
        raise ValueError("a commitment needs at least one owner")
    if len(specs) > MAX_OWNERS:
        raise DomainError(N_("At most {limit} owners per commitment, please."), limit=MAX_OWNERS)
    next_number = (
        select(func.coalesce(func.max(_PRIOR.c.number), 0) + 1)
        .where(_PRIOR.c.group_id == group_id)
        .scalar_subquery()
    )
    stmt = (
        insert_for(session, Commitment)
        .values(
            group_id=group_id,
            number=next_number,
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
        .on_conflict_do_nothing(index_elements=[Commitment.group_id, Commitment.number])
        .returning(Commitment)
    )
    if session.get_bind().dialect.name == "postgresql":
        key = group_id % 2**31  # a shared key of two groups only makes them take turns
        await session.execute(_TAKE_NUMBER, {"space": _NUMBERS, "key": key})
    for _ in range(5):
        commitment = (await session.scalars(stmt)).first()
        if commitment is not None:
            break
    else:  # five times in a row another commitment took the number first: the turn fails
        raise RuntimeError(f"no number for a new commitment of group {group_id}")
    values: dict[str, object] = {"commitment_id": commitment.id, "group_id": group_id, "now": now}
    for n, spec in enumerate(specs.values()):
        values[f"person_{n}"] = spec.person_id
        values[f"accepted_{n}"] = now if spec.accepted else None
    rows = await session.execute(_insert_owners(len(specs)), values)
    stored = [
        NewOwner(
            row.person_id,
            row.first_name,
            row.last_name,
            row.accepted_at is not None,
            bool(row.present),
        )
        for row in sorted(rows, key=lambda row: row.id)  # the order owners_of reads
    ]
    if resources:
        await session.execute(
            insert(_RESOURCES).values(
                [
                    {
                        "commitment_id": commitment.id,
                        "type": resource.type,
                        "description": resource.description,
                        "quantity": resource.quantity,
                    }
                    for resource in resources
                ]
            )
        )
    await session.execute(
        insert(_HISTORY).values(
            commitment_id=commitment.id,
            person_id=created_by,
            at=now,
            field="created",
            old=None,
            new=Status.OPEN,
            reason=None,
        )
    )
    return Created(commitment, stored, list(resources))
