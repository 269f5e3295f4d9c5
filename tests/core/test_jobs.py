"""Jobs still running at shutdown (the tick waiting on Telegram) stop cleanly: one INFO line,
their claims given back, and no traceback in the log (issue 18)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import select

from bot.core.models import WorkClaim
from bot.core.scheduler import RELEASED, TICK_JOB_NAME, Tick, run_once
from tests.conftest import Bot


async def test_a_tick_still_running_at_shutdown_stops_with_one_line_and_no_traceback(
    bot: Bot, caplog
) -> None:
    started, never = asyncio.Event(), asyncio.Event()

    async def hangs() -> None:  # a request Telegram never answers
        started.set()
        await never.wait()

    async def due(tick: Tick) -> None:
        await run_once(tick, "test:hangs", hangs)

    bot.runtime.scheduler.add("test:hangs", due)

    async def tick(_context: object) -> None:
        await bot.runtime.scheduler.tick(bot.runtime)

    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(tick, when=0, name=TICK_JOB_NAME)
    await bot.app.start()
    await asyncio.wait_for(started.wait(), 5)
    caplog.clear()
    # as `minga run` stops the Application: within a budget
    with caplog.at_level(logging.INFO), contextlib.suppress(TimeoutError):
        await asyncio.wait_for(bot.app.stop(), 1.2)
    assert not [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    stopped = [r for r in caplog.records if "cut short at shutdown" in r.getMessage()]
    assert [r.levelno for r in stopped] == [logging.INFO]
    assert TICK_JOB_NAME in stopped[0].getMessage()
    # what it was doing is given back for the next start's tick
    claim = await bot.scalar(select(WorkClaim).where(WorkClaim.key == "test:hangs"))
    assert claim.owner == RELEASED and claim.done_at is None


async def test_a_job_that_finishes_within_the_grace_is_not_cut_short(bot: Bot, caplog) -> None:
    ran: list[str] = []
    started, finish = asyncio.Event(), asyncio.Event()

    async def short(_context: object) -> None:
        started.set()
        await finish.wait()
        ran.append("done")

    assert bot.app.job_queue is not None
    bot.app.job_queue.run_once(short, when=0, name="test:short")
    await bot.app.start()
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(bot.app.stop())
    await asyncio.sleep(0)  # the stop is under way when the job's work ends
    finish.set()
    await asyncio.wait_for(stopping, 2)
    assert ran == ["done"]
    assert "cut short" not in caplog.text
