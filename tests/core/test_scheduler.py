"""The tick: due work runs once — across restarts and across two processes on one database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.core.clock import FrozenClock
from bot.core.models import ProcessedUpdate, WorkClaim
from bot.core.scheduler import TICK_JOB_NAME, Tick, claim, run_once
from tests.conftest import Bot, Database, start_bot

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def two_processes(database: Database, clock: FrozenClock) -> tuple[Bot, Bot]:
    """Two bots with engines of their own on one database, as two processes would be (on one
    clock)."""
    first = await start_bot(database.engine(), database.url, clock)
    second = await start_bot(database.engine(), database.url, clock)
    assert first.runtime.instance != second.runtime.instance
    return first, second


async def stop(*bots: Bot) -> None:
    for bot in bots:
        await bot.app.shutdown()
        await bot.engine.dispose()


async def test_two_processes_racing_run_each_piece_of_work_once(engine, database, clock) -> None:
    first, second = await two_processes(database, clock)
    done: list[tuple[str, str]] = []

    def work_for(bot: Bot):
        async def reminders(tick: Tick) -> None:
            for n in range(15):

                async def send(n: int = n) -> None:
                    await asyncio.sleep(0.001)
                    done.append((f"reminder-{n}", tick.runtime.instance))

                await run_once(tick, f"test:reminder-{n}", send)

        return reminders

    try:
        first.runtime.scheduler.add("test:reminders", work_for(first))
        second.runtime.scheduler.add("test:reminders", work_for(second))
        await asyncio.gather(
            first.tick(NOW),
            second.tick(NOW),
            second.tick(NOW),
        )
        assert sorted(name for name, _ in done) == sorted(f"reminder-{n}" for n in range(15))
        # and after a "restart", nothing runs again
        await first.tick(NOW + timedelta(minutes=1))
        assert len(done) == 15
    finally:
        await stop(first, second)


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_its_lease(bot: Bot) -> None:
    async with bot.db() as session:
        assert await claim(session, "digest:1:2026-W48", "dead-process", NOW - timedelta(hours=1))
    runs: list[int] = []

    async def send() -> int:
        runs.append(1)
        return 1

    tick = Tick(bot.runtime, NOW)
    ran, _ = await run_once(tick, "digest:1:2026-W48", send, lease=timedelta(hours=2))
    assert not ran  # still within the dead process's lease
    ran, result = await run_once(tick, "digest:1:2026-W48", send, lease=timedelta(minutes=10))
    assert ran and result == 1 and runs == [1]
    claim_row = await bot.scalar(select(WorkClaim))
    assert claim_row.owner == bot.runtime.instance and claim_row.done_at is not None


async def test_failed_work_is_released_and_tried_again(bot: Bot) -> None:
    attempts: list[str] = []

    async def flaky() -> None:
        attempts.append("try")
        if len(attempts) == 1:
            raise RuntimeError("Telegram is down")

    async def due(tick: Tick) -> None:
        await run_once(tick, "test:flaky", flaky)

    bot.runtime.scheduler.add("test:flaky", due)
    await bot.tick(NOW)  # fails, logged, released with a backoff
    await bot.tick(NOW + timedelta(seconds=30))  # too soon: not tried
    assert attempts == ["try"]
    row = await bot.scalar(select(WorkClaim).where(WorkClaim.key == "test:flaky"))
    assert row.attempts == 1 and row.owner == "" and row.done_at is None
    await bot.tick(NOW + timedelta(minutes=1))  # the backoff passed: runs
    await bot.tick(NOW + timedelta(minutes=5))  # done already
    assert attempts == ["try", "try"]


async def test_one_failing_work_does_not_stop_the_others(bot: Bot, caplog) -> None:
    seen: list[str] = []

    async def broken(tick: Tick) -> None:
        raise RuntimeError("boom")

    async def fine(tick: Tick) -> None:
        seen.append("fine")

    bot.runtime.scheduler.add("test:broken", broken)
    bot.runtime.scheduler.add("test:fine", fine)
    await bot.tick(NOW)
    assert seen == ["fine"]
    assert "due work test:broken failed" in caplog.text


async def test_handled_update_ids_are_pruned_once_a_day(bot: Bot) -> None:
    async with bot.db() as session:
        session.add_all(
            [
                ProcessedUpdate(update_id=1, processed_at=NOW - timedelta(days=5)),
                ProcessedUpdate(update_id=2, processed_at=NOW - timedelta(days=4)),
                ProcessedUpdate(update_id=3, processed_at=NOW - timedelta(hours=2)),
            ]
        )
    await bot.tick(NOW)
    assert await bot.scalars(select(ProcessedUpdate.update_id)) == [3]

    async with bot.db() as session:
        session.add(ProcessedUpdate(update_id=4, processed_at=NOW - timedelta(days=9)))
    await bot.tick(NOW + timedelta(hours=1))  # same day: done
    assert sorted(await bot.scalars(select(ProcessedUpdate.update_id))) == [3, 4]
    await bot.tick(NOW + timedelta(days=1))  # next day
    assert await bot.scalars(select(ProcessedUpdate.update_id)) == [3]


async def test_the_tick_is_scheduled_with_a_generous_misfire_grace(bot: Bot) -> None:
    await bot.app.post_init(bot.app)
    [job] = bot.app.job_queue.get_jobs_by_name(TICK_JOB_NAME)
    assert job.job.misfire_grace_time >= 600
    assert job.job.coalesce is True
    assert job.job.trigger.interval == timedelta(seconds=30)


async def test_a_redelivered_update_changes_and_sends_nothing(bot: Bot) -> None:
    from tests.conftest import ANA, NORTE, add_bot

    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    command = bot.u.command(NORTE, ANA, "/timezone America/Lima")
    await asyncio.gather(bot.feed(command), bot.feed(command))
    await bot.feed(command)
    asked = command["message"]["message_id"]
    replies = [m for m in bot.tg.sent(NORTE.id) if m.reply_to == asked]
    assert len(replies) == 1
    count = await bot.scalar(
        select(func.count()).where(ProcessedUpdate.update_id == command["update_id"])
    )
    assert count == 1


async def test_run_each_once_completes_what_was_done_and_releases_the_rest(bot: Bot) -> None:
    from bot.core.scheduler import run_each_once

    tick = Tick(bot.runtime, bot.now())

    async def half(claimed: list[int]) -> list[int]:
        return [n for n in claimed if n % 2 == 0]  # the odd ones could not be done now

    assert await run_each_once(tick, [1, 2, 3, 4], lambda n: f"test:each:{n}", half) == [2, 4]
    # a later tick gets the odd ones again, and nothing of what was done
    seen: list[int] = []

    async def fail(claimed: list[int]) -> list[int]:
        seen.extend(claimed)
        raise RuntimeError("Telegram is down")

    # the odd ones wait out their backoff; then they are claimed again, and fail (logged)
    assert await run_each_once(tick, [1, 2, 3, 4], lambda n: f"test:each:{n}", fail) == []
    assert seen == []
    later = Tick(bot.runtime, bot.now() + timedelta(minutes=1))
    assert await run_each_once(later, [1, 2, 3, 4], lambda n: f"test:each:{n}", fail) == []
    assert seen == [1, 3]
    # what failed was released: it is claimed again, after a longer backoff (2 minutes)
    bot.clock.advance(minutes=1)
    assert await run_each_once(later, [1, 3], lambda n: f"test:each:{n}", half) == []
    again = Tick(bot.runtime, bot.now() + timedelta(minutes=2))
    assert await run_each_once(again, [1, 3], lambda n: f"test:each:{n}", half) == []
    assert sorted(await bot.scalars(select(WorkClaim.attempts).where(WorkClaim.owner == ""))) == [
        3,
        3,
    ]
    done = await bot.scalars(select(WorkClaim.key).where(WorkClaim.done_at.is_not(None)))
    assert sorted(done) == ["test:each:2", "test:each:4"]
