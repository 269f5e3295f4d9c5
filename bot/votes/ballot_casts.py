"""Ranked and score ballots: a member's tap on a ranked or score poll (the ballot is kept in
`positions.choices`, see `ballots`).

One position per (vote, member) is the database's (a unique constraint); each change is one
conditional statement, so a double click, a replayed update or two taps at the same moment
change the ballot once. Plain async functions of an `AsyncSession` and plain values; nothing
here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.records import frozen
from bot.votes import ballots
from bot.votes.models import Position, Vote
from bot.votes.positions import VOTE_CLOSED, hold_vote, mark_dirty
from bot.votes.rules import VoteKind


@frozen
class Ballot:
    options: tuple[str, ...]
    choices: int  # the member's ballot now
    changed: bool
    rendered_at: datetime | None


@frozen
class _Open:
    options: tuple[str, ...]
    dirty: bool
    rendered_at: datetime | None


async def _open_vote(
    session: AsyncSession, group_id: int, vote_id: int, kind: VoteKind, option: int | None
) -> _Open:
    """Hold the vote (with other taps) and check that the button is one of its own."""
    await hold_vote(session, vote_id)
    row = (
        await session.execute(
            select(
                Vote.group_id, Vote.kind, Vote.options, Vote.closed_at, Vote.dirty, Vote.rendered_at
            ).where(Vote.id == vote_id)
        )
    ).first()
    if row is None or row.group_id != group_id or row.kind != kind:
        raise DomainError(STALE_BUTTON)
    if row.closed_at is not None:
        raise DomainError(VOTE_CLOSED)
    if option is not None and not 0 <= option < len(row.options):
        raise DomainError(STALE_BUTTON)
    return _Open(tuple(row.options), row.dirty, as_utc(row.rendered_at))


async def _stored(session: AsyncSession, vote_id: int, person_id: int) -> int | None:
    return await session.scalar(
        select(Position.choices).where(Position.vote_id == vote_id, Position.person_id == person_id)
    )


async def _changed(session: AsyncSession, vote_id: int, vote: _Open, choices: int) -> Ballot:
    if not vote.dirty:
        await mark_dirty(session, vote_id)
    return Ballot(vote.options, choices, True, vote.rendered_at)


async def rank(
    session: AsyncSession,
    group_id: int,
    vote_id: int,
    person_id: int,
    option: int,
    now: datetime,
    update_id: int,
) -> Ballot:
    """Put `option` last in the member's order; an option already in it changes nothing.

    A compare-and-set: the new order is written only over the one it was made from, so two
    taps at the same moment (PostgreSQL: the second waits for the first to commit, then finds
    the order changed) are both appended, in turn, and a double tap once."""
    vote = await _open_vote(session, group_id, vote_id, VoteKind.RANKED, option)
    values = {"updated_at": now, "update_id": update_id, "recorded_by": None}
    for _attempt in range(ballots.MAX_BALLOT_OPTIONS + 2):
        current = await _stored(session, vote_id, person_id)
        if current is not None and option in ballots.ranking_of(current):
            return Ballot(vote.options, current, False, vote.rendered_at)
        new = ballots.appended(current or 0, option)
        if current is None:
            result = await session.execute(
                insert_for(session, Position)
                .values(vote_id=vote_id, person_id=person_id, choices=new, **values)
                .on_conflict_do_nothing()
            )
        else:
            result = await session.execute(
                update(Position)
                .where(
                    Position.vote_id == vote_id,
                    Position.person_id == person_id,
                    Position.choices == current,
                )
                .values(choices=new, **values)
            )
        if result.rowcount == 1:
            return await _changed(session, vote_id, vote, new)
    raise DomainError(STALE_BUTTON)  # pragma: no cover - the order changed under every try


async def start_over(
    session: AsyncSession, group_id: int, vote_id: int, person_id: int, now: datetime
) -> Ballot:
    """Clear the member's order (their position becomes none; a reason is kept)."""
    vote = await _open_vote(session, group_id, vote_id, VoteKind.RANKED, None)
    result = await session.execute(
        update(Position)
        .where(Position.vote_id == vote_id, Position.person_id == person_id, Position.choices != 0)
        .values(choices=0, updated_at=now, recorded_by=None, recorded_at=None)
    )
    if result.rowcount != 1:
        return Ballot(vote.options, 0, False, vote.rendered_at)
    return await _changed(session, vote_id, vote, 0)


# Option i's digit (10**i) set to score + 1 in one statement: taps on different options
# commute, a tap with the same score changes nothing (and RETURNs nothing).
_SCORE = text(
    "INSERT INTO positions (vote_id, person_id, choices, updated_at, update_id) "
    "VALUES (:vote_id, :person_id, CAST(:digit AS integer) * CAST(:place AS integer), "
    ":updated_at, :update_id) "
    "ON CONFLICT (vote_id, person_id) DO UPDATE SET "
    "choices = positions.choices "
    "- (positions.choices / CAST(:place AS integer) % 10) * CAST(:place AS integer) "
    "+ CAST(:digit AS integer) * CAST(:place AS integer), "
    "updated_at = excluded.updated_at, update_id = excluded.update_id, "
    "recorded_by = NULL, recorded_at = NULL "
    "WHERE positions.choices / CAST(:place AS integer) % 10 != CAST(:digit AS integer) "
    "RETURNING choices"
).bindparams(bindparam("updated_at", type_=DateTime(timezone=True)))


async def score(
    session: AsyncSession,
    group_id: int,
    vote_id: int,
    person_id: int,
    option: int,
    value: int,
    now: datetime,
    update_id: int,
) -> Ballot:
    """Give `option` the score `value` (replacing the member's earlier one); -1 only reads."""
    vote = await _open_vote(session, group_id, vote_id, VoteKind.SCORE, option)
    if value == -1:
        return Ballot(vote.options, await _stored(session, vote_id, person_id) or 0, False, None)
    if not ballots.MIN_SCORE <= value <= ballots.MAX_SCORE:
        raise DomainError(STALE_BUTTON)
    upserted = (
        await session.execute(
            _SCORE,
            {
                "vote_id": vote_id,
                "person_id": person_id,
                "digit": value + 1,
                "place": 10**option,
                "updated_at": now,
                "update_id": update_id,
            },
        )
    ).first()
    if upserted is None:
        stored = await _stored(session, vote_id, person_id) or 0
        return Ballot(vote.options, stored, False, vote.rendered_at)
    return await _changed(session, vote_id, vote, upserted.choices)
