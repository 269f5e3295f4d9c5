"""The tick: one repeating JobQueue job that runs every feature's due work.

Due work is a function of a `Tick`. It finds what is due from the database and claims each
piece before doing it, so that a piece runs once — also after a restart (what was missed is
still due) and with two processes on one PostgreSQL database (the claim is one atomic
statement). `run_once` is the usual way: claim a key, do the work outside any transaction,
mark it done; if the work fails the claim is released with a backoff and a later tick tries
again, and if the process dies mid-way the claim's lease runs out and another tick takes it
over. One item's failure is that item's alone: it is logged once and the others go on
(`run_once`, `run_each_once` and `for_each` catch it), so a group whose chat is gone or whose
requests hang holds back no other group.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, or_, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import insert_for
from bot.core.faults import log_failure
from bot.core.models import OutboxMessage, ProcessedUpdate, TimeQuestion, WorkClaim
from bot.core.observe import count_work
from bot.core.records import frozen

if TYPE_CHECKING:
    from telegram.ext import JobQueue

    from bot.core.runtime import Runtime

log = logging.getLogger(__name__)

T = TypeVar("T")
_CLAIM_LOCKS = 0x4D434C4D  # "MCLM": the advisory-lock key space of work claims
_TRY_CLAIM = text("SELECT pg_try_advisory_xact_lock(:space, hashtext(:key))")
TICK_JOB_NAME = "minga-tick"
DEFAULT_LEASE = timedelta(minutes=10)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_LONGEST = timedelta(minutes=30)
RELEASED = ""  # the owner of a claim given back after a failure
CLAIM_RETENTION = timedelta(days=90)
OUTBOX_RETENTION = timedelta(days=3)
QUESTION_RETENTION = timedelta(days=7)  # a question about a time, answered or not


@frozen
class Tick:
    runtime: Runtime
    now: datetime

    @classmethod
    def at_now(cls, runtime: Runtime) -> Tick:
        return cls(runtime, runtime.clock.now())


DueWork = Callable[[Tick], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    """How long failed work waits before it is tried again: 1, 2, 4… minutes, at most 30."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_LONGEST)


async def claim(
    session: AsyncSession,
    key: str,
    owner: str,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
) -> bool:
    """Take `key` for `owner`: True for exactly one caller until the work is done or released.

    A claim left undone past its lease (its process died) can be taken over; one released
    after a failure, once its backoff (`not_before`) has passed. On PostgreSQL a key another
    replica is claiming at this very moment is skipped, not waited for (a transaction-level
    advisory lock tried first): that replica either does the work or releases it for a later
    tick, so replicas' ticks share a batch instead of queueing on it.
    """
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        taken = await session.scalar(_TRY_CLAIM, {"space": _CLAIM_LOCKS, "key": key})
        if not taken:
            return False
    stmt = insert_for(session, WorkClaim).values(key=key, owner=owner, claimed_at=now)
    result = await session.execute(stmt.on_conflict_do_nothing(index_elements=[WorkClaim.key]))
    if result.rowcount == 1:
        return True
    stolen = await session.execute(
        update(WorkClaim)
        .where(
            WorkClaim.key == key,
            WorkClaim.done_at.is_(None),
            or_(WorkClaim.not_before.is_(None), WorkClaim.not_before <= now),
            or_(WorkClaim.owner == RELEASED, WorkClaim.claimed_at < now - lease),
        )
        .values(owner=owner, claimed_at=now, not_before=None)
    )
    return stolen.rowcount == 1


async def complete(session: AsyncSession, key: str, now: datetime) -> None:
    await session.execute(update(WorkClaim).where(WorkClaim.key == key).values(done_at=now))


async def release(session: AsyncSession, key: str, owner: str, now: datetime) -> None:
    """Give `key` back after a failed try: a later tick takes it once its backoff passed."""
    row = await session.get(WorkClaim, key, with_for_update=True)
    if row is None or row.owner != owner or row.done_at is not None:
        return
    row.attempts += 1
    row.owner = RELEASED
    row.not_before = now + backoff(row.attempts)


