"""Telegram's expected faults, told apart from bugs, and logged as one line each.

Flood control (429), Telegram's own trouble (5xx), a timeout, a network error, a chat that is
gone (403), a chat or message not found (400) and a group that moved to a supergroup are part of
talking to Telegram: each is one WARNING line, `telegram <method> failed for chat <id>: <kind>`,
without a traceback. Anything else — a bug, HTML Telegram cannot parse — keeps its traceback.

Which method and chat a fault belongs to is written on the exception where it is known: the
rate limiter every request goes through (`MingaRateLimiter`), and the messenger.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter

CALL_ATTRIBUTE = "minga_call"  # (method, chat_id) of the failed request


def annotate(exc: BaseException, method: str, chat_id: Any) -> None:
    """Note on `exc` which request failed, unless a lower layer noted it already."""
    if getattr(exc, CALL_ATTRIBUTE, None) is None:
        setattr(exc, CALL_ATTRIBUTE, (method, chat_id))  # exceptions have a __dict__


def not_found(exc: BaseException) -> bool:
    """A 400 saying the chat (or the message, the member…) is not there."""
    return isinstance(exc, BadRequest) and "not found" in exc.message.lower()


def chat_not_found(exc: BaseException) -> bool:
    return isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()


def kind(exc: BaseException) -> str | None:
    """What kind of expected Telegram fault `exc` is, in a few words; None for a bug."""
    if isinstance(exc, RetryAfter):
        return f"flood control ({exc.message})"
    if isinstance(exc, ChatMigrated):
        return f"chat migrated to {exc.new_chat_id}"
    if isinstance(exc, Forbidden):
        return f"forbidden ({exc.message})"
    if isinstance(exc, BadRequest):  # a NetworkError too, in PTB: before it
        return f"not found ({exc.message})" if not_found(exc) else None
    if isinstance(exc, TimedOut):
        return "timed out"
    if isinstance(exc, NetworkError):  # 5xx answers and lost connections
        return f"network error ({exc.message})"
    return None


def expected(exc: BaseException) -> bool:
    return kind(exc) is not None


def call_of(exc: BaseException) -> tuple[str, Any]:
    return getattr(exc, CALL_ATTRIBUTE, None) or ("request", "?")


def describe(exc: BaseException) -> str | None:
    """`telegram sendMessage failed for chat -100…: timed out`, or None for a bug."""
    what = kind(exc)
    if what is None:
        return None
    method, chat_id = call_of(exc)
    return f"telegram {method} failed for chat {chat_id}: {what}"


def log_failure(logger: logging.Logger, exc: BaseException, context: str) -> None:
    """One line for `exc`: a WARNING without traceback for an expected Telegram fault (with
    `context` after it), an ERROR with the traceback for anything else."""
    line = describe(exc)
    if line is not None:
        logger.warning("%s; %s", line, context)
    else:
        logger.error("%s", context, exc_info=exc)


class _DropExhaustion(logging.Filter):
    """PTB's rate limiter logs its exhaustion with a traceback, then raises the `RetryAfter`:
    whoever catches that logs it once, as one line, so the limiter's own record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Rate limit hit after maximum")


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_DropExhaustion())


class MingaRateLimiter(AIORateLimiter):
    """PTB's limiter (Telegram's limits per chat and overall) that writes on every failed
    request which method and chat it was, so the one log line can name them."""

    async def process_request(  # type: ignore[override]
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        try:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        except TelegramError as exc:
            annotate(exc, endpoint, data.get("chat_id"))
            raise
