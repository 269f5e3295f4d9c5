"""Long polling that never confirms an update before its turn is over, and a shutdown that
ends in seconds.

Telegram forgets every update below the `offset` of a `getUpdates` call. PTB's `Updater`
moves the offset past each batch as soon as it has fetched it, and keeps fetching while earlier
batches wait in memory: a crash loses all of them. `Poller` instead
- passes as `offset` the oldest update it fetched and has not finished (or, with none
  unfinished, the one after the newest): so Telegram keeps every update whose turn has not
  committed, and redelivers it after a crash. A redelivered update that did commit is stopped
  by its `processed_updates` row, so redelivery is harmless;
- asks again only when that can bring at least half a batch of new updates: Telegram answers
  with at most `limit` updates from the oldest unfinished one on, the unfinished ones among
  them (skipped, but each parsed again), so asking after every finished update would parse a
  hundred updates to get one;
- parses only the updates it has not fetched before: the unfinished ones that come back are
  skipped by their `update_id` before PTB turns them into objects (a click's update, with the
  vote message and its keyboard, takes about 0.2 ms to parse); and plain chatter is read
  straight from the JSON, never parsed unless it must go the normal way (bot.core.chatter);
- handles at most `concurrency` updates at once.
On SIGTERM or SIGINT (`serve`) it stops fetching at once (the long poll is cancelled), lets the
updates under way finish for `grace` seconds with flood waits cut short (the outbox sends their
replies later), cancels the rest — they are not confirmed, so Telegram hands them to the next
process — gives back the outbox rows it held, and stops the jobs, all within about 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.core import outbox
from bot.core.chatter import Heard, heard_in, heard_of
from bot.core.messenger import retry_seconds
from bot.core.observe import is_transient
from bot.core.runtime import runtime_of

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
SETTLE = 0.25  # seconds between asking Telegram again while only unfinished updates come back
# what a long poll may take beyond its `timeout` (PTB's `get_updates` adds its request's read
# timeout, HTTPXRequest's default: 5 s)
READ_MARGIN = 5.0
RETRIES = 5  # runs of an update again after a passing database error (bot.app.passing)


class Poller:
    def __init__(
        self,
        application: App,
        allowed_updates: Sequence[str],
        *,
        concurrency: int = 16,
        limit: int = 100,
        timeout: int = 10,
    ) -> None:
        self.application = application
        self.allowed_updates = list(allowed_updates)
        self.slots = asyncio.Semaphore(concurrency)
        self.limit, self.timeout = limit, timeout
        self.pending: dict[int, asyncio.Task[None]] = {}  # fetched, not finished
        self.started: set[int] = set()  # of those, the ones being handled
        self.finished: set[int] = set()  # finished, at or above the offset
        self.newest: int | None = None
        self.changed = asyncio.Event()  # an update finished

    @property
    def offset(self) -> int | None:
        """What Telegram may forget: everything below the oldest unfinished update."""
        if self.pending:
            return min(self.pending)
        return None if self.newest is None else self.newest + 1

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch and handle until `stop` is set."""
        failures = 0
        while not stop.is_set():
            if self._room() < self.limit // 2:
                await self._until(stop, self._one_finishes())
                continue
            try:
                fetched = await self._until(stop, self._fetch())
            except (InvalidToken, Conflict):
                raise
            except RetryAfter as exc:
                await self._until(stop, asyncio.sleep(retry_seconds(exc)))
                continue
            except TelegramError as exc:  # the network or the Bot API is down: try again
                failures += 1
                log.warning("getUpdates failed (%s); trying again", exc)
                await self._until(stop, asyncio.sleep(min(2**failures, 30)))
                continue
            if fetched is None:  # stopped while waiting
                break
            failures = 0
            self._start_all(fetched)  # only the new ones (`_fetch`)
            if not any(fetched) and self.pending:
                # only unfinished ones came back, Telegram has nothing new: ask again when they
                # are done, or in a moment (each answer brings them all again)
                await self._until(stop, self._settle(SETTLE))

    def _room(self) -> int:
        """How many new updates the next `getUpdates` can bring."""
        if not self.pending or self.newest is None:
            return self.limit
        return self.limit - (self.newest + 1 - min(self.pending))

    def _new(self, update_id: int) -> bool:
        """Not fetched before in this process. A fetch answered with the offset it was asked
        with: updates that finished while it was in flight come back, though their turn is
        over (and `finished` may no longer hold them): anything up to the newest fetched that
        is not pending is done."""
        if update_id in self.pending or update_id in self.finished:
            return False
        return self.newest is None or update_id > self.newest

    async def _fetch(self) -> tuple[list[tuple[Heard, Any]], list[Update]]:
        """The updates Telegram has from the offset on that were not fetched before: (the plain
        chatter read straight from the JSON, with its JSON: `bot.core.chatter.heard_in`; the
        others, parsed). With updates unfinished Telegram answers at once (it still has them);
        without, it holds the request until one comes.

        This is `Bot.get_updates` without parsing what `_new` skips or `heard_in` reads:
        `Bot._post` (PTB's one way to the Bot API, through the rate limiter and the getUpdates
        client, which `get_updates` and `do_api_request` both take; the latter warns for known
        methods)."""
        bot = self.application.bot
        timeout = 0 if self.pending else self.timeout
        data = {
            "timeout": timeout,
            "offset": self.offset,
            "limit": self.limit,
            "allowed_updates": self.allowed_updates,
        }
        result = await bot._post("getUpdates", data, read_timeout=READ_MARGIN + timeout)
        lane = runtime_of(self.application).chatter is not None
        heard: list[tuple[Heard, Any]] = []
        parsed: list[Update] = []
        for raw in result:
            if not self._new(raw["update_id"]):
                continue
            plain = heard_in(raw) if lane else None
            if plain is not None:
                heard.append((plain, raw))
            else:
                parsed.append(Update.de_json(raw, bot))
        return heard, parsed

    def _start_all(self, fetched: tuple[list[tuple[Heard, Any]], list[Update]]) -> None:
        """A batch's plain chatter as one task (bot.core.chatter), every other update as its own."""
        heard, fresh = fetched
        chatter = runtime_of(self.application).chatter
        if chatter is not None and fresh:
            quiet, fresh = chatter.split(self.application, fresh)
            heard = heard + [(heard_of(update), update) for update in quiet]
        if heard:
            task = asyncio.create_task(self._chatter(heard), name="chatter")
            for plain, _ in heard:
                self.newest = max(self.newest or plain.update_id, plain.update_id)
                self.pending[plain.update_id] = task
        for update in fresh:
            self._start(update)

    async def _chatter(self, heard: list[tuple[Heard, Any]]) -> None:
        """Take the chatter in one transaction; what it cannot take (a first message, a
        changed name, a failure) is parsed if it was not and handled one update at a time, like
        any other."""
        runtime = runtime_of(self.application)
        assert runtime.chatter is not None
        ids = [plain.update_id for plain, _ in heard]
        async with self.slots:
            self.started.update(ids)
            try:
                done = await runtime.chatter.absorb(runtime, [plain for plain, _ in heard])
            except Exception as exc:
                if is_transient(exc):  # a locked SQLite file, a dropped connection
                    log.warning("%s plain messages taken one by one: %s", len(heard), exc)
                else:
                    log.exception("%s plain messages taken one by one", len(heard))
                done = set()
            finally:
                self.started.difference_update(ids)
        bot = self.application.bot
        for plain, update in heard:
            if plain.update_id not in done:
                self._start(update if isinstance(update, Update) else Update.de_json(update, bot))
        for update_id in done:
            self._finish(update_id)

    def _start(self, update: Update) -> None:
        update_id = update.update_id
        self.newest = update_id if self.newest is None else max(self.newest, update_id)
        self.pending[update_id] = asyncio.create_task(
            self._handle(update), name=f"update-{update_id}"
        )

    async def _handle(self, update: Update) -> None:
        update_id = update.update_id
        retries = runtime_of(self.application).retries
        try:
            async with self.slots:
                self.started.add(update_id)
                for attempt in range(RETRIES + 1):
                    await self.application.process_update(update)
                    if retries is None or update_id not in retries:
                        break
                    retries.discard(update_id)
                    if attempt == RETRIES:
                        log.error("update %s failed %s times; given up", update_id, attempt + 1)
                    else:
                        await asyncio.sleep(0.2 * 2**attempt)
        except asyncio.CancelledError:
            raise  # not finished: it stays in `pending`, so the offset stays below it
        except Exception:
            log.exception("update %s failed outside its handlers", update_id)
            self._finish(update_id)
        else:
            self._finish(update_id)
        finally:
            self.started.discard(update_id)

    def _finish(self, update_id: int) -> None:
        task = self.pending.pop(update_id, None)
        if task is not None:
            self.finished.add(update_id)
        offset = self.offset
        if offset is not None:
            self.finished = {done for done in self.finished if done >= offset}
        self.changed.set()

    async def _settle(self, seconds: float) -> None:
        """Until nothing is pending, or `seconds` have passed."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while self.pending:
                    await self._one_finishes()

    def _one_finishes(self) -> Any:
        self.changed.clear()  # now, not when the wait begins: a finish in between counts
        return self.changed.wait()

    @staticmethod
    async def _until(stop: asyncio.Event, work: Any) -> Any:
        """`work`'s result, or None if `stop` is set first (then `work` is cancelled)."""
        task = asyncio.ensure_future(work)
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        return None

    async def drain(self, grace: float) -> int:
        """Let the updates under way finish for `grace` seconds; cancel the rest (those waiting
        for a slot at once). Returns how many were cancelled, which Telegram keeps."""
        for update_id, task in list(self.pending.items()):
            if update_id not in self.started:
                task.cancel()
        running = list(self.pending.values())
        if running:
            await asyncio.wait(running, timeout=grace)
        left = list(self.pending.values())
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        return len(self.pending)

    async def confirm(self) -> None:
        """Tell Telegram what is finished (best effort: what is not told comes again, and is
        recognised as handled)."""
        if self.offset is None:
            return
        with contextlib.suppress(TelegramError, TimeoutError):
            await asyncio.wait_for(
                self.application.bot.get_updates(offset=self.offset, limit=1, timeout=0), 1
            )