async def run_once(
    tick: Tick, key: str, work: Callable[[], Awaitable[T]], lease: timedelta = DEFAULT_LEASE
) -> tuple[bool, T | None]:
    """Run `work` once for `key` across restarts and processes. Returns (ran, result).

    A failure of `work` is this key's alone: it is logged (one line for a Telegram fault),
    the claim is released with a backoff, and (False, None) is returned so the caller goes on
    with its other items."""
    runtime = tick.runtime
    async with runtime.db() as session:
        if not await claim(session, key, runtime.instance, tick.now, lease):
            return False, None
    count_work(key, "claimed")
    try:
        result = await work()
    except BaseException as exc:
        count_work(key, "failed")
        async with runtime.db() as session:
            await release(session, key, runtime.instance, runtime.clock.now())
        if not isinstance(exc, Exception):
            raise
        log_failure(log, exc, f"{key} failed; tried again later")
        return False, None
    async with runtime.db() as session:
        await complete(session, key, runtime.clock.now())
    count_work(key, "done")
    return True, result


async def run_each_once(
    tick: Tick,
    items: Sequence[T],
    key: Callable[[T], str],
    work: Callable[[list[T]], Awaitable[Iterable[T]]],
    lease: timedelta = DEFAULT_LEASE,
) -> list[T]:
    """`run_once` for a batch: claim each item's key (one transaction), give `work` the items
    this process claimed, then mark done those it returns and release the others — all of
    them if it raises (logged once) — so a later tick tries them again after their backoff.
    Returns the items done."""
    runtime = tick.runtime
    async with runtime.db() as session:
        claimed = [i for i in items if await claim(session, key(i), runtime.instance, tick.now)]
    if not claimed:
        return []
    done: list[T] = []
    try:
        done = list(await work(claimed))
    except Exception as exc:
        log_failure(log, exc, f"{len(claimed)} items from {key(claimed[0])} failed")
    finally:
        finished, done_keys = runtime.clock.now(), {key(i) for i in done}
        async with runtime.db() as session:
            for item in claimed:
                count_work(key(item), "claimed")
                if key(item) in done_keys:
                    await complete(session, key(item), finished)
                    count_work(key(item), "done")
                else:
                    await release(session, key(item), runtime.instance, finished)
                    count_work(key(item), "failed")
    return done


async def for_each(
    items: Iterable[T], work: Callable[[T], Awaitable[Any]], what: Callable[[T], str]
) -> None:
    """`work` for each item on its own: one item's failure (a chat Telegram does not find, a
    timeout, a bug) is logged once — `what(item)` names it — and the others go on."""
    for item in items:
        try:
            await work(item)
        except Exception as exc:
            log_failure(log, exc, f"{what(item)} failed; a later tick tries again")


@dataclass
class Scheduler:
    works: dict[str, DueWork] = field(default_factory=dict)

    def add(self, name: str, work: DueWork) -> None:
        if name in self.works:
            raise ValueError(f"due work {name!r} is registered twice")
        self.works[name] = work

    async def tick(self, runtime: Runtime) -> None:
        """Run every due work once, at the runtime clock's "now"; one failing does not stop
        the others."""
        current = Tick.at_now(runtime)
        for name, work in self.works.items():
            try:
                await work(current)
            except Exception:
                log.exception("due work %s failed; the next tick tries again", name)

    def start(self, job_queue: JobQueue[Any], runtime: Runtime, interval: float) -> None:
        async def _job(_context: Any) -> None:
            await self.tick(runtime)

        job_queue.run_repeating(
            _job,
            interval=interval,
            first=1,
            name=TICK_JOB_NAME,
            # a stalled loop must not silently skip ticks: late ticks still run, merged into one
            job_kwargs={"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1},
        )


async def prune_processed_updates(tick: Tick) -> None:
    """Once a day: forget handled update ids older than the retention, and old done claims."""
    runtime = tick.runtime
    keep = timedelta(days=runtime.settings.update_retention_days)

    async def prune() -> int:
        async with runtime.db() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < tick.now - keep)
            )
            await session.execute(
                delete(WorkClaim).where(
                    or_(
                        WorkClaim.done_at < tick.now - CLAIM_RETENTION,
                        # work that kept failing until nothing asked for it any more
                        WorkClaim.not_before < tick.now - CLAIM_RETENTION,
                    )
                )
            )
            # a time's question is answered in minutes; a week on, its button is stale
            await session.execute(
                delete(TimeQuestion).where(TimeQuestion.asked_at < tick.now - QUESTION_RETENTION)
            )
            # messages sent (or given up) days ago: nothing will look at them again
            await session.execute(
                delete(OutboxMessage).where(OutboxMessage.done_at < tick.now - OUTBOX_RETENTION)
            )
            return result.rowcount

    ran, pruned = await run_once(tick, f"core:prune-updates:{tick.now.date().isoformat()}", prune)
    if ran:
        log.info("pruned %s handled update ids", pruned)
