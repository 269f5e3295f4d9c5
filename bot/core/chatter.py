"""Plain group chatter, a batch at a time.

Most updates a group sends are members talking: a message no command, button, reply or
question handler takes. For such a message Minga only notes who wrote (registration) and counts
it (the per-day message counts). Run one by one through `process_update`, each costs a
transaction of its own — the processed-update row, the registration read, the counter upsert —
and ten times the CPU a bare bot spends on it (issue 19).

Under `minga run` the poller hands a fetched batch's chatter here first, found two ways:
- most of it straight from Telegram's JSON (`heard_in`), before PTB parses it: a text message
  in a group from a person, that is no command and no reply, is one that only the "seen"
  handler takes — the other handlers that take messages want a reply, a private chat or a
  service message (tests/core/test_chatter.py holds the list, and fails when a new one comes).
  Parsing such a message into PTB's objects costs several times what counting it does, so what
  is counted here is never parsed at all;
- the rest of the batch is parsed, and `Chatter.split` picks its chatter out by asking PTB's
  own handlers (so it is chatter exactly when the normal path would run the "seen" handler and
  nothing else: a photo, say).
`Chatter.absorb` handles both in one transaction of three statements whatever the batch's size:
who of the senders is registered already and unchanged (one read), the processed-update rows of
their messages under the seen handler's key (one multi-row insert, which returns the ones not
handled before), and the counters of those (the features' batch hooks: one multi-row upsert).
The rest — a first message, a changed name, a failure — is parsed if it was not, and goes the
normal way, one update at a time.

Nothing is lost or counted twice, because the processed-update rows are the same ones the
normal path writes: a message absorbed here and then redelivered (a kill -9 before Telegram
was told) is recognised by either path, and so is one handled the normal way and redelivered
into a batch. The poller marks the batch finished only after its commit, so Telegram keeps it
until then.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.core.db import dialect_insert
from bot.core.models import ProcessedUpdate
from bot.core.people import PersonInfo, is_person, person_from_json, person_info
from bot.core.records import frozen
from bot.core.routing import NO_MESSAGE, Router
from bot.core.said import Said

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.core.runtime import Runtime

log = logging.getLogger(__name__)

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
# handlers that never take a new message with no command in it: buttons, membership changes,
# reactions, polls — and commands, once the message is known not to start with one
NEVER_A_PLAIN_MESSAGE = (
    Router,  # of command and button handlers (bot.core.routing)
    CommandHandler,
    CallbackQueryHandler,
    *NO_MESSAGE,
)


@frozen
class Heard:
    """A plain group message as a batch of chatter reads it: which update, the chat, the sender."""

    update_id: int
    chat_id: int
    chat_type: str
    title: str | None
    person: PersonInfo


# the groups feature's part: of these messages, the ones whose chat and sender are registered
# already and unchanged, as `Said` (one read for the whole batch)
KnownFn = Callable[[AsyncSession, Sequence[Heard]], Awaitable[list[Said]]]


def heard_in(raw: Any) -> Heard | None:
    """An update as Telegram's JSON has it, when it is surely plain chatter: a new text message
    (no command at its start, no reply) in a group, from a person (not a channel or an
    anonymous administrator), and nothing else in the update. None for anything else, which
    is parsed and split as usual: this only spares the parsing of the commonest update."""
    message = raw.get("message")
    if len(raw) != 2 or type(message) is not dict:
        return None
    chat, text = message.get("chat"), message.get("text")
    if (
        type(chat) is not dict
        or type(chat.get("type")) is not str
        or chat["type"] not in GROUP_TYPES
        or type(text) is not str
        or not text
        or "reply_to_message" in message
        or "sender_chat" in message
    ):
        return None
    entities = message.get("entities")
    if entities is not None and type(entities) is not list:
        return None
    if entities:
        first = entities[0]
        if type(first) is not dict or (
            first.get("type") == "bot_command" and not first.get("offset")
        ):
            return None
    person = person_from_json(message.get("from"))
    chat_id, title = chat.get("id"), chat.get("title")
    if person is None or type(chat_id) is not int or (title is not None and type(title) is not str):
        return None
    return Heard(raw["update_id"], chat_id, chat["type"], title, person)


def heard_of(update: Update) -> Heard:
    """A parsed update that `Chatter.split` found to be chatter."""
    message = update.message
    assert message is not None and message.from_user is not None
    chat = message.chat
    return Heard(update.update_id, chat.id, chat.type, chat.title, person_info(message.from_user))


@dataclass
class Chatter:
    """Wired by the groups feature (`seen_group`, `seen_key`, `known`); the message hooks are
    every feature's (`Runtime.message_hooks`), run by both paths."""

    seen_group: int  # the handler group of the "seen" handler
    seen_key: str  # its `handler_key`, under which its processed-update rows are written
    known: KnownFn

    def split(
        self, application: Application[Any, Any, Any, Any, Any, Any], updates: Sequence[Update]
    ) -> tuple[list[Update], list[Update]]:
        """(chatter, the rest), each in the order given."""
        # the handlers that could take a new message without a command: the others cannot
        # (PTB's own tests, by handler type), so only these are asked
        askable = [
            (group, [h for h in handlers if not isinstance(h, NEVER_A_PLAIN_MESSAGE)])
            for group, handlers in application.handlers.items()
        ]
        quiet: list[Update] = []
        rest: list[Update] = []
        for update in updates:
            (quiet if self._is_chatter(askable, update) else rest).append(update)
        return quiet, rest

    def _is_chatter(self, askable: list[tuple[int, list[BaseHandler]]], update: Update) -> bool:
        message = update.message  # a new message: an edit is something else
        if message is None or message.chat.type not in GROUP_TYPES:
            return False
        if not is_person(message.from_user) or message.sender_chat is not None:
            return False
        entities = message.entities
        if (
            entities
            and entities[0].type == MessageEntityType.BOT_COMMAND
            and not entities[0].offset
        ):
            return False  # a command (`filters.COMMAND`), which is all a CommandHandler takes
        seen = False
        for group, handlers in askable:
            if group == self.seen_group:
                seen = any(h.check_update(update) for h in handlers)
            elif any(h.check_update(update) for h in handlers):
                return False
        # no look for lone surrogates (bot.core.edge) here: of a plain message only the names
        # and the title are used, compared with the registered ones, which never hold one: a
        # name that carries any goes the normal way, through the edge
        return seen

    async def absorb(self, runtime: Runtime, heard: Sequence[Heard]) -> set[int]:
        """Handle `heard` (chatter) in one transaction: the ids of those handled now or before;
        the others are left for the normal path."""
        async with runtime.db(short=True) as session:
            now = runtime.clock.now()
            said = await self.known(session, heard)
            fresh = await claim_updates(session, [s.update_id for s in said], now, self.seen_key)
            new = [s for s in said if s.update_id in fresh]
            if new:
                for hook in runtime.message_hooks:
                    await hook(session, new, now)
        return {s.update_id for s in said}


async def claim_updates(
    session: AsyncSession, update_ids: Sequence[int], now: datetime, handler: str
) -> set[int]:
    """Record each of `update_ids` as handled by `handler` in this transaction (one
    statement): the ones that were not before."""
    if not update_ids:
        return set()
    rows = [{"update_id": i, "handler": handler, "processed_at": now} for i in update_ids]
    result = await session.execute(_claim(session), rows)
    return set(result.scalars())


@functools.cache
def _claim_for(dialect: str) -> Any:
    # built once per dialect and run with a list of rows: SQLAlchemy sends it as one INSERT
    # of many VALUES ("insertmanyvalues") from its cached compiled form, where a statement
    # with the rows in it would be compiled anew for every batch
    table = ProcessedUpdate.__table__
    return (
        dialect_insert(dialect, table)
        .on_conflict_do_nothing(index_elements=[table.c.update_id, table.c.handler])
        .returning(table.c.update_id)
    )


def _claim(session: AsyncSession) -> Any:
    return _claim_for(session.get_bind().dialect.name)
