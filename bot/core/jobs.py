"""Minga's JobQueue: jobs still running at shutdown stop cleanly, in a bounded time.

PTB's `JobQueue.stop(wait=True)` waits for the running jobs without a bound, and each job runs
shielded (`Job.run`), so a stop cut short by a budget (`minga run` gives the jobs about a
second) cancels only the waiting, and APScheduler logs that `CancelledError` as a job that
"raised an exception", with its traceback — while the job itself goes on, orphaned, until the
event loop closes under it. A job waiting on Telegram (the tick, a request that hangs) is no
bug: every job's work is in the database (the tick's due work is claimed, and a claim is
given back when its work is cut short; a delayed job's work is swept by the tick), so the
next start does it.

`MingaJobQueue.stop` stops starting jobs at once, gives those running `grace` seconds, then
cancels the rest — the cancellation reaches the job's own work, which gives back its claims —
and logs one INFO line for each. A cancellation at any other time is not ours and is raised.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import JobQueue

from bot.core.db import ON_LOOP

log = logging.getLogger(__name__)


class MingaJobQueue(JobQueue[Any]):
    grace = 0.8  # seconds the jobs running at shutdown get to finish
    unwinding = 0.3  # seconds a cancelled job gets to give back what it held

    def __init__(self) -> None:
        super().__init__()
        self.stopping = False

    @staticmethod
    async def job_callback(job_queue: JobQueue[Any], job: Any) -> None:
        """`Job.run` without its shield, so that a stop reaches the job's work. A job is long
        work: its SQLite statements keep to the driver's thread, even when an update's turn
        (whose statements run on the event loop's: `bot.core.sqlite_driver`) scheduled it."""
        application = job_queue.application
        ON_LOOP.set(False)  # in the job's own task: it reaches no other
        try:
            context = application.context_types.context.from_job(job, application)
            await context.refresh_data()
            await job.callback(context)
        except asyncio.CancelledError:
            if not getattr(job_queue, "stopping", False):
                raise
            log.info("job %s was cut short at shutdown; the next start does its work", job.name)
        except Exception as exc:
            await application.create_task(
                application.process_error(None, exc, job=job), name=f"Job:{job.id}:error"
            )

    async def start(self) -> None:
        self.stopping = False
        await super().start()

    async def stop(self, wait: bool = True) -> None:
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.pause()  # no job starts from now on
        pending = getattr(self._executor, "_pending_futures", ())  # none before start()
        running = {f for f in pending if not f.done()}
        if wait and running:
            _, late = await asyncio.wait(running, timeout=self.grace)
            for future in late:
                future.cancel()
            if late:
                await asyncio.wait(late, timeout=self.unwinding)
        await super().stop(wait=False)
