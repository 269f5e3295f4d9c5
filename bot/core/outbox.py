"""The outbox: what a committed turn must say reaches the chat once, whatever fails after.

A turn's replies (`turn.reply`, `turn.send`, `turn.post`) are rows of `outbox`, written in the
turn's own transaction and claimed by this process (`claimed_by`, `claimed_at`). Right after
the commit the same process sends them and marks each done in one short transaction, which
also records what the row names in `after` (a commitment's card message, say) — so the
message and the record of it can never disagree for long. When the send fails (5xx, timeout,
flood control) the row is given back with a later `next_attempt_at` (the wait Telegram asked
for, or a backoff) and the tick's `retry_due` sends it then; nothing is waited out in the
turn, and nobody is told to "try again" for what was stored. When the process dies between
commit and send, the row's lease runs out and the tick of the next process sends it.

Two processes never send one row: a row is sent only by the process whose claim is on it, and
a claim is taken with one conditional `UPDATE … RETURNING`. The one window for a second copy
is a crash (or a lease run out) after Telegram accepted the message and before the row was
marked done: then the message may go out twice. It is one HTTP answer and one `UPDATE` wide.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.core.faults import describe, log_failure
from bot.core.messenger import retry_seconds
from bot.core.models import OutboxMessage
from bot.core.records import frozen

if TYPE_CHECKING:
    from bot.core.runtime import Runtime
    from bot.core.scheduler import Tick

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=3)  # a send (rate limiter included) is over long before
IN_FLIGHT_GRACE = 0.5  # seconds a request under way at shutdown gets to be answered
MAX_ATTEMPTS = 8  # then the row is given up, with a warning
BATCH = 200  # rows the tick takes at once

# (session, after_args, message ids sent) → records what the row's sending means
AfterSent = Callable[[AsyncSession, dict[str, Any], list[int]], Awaitable[None]]
_AFTER: dict[str, AfterSent] = {}


def after_sent(name: str) -> Callable[[AfterSent], AfterSent]:
    """Register what to record, in the transaction that marks a row sent, for rows whose
    `after` is `name` (a feature's `register()` imports the module that uses it)."""

    def register(fn: AfterSent) -> AfterSent:
        _AFTER[name] = fn
        return fn

    return register


@dataclass
class Outgoing:
    """A message a turn will send, before and after it is a row."""

    chat_id: int
    text: str
    thread_id: int | None = None
    reply_to: int | None = None
    markup: dict[str, Any] | None = None
    after: str | None = None
    after_args: dict[str, Any] | None = None
    row_id: int | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "thread_id": self.thread_id,
            "reply_to": self.reply_to,
            "markup": self.markup,
        }


def keyboard(markup: InlineKeyboardMarkup | None) -> dict[str, Any] | None:
    return markup.to_dict() if markup is not None else None


def backoff(attempts: int) -> timedelta:
    """15 s after the first failure, doubling, at most 15 minutes."""
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 900))


async def store(
    session: AsyncSession,
    items: Sequence[Outgoing],
    update_id: int | None,
    owner: str,
    now: datetime,
) -> None:
    """Write `items` in the caller's transaction, claimed by `owner` (who sends them next)."""
    rows = [
        OutboxMessage(
            chat_id=item.chat_id,
            payload=item.payload(),
            update_id=update_id,
            after=item.after,
            after_args=item.after_args,
            attempts=0,
            next_attempt_at=now,
            claimed_by=owner,
            claimed_at=now,
            created_at=now,
        )
        for item in items
        if item.row_id is None
    ]
    if not rows:
        return
    session.add_all(rows)
    await session.flush()
    pending = [item for item in items if item.row_id is None]
    for item, row in zip(pending, rows, strict=True):
        item.row_id = row.id


@frozen
class _Row:
    id: int
    chat_id: int
    payload: dict[str, Any]
    after: str | None
    after_args: dict[str, Any] | None
    attempts: int

    @classmethod
    def of(cls, row: OutboxMessage) -> _Row:
        return cls(row.id, row.chat_id, row.payload, row.after, row.after_args, row.attempts)


async def deliver(runtime: Runtime, item: Outgoing) -> None:
    """Send a stored item right after its turn's commit: at once, or (`minga run`) after the
    turn, behind the chat's earlier deliveries, so that a turn is over when it has committed
    and a group's flood limit holds up nobody else's turns."""
    assert item.row_id is not None, "an outgoing message is stored before it is sent"
    row = _Row(item.row_id, item.chat_id, item.payload(), item.after, item.after_args, 0)
    if not runtime.send_after_turns:
        await _send(runtime, row)
        return
    runtime.sending.add(row.id)
    before = runtime.deliveries.get(row.chat_id)

    async def in_turn() -> None:
        if before is not None:
            await asyncio.wait([before])
        await _send(runtime, row)

    task = asyncio.create_task(in_turn(), name=f"outbox-{row.id}")
    runtime.deliveries[row.chat_id] = task
    runtime.delivering.add(task)

    def forget(done: asyncio.Task[None]) -> None:
        runtime.sending.discard(row.id)
        runtime.delivering.discard(done)
        if runtime.deliveries.get(row.chat_id) is done:
            del runtime.deliveries[row.chat_id]

    task.add_done_callback(forget)


async def settle(runtime: Runtime, grace: float) -> int:
    """At shutdown: let the deliveries under way end for `grace` seconds, then cancel the rest
    (their rows are given back by `release_mine`). Returns how many chats were cut short."""
    tasks = list(runtime.delivering)  # every chat's, not only the last of each
    if tasks:
        await asyncio.wait(tasks, timeout=grace)
    left = [task for task in runtime.delivering if not task.done()]
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    return len(left)


