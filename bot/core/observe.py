"""What a running Minga tells its operator: metrics, log context, and how an update failed.

Metrics are `prometheus-client` objects in its default registry, made by `metrics()`: `minga
serve` makes them and exposes them on `/metrics`; `minga run` exposes no metrics, so it never
loads prometheus-client (a megabyte and a tenth of a second at start) and counts nothing. The log
context (`update_id`, chat, handler) lives in context variables: PTB handles each update in one
task, so what the webhook endpoint or the turn sets is seen by every log line of that update.
`FAILURES` is how the webhook endpoint learns that an update failed: PTB hands a handler's
exception to the error handler instead of raising it, and the error handler adds it there.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.records import frozen

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

UPDATE_ID: ContextVar[int | None] = ContextVar("minga_update_id", default=None)
CHAT_ID: ContextVar[int | None] = ContextVar("minga_chat_id", default=None)
HANDLER: ContextVar[str | None] = ContextVar("minga_handler", default=None)
# set (to an empty list) by whoever must know whether the update in this context failed
FAILURES: ContextVar[list[BaseException] | None] = ContextVar("minga_failures", default=None)


@frozen
class Metrics:
    updates: Counter
    update_seconds: Histogram
    api_calls: Counter
    api_errors: Counter
    api_flood: Counter
    work: Counter


@cache
def metrics() -> Metrics:
    """The metrics, registered once in prometheus-client's default registry; from the first
    call on, this process counts."""
    from prometheus_client import Counter, Histogram

    return Metrics(
        updates=Counter(
            "minga_updates",
            "Updates received by kind and result (ok, failed, invalid)",
            ["kind", "result"],
        ),
        update_seconds=Histogram(
            "minga_update_seconds",
            "Time to handle one update, from its arrival to the answer (replies included)",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        ),
        api_calls=Counter("minga_bot_api_calls", "Bot API calls by method", ["method"]),
        api_errors=Counter(
            "minga_bot_api_errors", "Bot API calls that failed, by method", ["method"]
        ),
        api_flood=Counter(
            "minga_bot_api_flood", "Bot API calls answered 429, by method", ["method"]
        ),
        work=Counter(
            "minga_scheduled_work",
            "Scheduled work by kind and result (claimed, done, failed)",
            ["work", "result"],
        ),
    )


def counting() -> bool:
    """Whether this process counts (something made the metrics to expose them)."""
    return metrics.cache_info().currsize > 0


def bind_log(update_id: int | None, chat_id: int | None, handler: str | None = None) -> None:
    """What every log line of this update names (`LOG_FORMAT=json`)."""
    UPDATE_ID.set(update_id)
    CHAT_ID.set(chat_id)
    if handler is not None:
        HANDLER.set(handler)


def work_kind(key: str) -> str:
    """`votes:announce:17` → `votes:announce`, `digest:3:2026-W49` → `digest`: the words of
    the key before its first number, so that the label has few values."""
    words = []
    for word in key.split(":")[:2]:
        if any(c.isdigit() for c in word):
            break
        words.append(word)
    return ":".join(words) or "other"


def count_work(key: str, result: str) -> None:
    if counting():
        metrics().work.labels(work_kind(key), result).inc()


def update_kind(update: Any) -> str:
    """The kind of an update (`message`, `callback_query`, …), or `other`."""
    for kind in (
        "message",
        "edited_message",
        "callback_query",
        "message_reaction",
        "message_reaction_count",
        "poll",
        "poll_answer",
        "chat_member",
        "my_chat_member",
    ):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def is_transient(exc: BaseException | None) -> bool:
    """A failure that a later try may not meet: the database or the network was away."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated
    # BadRequest and Forbidden are NetworkError's subclasses too, and a retry changes nothing
    return isinstance(exc, (DisconnectionError, PoolTimeout, OSError, TimeoutError)) or type(
        exc
    ) in (NetworkError, TimedOut)


class CountingRequest(BaseRequest):
    """PTB's HTTP client with a count of each Bot API call, its errors and its 429s."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner
        self.metrics = metrics()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        counts = self.metrics
        counts.api_calls.labels(api_method).inc()
        try:
            code, payload = await self.inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except Exception:
            counts.api_errors.labels(api_method).inc()
            raise
        if code >= 400:
            counts.api_errors.labels(api_method).inc()
        if code == 429:
            counts.api_flood.labels(api_method).inc()
        return code, payload


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the update, chat and handler the line is about."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("update_id", UPDATE_ID), ("chat", CHAT_ID), ("handler", HANDLER)):
            value = var.get()
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def use_json_logs() -> None:
    """`LOG_FORMAT=json`: every handler of the root logger writes JSON lines."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for each in root.handlers:
        each.setFormatter(JsonFormatter())
