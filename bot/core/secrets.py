"""The bot token never reaches a log line or an error message: it is masked as `123456:***`.

PTB quotes a rejected token in its error, httpx logs every request URL (which holds the token)
and a traceback can show both. `install(token)` puts a filter on the root logger's handlers
that masks every `<digits>:<secret>` and the configured token itself, in messages, their
arguments and tracebacks; `sys.excepthook` and `threading.excepthook` mask an uncaught
exception the same way.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType

# a bot token: the bot's id, a colon, 30-odd characters of secret (20 or more is enough to tell)
TOKEN_PATTERN = re.compile(r"(?<![0-9])([0-9]{3,}):[A-Za-z0-9_-]{20,}")


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            bot_id, sep, _ = secret.partition(":")
            text = text.replace(secret, f"{bot_id}:***" if sep and bot_id.isdigit() else "***")
    return TOKEN_PATTERN.sub(r"\1:***", text)


class MaskTokens(logging.Filter):
    """A handler's filter: the record leaves with its text and traceback already masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = mask(record.stack_info, self.secrets)
        return True


def install(token: str | None) -> MaskTokens:
    """Mask tokens in everything the root logger's handlers write, and in uncaught errors."""
    mask_filter = MaskTokens([token] if token else [])
    for log_handler in logging.getLogger().handlers:
        log_handler.addFilter(mask_filter)

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(mask(text, mask_filter.secrets))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            name = args.thread.name if args.thread is not None else "a thread"
            sys.stderr.write(f"Exception in thread {name}:\n")
            excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    return mask_filter
