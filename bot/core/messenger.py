"""The one way out to Telegram.

Every message the bot sends, edits, pins or answers goes through `Messenger`, which
- sends HTML and splits a text longer than Telegram allows on line boundaries;
- waits out flood control (`RetryAfter`) and tries again, a bounded number of times;
- follows a group that became a supergroup (`ChatMigrated`) and tells the hooks;
- treats `Forbidden` (the bot was removed or blocked) as "this chat is gone": hooks are told, the
  call returns None, nothing is raised;
- treats "message is not modified" as success;
- counts "chat not found" through its hooks (a group not found a few times is given up on, as
  for `Forbidden`), and writes on every other failure which method and chat it was, so that
  whoever handles it logs one line (`bot.core.faults`).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.core.faults import annotate, chat_not_found, describe

log = logging.getLogger(__name__)

T = TypeVar("T")
ChatHook = Callable[[int], Awaitable[None]]
MigrationHook = Callable[[int, int], Awaitable[None]]
LostHook = Callable[[int], Awaitable[bool]]

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)  # 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def utf16_len(text: str) -> int:
    """Telegram measures text in UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut `text` into pieces of at most `limit` UTF-16 units, between lines where possible.

    Renderers keep each HTML tag within one line, so a cut between lines never breaks markup.
    A single line longer than the limit is cut at its last space before the limit.
    """
    if utf16_len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while utf16_len(line) > limit:
            head = _cut(line, limit)
            pieces.append(head.rstrip())
            line = line[len(head) :].lstrip()
        current = line
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _cut(line: str, limit: int) -> str:
    """The head of `line` that fits `limit`, cut where no HTML tag is open — at the last such
    space, else at the last such character — so that each piece parses on its own (a line of
    mentions longer than a message must not be cut inside an `<a>` or an `&amp;`)."""
    end = len(line)
    while utf16_len(line[:end]) > limit:
        end -= 1
    space = character = 0
    depth, index = 0, 0
    while index < end:
        char = line[index]
        if char == "<":
            close = line.find(">", index)
            if close < 0:
                break
            depth += -1 if line.startswith("</", index) else 1
            index = close + 1
        elif char == "&":
            semicolon = line.find(";", index)
            index = semicolon + 1 if semicolon > 0 else index + 1
        else:
            index += 1
            if depth == 0 and char == " " and index <= end:
                space = index
        if depth == 0 and index <= end:
            character = index
    if space > end // 2:
        return line[:space]
    return line[: character or end]  # (one element longer than a message: cut anyway)


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _not_modified(exc: BadRequest) -> bool:
    return "message is not modified" in exc.message.lower()


@dataclass
class Messenger:
    bot: Bot
    max_retries: int = 3
    # awaited with the seconds Telegram asked to wait; tests replace it to record the delay
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    forbidden_hooks: list[ChatHook] = field(default_factory=list)
    migration_hooks: list[MigrationHook] = field(default_factory=list)
    # "chat not found": a hook counts it and says True when the chat is given up on
    not_found_hooks: list[LostHook] = field(default_factory=list)
    found_hooks: list[ChatHook] = field(default_factory=list)  # a suspect chat answered again
    # chats that were not found in this process (machinery: a success tells `found_hooks`)
    _suspects: set[int] = field(default_factory=set, init=False, repr=False)
    # set at shutdown: flood control is raised at once, and waits under way end (`stop_waiting`)
    stopping: bool = False
    _waits: set[asyncio.Future[Any]] = field(default_factory=set)

    def stop_waiting(self) -> None:
        """From now on nothing waits out flood control; the waits under way end at once (their
        `RetryAfter` is raised to whoever sent)."""
        self.stopping = True
        for wait in list(self._waits):
            wait.cancel()

    async def send(
        self,
        chat_id: int,
        text: str,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        patient: bool = True,
    ) -> list[Message] | None:
        """Send `text` (HTML); a long text goes as several messages, the buttons on the last.

        Returns the messages sent, or None when the chat is gone (the bot was removed).
        `patient=False` raises flood control's `RetryAfter` at once instead of waiting it out
        (the outbox sends again later).
        """
        pieces = split_text(text)
        sent: list[Message] = []
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1

            async def call(chat: int, piece: str = piece, last: bool = last) -> Message:
                return await self.bot.send_message(
                    chat,
                    piece,
                    parse_mode=ParseMode.HTML,
                    message_thread_id=thread_id,
                    reply_parameters=(
                        ReplyParameters(reply_to, allow_sending_without_reply=True)
                        if reply_to and not sent
                        else None
                    ),
                    reply_markup=markup if last else None,
                    link_preview_options=NO_PREVIEW,
                )

            message = await self._call(chat_id, call, "sendMessage", patient=patient)
            if message is None:
                return None
            sent.append(message)
            chat_id = message.chat_id
        return sent

    async def edit(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        markup: InlineKeyboardMarkup | None = None,
        patient: bool = True,
    ) -> bool:
        """Edit a message in place. Unchanged content counts as success; a gone chat as False.
        `patient=False` raises flood control's `RetryAfter` at once (the caller tries later)."""
        text = split_text(text)[0]

        async def call(chat: int) -> Any:
            return await self.bot.edit_message_text(
                text,
                chat_id=chat,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )

        return await self._call(chat_id, call, "editMessageText", patient=patient) is not None

    async def answer(self, callback_query_id: str, text: str | None = None, *, alert: bool = False):
        """A toast for a button press (not rate limited, posts nothing in the chat)."""
        try:
            await self.bot.answer_callback_query(callback_query_id, text=text, show_alert=alert)
        except BadRequest as exc:  # answered already or too old: the user sees nothing new
            log.info("callback query %s not answered: %s", callback_query_id, exc.message)

    async def pin(self, chat_id: int, message_id: int) -> bool:
        """Pin quietly. False when the bot has no right to pin (the caller may explain)."""

        async def call(chat: int) -> Any:
            return await self.bot.pin_chat_message(chat, message_id, disable_notification=True)

        try:
            return await self._call(chat_id, call, "pinChatMessage") is not None
        except BadRequest as exc:
            log.info("cannot pin in %s: %s", chat_id, exc.message)
            return False

    async def unpin(self, chat_id: int, message_id: int) -> bool:
        """Unpin one message. False when Telegram refuses (no right to, or it is gone)."""

        async def call(chat: int) -> Any:
            return await self.bot.unpin_chat_message(chat, message_id=message_id)

        try:
            return await self._call(chat_id, call, "unpinChatMessage") is not None
        except BadRequest as exc:
            log.info("cannot unpin %s in %s: %s", message_id, chat_id, exc.message)
            return False

    async def send_document(
        self,
        chat_id: int,
        document: bytes,
        filename: str,
        *,
        caption: str | None = None,
        thread_id: int | None = None,
    ) -> Message | None:
        async def call(chat: int) -> Message:
            return await self.bot.send_document(
                chat,
                InputFile(document, filename=filename),
                caption=split_text(caption, CAPTION_LIMIT)[0] if caption else None,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread_id,
            )

        return await self._call(chat_id, call, "sendDocument")

    async def send_photo(
        self,
        chat_id: int,
        photo: bytes,
        *,
        caption: str | None = None,
        thread_id: int | None = None,
    ) -> Message | None:
        async def call(chat: int) -> Message:
            return await self.bot.send_photo(
                chat,
                InputFile(photo, filename="chart.png"),
                caption=split_text(caption, CAPTION_LIMIT)[0] if caption else None,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread_id,
            )

        return await self._call(chat_id, call, "sendPhoto")

    async def send_poll(
        self,
        chat_id: int,
        question: str,
        options: Sequence[str],
        *,
        multi: bool = False,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> Message | None:
        """A native Telegram poll, open by name (its answers arrive as `poll_answer` updates)."""

        async def call(chat: int) -> Message:
            return await self.bot.send_poll(
                chat,
                question,
                list(options),
                is_anonymous=False,
                allows_multiple_answers=multi,
                message_thread_id=thread_id,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to
                    else None
                ),
            )

        return await self._call(chat_id, call, "sendPoll")

    async def stop_poll(self, chat_id: int, message_id: int) -> bool:
        """Close a native poll. A poll already closed or deleted counts as closed."""

        async def call(chat: int) -> Any:
            return await self.bot.stop_poll(chat, message_id)

        try:
            return await self._call(chat_id, call, "stopPoll") is not None
        except BadRequest as exc:
            log.info("poll %s in %s not stopped: %s", message_id, chat_id, exc.message)
            return False

    async def _call(
        self,
        chat_id: int,
        call: Callable[[int], Awaitable[T]],
        method: str,
        *,
        patient: bool = True,
    ) -> T | None:
        attempt = 0
        while True:
            try:
                result = await call(chat_id)
            except RetryAfter as exc:
                attempt += 1
                annotate(exc, method, chat_id)
                if attempt > self.max_retries or not patient or self.stopping:
                    raise
                delay = retry_seconds(exc)
                log.warning("%s; waiting %.0f s", describe(exc), delay)
                await self._wait(delay, exc)
            except ChatMigrated as exc:
                new_chat_id = int(exc.new_chat_id)
                annotate(exc, method, chat_id)
                log.warning("%s; following it", describe(exc))
                await self._run_hooks(self.migration_hooks, chat_id, new_chat_id)
                chat_id = new_chat_id
            except Forbidden as exc:
                annotate(exc, method, chat_id)
                log.warning("%s; the chat is gone for the bot", describe(exc))
                await self._run_hooks(self.forbidden_hooks, chat_id)
                return None
            except BadRequest as exc:
                if _not_modified(exc):
                    return True  # type: ignore[return-value]
                annotate(exc, method, chat_id)
                if chat_not_found(exc):
                    self._suspects.add(chat_id)
                    if await self._chat_lost(chat_id):
                        return None  # counted enough times: the group is marked inactive
                raise
            except TelegramError as exc:
                annotate(exc, method, chat_id)
                raise
            else:
                if chat_id in self._suspects:  # found again: its count of misses starts over
                    self._suspects.discard(chat_id)
                    await self._run_hooks(self.found_hooks, chat_id)
                return result

    async def _chat_lost(self, chat_id: int) -> bool:
        """Ask the hooks whether a chat Telegram did not find is now given up on."""
        lost = False
        for hook in self.not_found_hooks:
            try:
                lost = await hook(chat_id) or lost
            except Exception:
                log.exception("messenger hook %r failed", hook)
        if lost:
            self._suspects.discard(chat_id)
        return lost

    async def _wait(self, delay: float, exc: RetryAfter) -> None:
        wait = asyncio.ensure_future(self.sleep(delay))
        self._waits.add(wait)
        try:
            await wait
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if self.stopping and not (current is not None and current.cancelling()):
                raise exc from None  # the shutdown ended the wait, not a cancel of the caller
            raise
        finally:
            self._waits.discard(wait)

    @staticmethod
    async def _run_hooks(hooks: Sequence[Callable[..., Awaitable[None]]], *args: int) -> None:
        for hook in hooks:
            try:
                await hook(*args)
            except Exception:
                log.exception("messenger hook %r failed", hook)
