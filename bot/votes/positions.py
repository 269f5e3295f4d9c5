"""Positions: a member's click, reason or native poll answer, and holding a vote while it counts.

The click path, the only code of the feature tuned for microseconds: its statements are built
once, at import, and a click runs as few as it can. Plain async functions of an `AsyncSession`
and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, bindparam, column, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.groups.models import OBSERVER, Membership
from bot.votes.models import Position, Vote
from bot.votes.rules import BALLOT_KINDS, MAX_OPTIONS, PROPOSAL_OPTIONS, VoteKind
from bot.votes.views import n_options

# kinds whose positions are not taken by `cast` (a native poll's answers; ballots.py's)
NOT_CHOSEN = (VoteKind.NATIVE, *BALLOT_KINDS)
VOTE_CLOSED = N_("This vote is closed. See the result with /decisions")


@frozen
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
_VOTE = Vote.__table__.c
# built once: a click runs them (see groups.service._KNOWN)
_MARK_DIRTY = (
    update(Vote.__table__)
    .where(_VOTE.id == bindparam("vote_id"), _VOTE.dirty.is_(False))
    .values(dirty=True)
)

# A click in one statement: the position is taken from the vote's row only when the vote is
# this group's, open, one whose positions `cast` takes and has the option; a multi-choice poll
# toggles (its toggles commute), any other takes a single choice from a newer update only (see
# _UPSERT). It returns what the toast and the refresh need, with `changed` 0 when the member's
# position stays as it was (the same choice again, an older click handled late: the row is
# written with its own values, so that the same statement returns what counts), or nothing:
# then `_EXPLAIN` says why (a stale button, a closed vote).
# Subqueries in RETURNING: SQLite 3.40 here and in the image (python:3.11-slim, Debian 12).
_MULTI = "(SELECT v.multi FROM votes v WHERE v.id = excluded.vote_id)"
_TAKES_SINGLE = (
    "((positions.choices != excluded.choices OR positions.recorded_by IS NOT NULL) "
    "AND (positions.update_id IS NULL OR positions.update_id < excluded.update_id))"
)
_TAKES = f"({_MULTI} OR {_TAKES_SINGLE})"
_OF_VOTE = "(SELECT v.{column} FROM votes v WHERE v.id = positions.vote_id) AS {column}"
_CAST = (
    text(
        "INSERT INTO positions (vote_id, person_id, choices, updated_at, update_id) "
        "SELECT votes.id, :person_id, :choices, :updated_at, :update_id FROM votes "
        "WHERE votes.id = :vote_id AND votes.group_id = :group_id AND votes.closed_at IS NULL "
        "AND votes.kind NOT IN ({not_chosen}) AND CAST(:option AS integer) < CASE "
        "WHEN votes.kind = '{proposal}' THEN {proposal_options} "
        "ELSE json_array_length(votes.options) END "
        "ON CONFLICT (vote_id, person_id) DO UPDATE SET choices = CASE WHEN {multi} "
        "THEN (positions.choices | excluded.choices) - (positions.choices & excluded.choices) "
        "WHEN {takes_single} THEN excluded.choices ELSE positions.choices END, "
        "updated_at = CASE WHEN {takes} THEN excluded.updated_at ELSE positions.updated_at END, "
        "update_id = CASE WHEN {takes} THEN excluded.update_id ELSE positions.update_id END, "
        "reason = CASE WHEN {takes} AND positions.recorded_by IS NOT NULL THEN NULL "
        "ELSE positions.reason END, "
        "recorded_by = CASE WHEN {takes} THEN NULL ELSE positions.recorded_by END, "
        "recorded_at = CASE WHEN {takes} THEN NULL ELSE positions.recorded_at END "
        "RETURNING choices, CASE WHEN update_id = :update_id THEN 1 ELSE 0 END AS changed, "
        "{returning}".format(
            not_chosen=", ".join(f"'{kind}'" for kind in NOT_CHOSEN),
            proposal=VoteKind.PROPOSAL,
            proposal_options=PROPOSAL_OPTIONS,
            multi=_MULTI,
            takes_single=_TAKES_SINGLE,
            takes=_TAKES,
            returning=", ".join(
                _OF_VOTE.format(column=column)
                for column in ("kind", "options", "rendered_at", "dirty")
            ),
        )
    )
    .bindparams(bindparam("updated_at", type_=DateTime(timezone=True)))
    .columns(
        column("choices", Integer),
        column("changed", Integer),
        _VOTE.kind,
        _VOTE.options,
        _VOTE.rendered_at,
        _VOTE.dirty,
    )
)
# why `_CAST` took nothing (the rare path): the vote and the member's position
_EXPLAIN = select(
    _VOTE.group_id,
    _VOTE.kind,
    _VOTE.options,
    _VOTE.closed_at,
    select(Position.__table__.c.choices)
    .where(
        Position.__table__.c.vote_id == _VOTE.id,
        Position.__table__.c.person_id == bindparam("person_id"),
    )
    .scalar_subquery()
    .label("stored"),
).where(_VOTE.id == bindparam("vote_id"))

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


_LOCK_KEYS = range(-(2**31), 2**31)  # a key of a two-key advisory lock is a PostgreSQL integer


def shared_hold(vote_id: int) -> tuple[int, int] | None:
    """The lock `hold_vote` takes together with other clicks, for a turn to take with its claim
    (`bot.core.claims.Claim`): the same lock, one statement fewer. None for an id no vote
    can have (a forged button: nothing to hold)."""
    return (_VOTE_LOCKS, vote_id) if vote_id in _LOCK_KEYS else None


async def hold_vote(session: AsyncSession, vote_id: int, *, alone: bool = False) -> None:
    """Hold the vote until this transaction ends: `alone` for a refresh or the closing, else
    together with other clicks (PostgreSQL: an advisory lock; SQLite needs none, see above).
    It reads nothing: a caller reads the vote after holding it, so that it sees what the
    transactions it waited for committed (each statement sees what was committed before it)."""
    if session.get_bind().dialect.name == "postgresql" and vote_id in _LOCK_KEYS:
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
    *,
    held: bool = False,
) -> Cast:
    """Take `option` as the member's position (a multi-choice poll toggles it): one statement
    (after holding the vote on PostgreSQL, unless the transaction holds it already: `held`),
    changed or not, and once per refresh a second that marks the vote dirty; a stale button or
    a closed vote is a second that says which."""
    if not held:
        await hold_vote(session, vote_id)
    if not 0 <= option < max(PROPOSAL_OPTIONS, MAX_OPTIONS):  # no vote has more
        raise DomainError(STALE_BUTTON)
    params = {
        "vote_id": vote_id,
        "group_id": group_id,
        "person_id": person_id,
        "option": option,
        "choices": 1 << option,
        "updated_at": now,
        "update_id": update_id,
    }
    row = (await session.execute(_CAST, params)).first()
    if row is None:
        return await _unchanged(session, group_id, vote_id, person_id, option)
    if not row.changed:  # the same again, or an older click handled late: what counts
        return Cast(row.kind, tuple(row.options), row.choices, changed=False, rendered_at=None)
    # The vote is held (hold_vote): a vote read as dirty cannot be cleaned by a refresh before
    # this commits, so it need not be marked again, and a burst does not queue on its row.
    if not row.dirty:
        await mark_dirty(session, vote_id)
    return Cast(
        kind=row.kind,
        options=tuple(row.options),
        choices=row.choices,
        changed=True,
        rendered_at=as_utc(row.rendered_at),
    )


async def _unchanged(
    session: AsyncSession, group_id: int, vote_id: int, person_id: int, option: int
) -> Cast:
    """`_CAST` took nothing: why. A stale button or a closed vote is the member's error; else
    (it cannot be, `_CAST` returns the unchanged position) show what counts."""
    row = (await session.execute(_EXPLAIN, {"vote_id": vote_id, "person_id": person_id})).first()
    if row is None or row.group_id != group_id or row.kind in NOT_CHOSEN:
        raise DomainError(STALE_BUTTON)
    if row.closed_at is not None:
        raise DomainError(VOTE_CLOSED)
    if option >= n_options(row.kind, row.options):
        raise DomainError(STALE_BUTTON)
    return Cast(
        kind=row.kind,
        options=tuple(row.options),
        choices=row.stored if row.stored is not None else 1 << option,
        changed=False,
        rendered_at=None,
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
