"""What is settled stays settled: the subjects an automatic review leaves alone.

A drop with a reason is a decision, not a failure (the bot always asks why a commitment is
dropped, so a drop without a reason is a row nobody explained; it is reviewed as before).

A subject with a closed review has been reviewed: no automatic review opens on it again unless
something new happened to it, that is, it was re-planned (a new due date) after that review
closed and then failed again; such a failure gets a trigger of its own, naming the re-plan, so
it too is found once. A re-plan from a review's Try again button is a new commitment, a
subject of its own.

Everything is read from the database each time (when reviews closed, when a commitment got a
new due date), so every process, and a process after a restart, judges alike. A coordinator's
`/review` is never held back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import CommitmentEvent
from bot.core.db import as_utc
from bot.core.records import frozen
from bot.reviews.facts import COMMITMENT, CommitmentFacts, Facts, Why
from bot.reviews.models import Review, ReviewSubject

Key = tuple[str, int]  # (subject_kind, subject_id)
NEW_DUE = "due"  # commitment_history.field of a new due date: a re-plan


def is_decision(facts: Facts) -> bool:
    """A commitment dropped with a reason: the group decided, nothing failed."""
    return (
        isinstance(facts, CommitmentFacts)
        and facts.why == Why.DROPPED
        and bool((facts.reason or "").strip())
    )


@frozen
class Reviewed:
    """What the database says of some subjects' closed reviews and re-plans."""

    closed: dict[Key, datetime]  # the latest closing of a review of each subject
    replanned: dict[int, tuple[int, datetime]]  # a commitment's latest new due date: (row, at)

    def replan_after(self, key: Key) -> int | None:
        """The re-plan (its history row) that came after the subject's latest closed review;
        None if it has no closed review or nothing was re-planned since."""
        closed = self.closed.get(key)
        replan = self.replanned.get(key[1]) if key[0] == COMMITMENT else None
        if closed is None or replan is None or replan[1] <= closed:
            return None
        return replan[0]

    def settled(self, key: Key, facts: Facts, found_at: datetime) -> bool:
        """Whether an automatic review leaves alone a subject found at `found_at` (a finder's
        is found now): a decision; or a subject with a review that closed after it was found,
        or with one no re-plan came after."""
        if is_decision(facts):
            return True
        closed = self.closed.get(key)
        if closed is None:
            return False
        return closed >= found_at or self.replan_after(key) is None

    def trigger(self, key: Key, trigger: str) -> str:
        """A finder's trigger, naming the re-plan after a closed review if there is one: the
        failure of a new plan is found once, like the first."""
        replan = self.replan_after(key)
        return trigger if replan is None else f"{trigger}:replan{replan}"


async def reviewed(session: AsyncSession, keys: Iterable[Key]) -> Reviewed:
    """The closed reviews and re-plans of these subjects, in two queries at most."""
    wanted = set(keys)
    if not wanted:
        return Reviewed({}, {})
    rows = await session.execute(
        select(ReviewSubject.subject_kind, ReviewSubject.subject_id, func.max(Review.closed_at))
        .join(Review, Review.id == ReviewSubject.review_id)
        .where(
            Review.closed_at.is_not(None),
            ReviewSubject.subject_id.in_({subject_id for _, subject_id in wanted}),
        )
        .group_by(ReviewSubject.subject_kind, ReviewSubject.subject_id)
    )
    closed = {
        (kind, subject_id): as_utc(moment)
        for kind, subject_id, moment in rows.tuples()
        if (kind, subject_id) in wanted
    }
    ids = [subject_id for kind, subject_id in closed if kind == COMMITMENT]
    if not ids:
        return Reviewed(closed, {})
    # the rows and their moments grow together (one clock): the latest row is the latest re-plan
    rows = await session.execute(
        select(
            CommitmentEvent.commitment_id,
            func.max(CommitmentEvent.id),
            func.max(CommitmentEvent.at),
        )
        .where(CommitmentEvent.commitment_id.in_(ids), CommitmentEvent.field == NEW_DUE)
        .group_by(CommitmentEvent.commitment_id)
    )
    replanned = {
        commitment_id: (row, as_utc(moment)) for commitment_id, row, moment in rows.tuples()
    }
    return Reviewed(closed, replanned)


async def forget_settled(session: AsyncSession, group_id: int) -> None:
    """Forget the group's waiting subjects that got settled while they waited (a review of them
    closed, say): the finders will not find them again, as they judge alike."""
    waiting = list(
        await session.scalars(
            select(ReviewSubject).where(
                ReviewSubject.group_id == group_id, ReviewSubject.review_id.is_(None)
            )
        )
    )
    known = await reviewed(session, [(s.subject_kind, s.subject_id) for s in waiting])
    settled = [
        s.id
        for s in waiting
        if known.settled((s.subject_kind, s.subject_id), s.details, as_utc(s.found_at))
    ]
    if settled:
        await session.execute(
            delete(ReviewSubject)
            .where(ReviewSubject.id.in_(settled), ReviewSubject.review_id.is_(None))
            .execution_options(synchronize_session=False)
        )