async def serve(
    application: App,
    allowed_updates: Sequence[str],
    *,
    concurrency: int = 16,
    grace: float = 2.0,
    send_grace: float = 0.7,
    stop_budget: float = 1.2,
) -> None:
    """`minga run`'s loop: start, poll until SIGTERM or SIGINT, then stop as described above.
    Errors of the first contact with Telegram (a bad token, no network) are raised."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    runtime = runtime_of(application)
    runtime.send_after_turns = True
    runtime.retries = set()
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.bot.delete_webhook(drop_pending_updates=False)
        await application.start()
        poller = Poller(application, allowed_updates, concurrency=concurrency)
        try:
            await poller.run(stop)
        finally:
            log.info("Minga stops: %s updates under way", len(poller.pending))
            runtime.messenger.stop_waiting()
            cancelled = await poller.drain(grace)
            if cancelled:
                log.info("%s updates left for Telegram to deliver again", cancelled)
            await outbox.settle(runtime, send_grace)
            try:
                await asyncio.wait_for(application.stop(), stop_budget)
            except TimeoutError:
                log.warning("scheduled work still running at shutdown was cancelled")
            with contextlib.suppress(Exception):
                released = await outbox.release_mine(runtime)
                if released:
                    log.info("%s outbox messages left for the next start", released)
            await poller.confirm()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
