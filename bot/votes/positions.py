"""Positions: a member's click, reason or native poll answer, and holding a vote while it counts.

The click path, the only code of the feature tuned for microseconds: its statements are built
once, at import, and a click runs as few as it can. Plain async functions of an `AsyncSession`
and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.groups.models import OBSERVER, Membership
from bot.votes.models import Position, Vote
from bot.votes.rules import BALLOT_KINDS, VoteKind
from bot.votes.views import n_options

# kinds whose positions are not taken by `cast` (a native poll's answers; ballots.py's)
NOT_CHOSEN = (VoteKind.NATIVE, *BALLOT_KINDS)
VOTE_CLOSED = N_("This vote is closed. See the result with /decisions")


@dataclass(frozen=True)
class Cast:
    kind: str
    options: tuple[str, ...]
    choices: int  # the member's position now
    changed: bool
    rendered_at: datetime | None


# Upserts as text, the same on SQLite and PostgreSQL: SQLAlchemy 2.0 cannot cache a dialect
# INSERT … ON CONFLICT and would compile it on every click. A single choice is taken only from a
# newer update than the one that set the position (Telegram's update ids grow), so two clicks
# handled out of order still leave the latest; toggles of a multi-choice poll commute.
_UPSERT = (
    "INSERT INTO positions (vote_id, person_id, choices, updated_at, update_id) "
    "VALUES (:vote_id, :person_id, :choices, :updated_at, :update_id) "
    "ON CONFLICT (vote_id, person_id) DO UPDATE SET {set}, "
    "updated_at = excluded.updated_at, update_id = excluded.update_id, "
    "reason = CASE WHEN positions.recorded_by IS NULL THEN positions.reason END, "
    "recorded_by = NULL, recorded_at = NULL "
    "{where} RETURNING choices"
)
_CHOOSE = text(
    _UPSERT.format(
        set="choices = excluded.choices",
        # a position recorded for the member by a coordinator becomes their own even when
        # they click the same option
        where="WHERE (positions.choices != excluded.choices OR positions.recorded_by IS NOT "
        "NULL) AND (positions.update_id IS NULL OR positions.update_id < excluded.update_id)",
    )
).bindparams(bindparam("updated_at", type_=DateTime(timezone=True)))
_TOGGLE = text(
    _UPSERT.format(
        set="choices = (positions.choices | excluded.choices) "
        "- (positions.choices & excluded.choices)",
        where="",
    )
).bindparams(bindparam("updated_at", type_=DateTime(timezone=True)))


_VOTE = Vote.__table__.c
# built once: a click runs it (see groups.service._KNOWN)
_CAST_VOTE = select(
    _VOTE.group_id,
    _VOTE.kind,
    _VOTE.options,
    _VOTE.multi,
    _VOTE.closed_at,
    _VOTE.rendered_at,
    _VOTE.dirty,
).where(_VOTE.id == bindparam("vote_id"))
_MARK_DIRTY = (
    update(Vote.__table__)
    .where(_VOTE.id == bindparam("vote_id"), _VOTE.dirty.is_(False))
    .values(dirty=True)
)

# What a vote's message shows and how it closes must include every position committed before.
# A refresh (which cleans the dirty flag and reads the tally) and the closing (which reads the
# tally for the decision) hold the vote alone; clicks, reasons and poll answers hold it
# together, so they never queue on each other, and a refresh or a closing waits for those in
# flight to commit (and the ones after it wait for it). On SQLite the transactions of one
# process already take turns and a writer holds the database alone from BEGIN IMMEDIATE; on
# PostgreSQL these are transaction-level advisory locks, released at commit.
_VOTE_LOCKS = 0x4D564F54  # "MVOT": the key space of this app's advisory locks on votes
_HOLD_SHARED = text("SELECT pg_advisory_xact_lock_shared(:space, CAST(:vote_id AS integer))")
_HOLD_ALONE = text("SELECT pg_advisory_xact_lock(:space, CAST(:vote_id AS integer))")


async def hold_vote(session: AsyncSession, vote_id: int, *, alone: bool = False) -> None:
    """Hold the vote until this transaction ends: `alone` for a refresh or the closing, else
    together with other clicks (PostgreSQL: an advisory lock; SQLite needs none, see above).
    It reads nothing: a caller reads the vote after holding it, so that it sees what the
    transactions it waited for committed (each statement sees what was committed before it)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            _HOLD_ALONE if alone else _HOLD_SHARED, {"space": _VOTE_LOCKS, "vote_id": vote_id}
        )