async def _send(runtime: Runtime, row: _Row) -> None:
    """One attempt: sent and marked done, or given back for later. Never raises a Telegram
    error and never waits out flood control."""
    runtime.sending.add(row.id)
    try:
        await _attempt(runtime, row)
    finally:
        runtime.sending.discard(row.id)


async def _attempt(runtime: Runtime, row: _Row) -> None:
    messenger, payload = runtime.messenger, row.payload
    raw_markup = payload.get("markup")
    markup = InlineKeyboardMarkup.de_json(raw_markup, messenger.bot) if raw_markup else None
    send = asyncio.ensure_future(
        messenger.send(
            row.chat_id,
            payload["text"],
            thread_id=payload.get("thread_id"),
            reply_to=payload.get("reply_to"),
            markup=markup,
            patient=False,
        )
    )
    try:
        sent = await asyncio.shield(send)
    except asyncio.CancelledError:
        await _cut_short(runtime, row, send)
        raise
    except RetryAfter as exc:
        delay = timedelta(seconds=retry_seconds(exc))
        log.warning("%s; outbox %s sent again in %s", describe(exc), row.id, delay)
        await _later(runtime, row, delay, counts=False)
        return
    except BadRequest as exc:  # the same request would fail the same way
        log_failure(log, exc, f"outbox {row.id} given up")
        await _finish(runtime, row, None)
        return
    except TelegramError as exc:  # 5xx, timeouts, a network that is down
        log_failure(log, exc, f"outbox {row.id} tried again later")
        await _later(runtime, row, backoff(row.attempts + 1), counts=True)
        return
    ids = [message.message_id for message in sent] if sent else []
    await _finish(runtime, row, ids)


async def _cut_short(runtime: Runtime, row: _Row, send: asyncio.Future[Any]) -> None:
    """Stopping (`settle`) while the request is with Telegram: Telegram may have taken it, so
    it gets `IN_FLIGHT_GRACE` to answer and is recorded as sent if it did — else the next
    start would send it a second time. A request still unanswered then is cancelled, and its
    row given back (`release_mine`)."""
    done, _ = await asyncio.wait([send], timeout=IN_FLIGHT_GRACE)
    if not done:
        send.cancel()
        return
    if send.exception() is None:
        sent = send.result()
        with contextlib.suppress(Exception):
            await _finish(runtime, row, [m.message_id for m in sent] if sent else [])


async def _finish(runtime: Runtime, row: _Row, ids: list[int] | None) -> None:
    now = runtime.clock.now()
    async with runtime.db(short=True) as session:
        marked = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.claimed_by == runtime.instance,
                OutboxMessage.done_at.is_(None),
            )
            .values(done_at=now, message_id=ids[-1] if ids else None, claimed_by=None)
        )
        if marked.rowcount != 1:
            log.warning("outbox %s was taken over while it was being sent", row.id)
            return
        if ids and row.after is not None:
            hook = _AFTER.get(row.after)
            if hook is None:
                log.error("outbox %s: nothing is registered for %r", row.id, row.after)
            else:
                await hook(session, row.after_args or {}, ids)


async def _later(runtime: Runtime, row: _Row, delay: timedelta, *, counts: bool) -> None:
    now = runtime.clock.now()
    attempts = row.attempts + 1 if counts else row.attempts
    if attempts >= MAX_ATTEMPTS:
        log.warning("outbox %s to %s given up after %s attempts", row.id, row.chat_id, attempts)
        await _finish(runtime, row, None)
        return
    async with runtime.db(short=True) as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.claimed_by == runtime.instance)
            .values(
                attempts=attempts, next_attempt_at=now + delay, claimed_by=None, claimed_at=None
            )
        )


async def claim_due(runtime: Runtime, now: datetime, limit: int = BATCH) -> list[_Row]:
    """Take the rows due now that nobody holds (or whose holder's lease ran out): one
    conditional `UPDATE … RETURNING`, so two processes never take one row."""
    free = or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_at < now - LEASE)
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.done_at.is_(None), OutboxMessage.next_attempt_at <= now, free)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if runtime.sending:
        due = due.where(OutboxMessage.id.not_in(list(runtime.sending)))
    async with runtime.db() as session:
        ids = list(await session.scalars(due))
        if not ids:
            return []
        rows = await session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.done_at.is_(None), free)
            .values(claimed_by=runtime.instance, claimed_at=now)
            .returning(OutboxMessage)
        )
        return sorted((_Row.of(row) for row in rows), key=lambda row: row.id)


async def retry_due(tick: Tick) -> None:
    """The tick's due work: send what is due, each chat's rows in order, chats side by side
    (one chat's flood wait does not hold up the others)."""
    runtime = tick.runtime
    rows = await claim_due(runtime, tick.now)
    if not rows:
        return
    by_chat: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_chat[row.chat_id].append(row)

    async def chat(queue: list[_Row]) -> None:
        for row in queue:
            await _send(runtime, row)

    log.info("outbox: sending %s due messages to %s chats", len(rows), len(by_chat))
    await asyncio.gather(*(chat(queue) for queue in by_chat.values()))


async def release_mine(runtime: Runtime) -> int:
    """At shutdown: give back what this process holds and has not sent, so that the next
    process sends it at once instead of after the lease."""
    async with runtime.db() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.claimed_by == runtime.instance, OutboxMessage.done_at.is_(None))
            .values(claimed_by=None, claimed_at=None)
        )
        return result.rowcount