async def cast(
    session: AsyncSession,
    group_id: int,
    vote_id: int,
    person_id: int,
    option: int,
    now: datetime,
    update_id: int,
) -> Cast:
    """Take `option` as the member's position (a multi-choice poll toggles it)."""
    await hold_vote(session, vote_id)
    row = (await session.execute(_CAST_VOTE, {"vote_id": vote_id})).first()
    if row is None or row.group_id != group_id or row.kind in NOT_CHOSEN:
        raise DomainError(STALE_BUTTON)
    if row.closed_at is not None:
        raise DomainError(VOTE_CLOSED)
    if not 0 <= option < n_options(row.kind, row.options):
        raise DomainError(STALE_BUTTON)
    upserted = (
        await session.execute(
            _TOGGLE if row.multi else _CHOOSE,
            {
                "vote_id": vote_id,
                "person_id": person_id,
                "choices": 1 << option,
                "updated_at": now,
                "update_id": update_id,
            },
        )
    ).first()
    changed = upserted is not None
    if upserted is not None:
        choices: int = upserted.choices
    else:  # the same again, or an older click handled late: show what counts
        stored = await session.scalar(
            select(Position.choices).where(
                Position.vote_id == vote_id, Position.person_id == person_id
            )
        )
        choices = stored if stored is not None else 1 << option
    # The vote is held (hold_vote): a vote read as dirty cannot be cleaned by a refresh before
    # this commits, so it need not be marked again, and a burst does not queue on its row.
    if changed and not row.dirty:
        await mark_dirty(session, vote_id)
    return Cast(
        kind=row.kind,
        options=tuple(row.options),
        choices=choices,
        changed=changed,
        rendered_at=as_utc(row.rendered_at),
    )


async def mark_dirty(session: AsyncSession, vote_id: int) -> None:
    """The message shows less than the database holds. Written only when it was clean, so a
    burst of clicks does not queue on the vote's row."""
    await session.execute(_MARK_DIRTY, {"vote_id": vote_id})  # Core: no ORM bookkeeping


async def _still_open(session: AsyncSession, vote_id: int) -> bool:
    """Hold the vote (with other clicks) and see that it was not closed meanwhile."""
    if session.get_bind().dialect.name != "postgresql":
        return True  # nothing commits between this transaction's statements
    await hold_vote(session, vote_id)
    return await session.scalar(select(Vote.closed_at).where(Vote.id == vote_id)) is None


async def set_reason(
    session: AsyncSession,
    group_id: int,
    message_id: int,
    person_id: int,
    reason: str,
    now: datetime,
) -> bool:
    """A reply to an open vote's message by a member with a position: their reason (replaced).
    False when the message is no open vote or the member has no position."""
    vote_id = await session.scalar(
        select(Vote.id).where(
            Vote.group_id == group_id,
            Vote.message_id == message_id,
            Vote.closed_at.is_(None),
            Vote.kind != VoteKind.NATIVE,
        )
    )
    if vote_id is None or not await _still_open(session, vote_id):
        return False
    result = await session.execute(
        update(Position)
        .where(Position.vote_id == vote_id, Position.person_id == person_id, Position.choices != 0)
        .values(reason=reason.strip()[:1000], updated_at=now)
    )
    if result.rowcount != 1:
        return False
    await mark_dirty(session, vote_id)
    return True


async def record_native_answer(
    session: AsyncSession,
    poll_id: str,
    person_id: int,
    option_ids: list[int],
    now: datetime,
    update_id: int,
) -> int | None:
    """A `poll_answer`: the member's options (empty = retracted). The vote's group id, or None
    when the poll is not an open vote of ours."""
    row = (
        await session.execute(
            select(Vote.id, Vote.group_id, Vote.options).where(
                Vote.native_poll_id == poll_id, Vote.closed_at.is_(None)
            )
        )
    ).first()
    if row is None or not await _still_open(session, row.id):
        return None
    role = await session.scalar(
        select(Membership.role).where(
            Membership.group_id == row.group_id, Membership.person_id == person_id
        )
    )
    if role == OBSERVER:  # observers do not vote: Telegram counts their answer, Minga does not
        return None
    choices = 0
    for option in option_ids:
        if 0 <= option < len(row.options):
            choices |= 1 << option
    await session.execute(
        _CHOOSE,
        {
            "vote_id": row.id,
            "person_id": person_id,
            "choices": choices,
            "updated_at": now,
            "update_id": update_id,
        },
    )
    return row.group_id
