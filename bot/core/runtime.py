"""What the application is wired with: settings, database, messenger, scheduler, hooks.

A `Runtime` holds machinery only — no domain state. It lives on `application.bot_data` under
`RUNTIME_KEY` and is reached as `context.runtime` through `BotContext`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core.claims import Claim
from bot.core.clock import Clock
from bot.core.db import session_scope
from bot.core.hooks import Hooks
from bot.core.i18n import CommandSpec, HelpTopic, normalize_language
from bot.core.records import frozen
from bot.core.said import MessageHook

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

    from telegram import Update

    from bot.core.chatter import Chatter
    from bot.core.messenger import Messenger
    from bot.core.scheduler import Scheduler

RUNTIME_KEY = "minga"


@frozen
class Identity:
    """Who and where an update is, as the database knows it after registering them."""

    group_id: int | None  # the group's row id (None in a private chat)
    language: str
    timezone: str
    # the sender's Minga role in the group (`groups.models`: member, coordinator, observer),
    # as registered; None in a private chat or when the sender is not a member
    role: str | None = None


# (session, update, settings, now, claim) -> Identity; the groups feature registers the real
# one, which makes the update's claim with its first read (`claims.Claim.first`)
IdentifyFn = Callable[[AsyncSession, "Update", Settings, datetime, Claim], Awaitable[Identity]]
# (chat_id, user_id) -> the SQL condition "has a Minga role that makes them a coordinator",
# read with the cached admin list in one statement (core.permissions)
RoleCheck = Callable[[int, int], ColumnElement[bool]]


async def identify_nobody(
    session: AsyncSession, update: Update, settings: Settings, now: datetime, claim: Claim
) -> Identity:
    user = update.effective_user
    lang = normalize_language(user.language_code if user else None) or settings.default_language
    return Identity(group_id=None, language=lang, timezone=settings.default_timezone)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    messenger: Messenger
    scheduler: Scheduler
    clock: Clock  # the program's one "now" (bot.core.clock)
    commands: list[CommandSpec] = field(default_factory=list)
    help_topics: list[HelpTopic] = field(default_factory=list)
    role_checks: list[RoleCheck] = field(default_factory=list)
    identify: IdentifyFn = identify_nobody
    # told of every plain (non-command) group message of a person, inside the transaction that
    # records it as handled: one at a time by the groups feature's "seen" handler, or a batch's
    # chatter at once (`chatter`)
    message_hooks: list[MessageHook] = field(default_factory=list)
    # under `minga run`, how the poller handles a batch's chatter in one go (bot.core.chatter)
    chatter: Chatter | None = None
    # what features above another add to what it does (bot.core.hooks)
    hooks: Hooks = field(default_factory=Hooks)
    # names this process in work claims, so two processes on one database can be told apart
    instance: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )

    # outbox rows this process is sending right now (core.outbox), which its tick leaves alone
    sending: set[int] = field(default_factory=set)
    # `minga run` sends a turn's outbox rows after the turn, each chat's in order (the last
    # delivery per chat, which the next one waits for; and all of them, which a stop ends);
    # tests send them within the turn
    send_after_turns: bool = False
    deliveries: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    delivering: set[asyncio.Task[None]] = field(default_factory=set)
    # under `minga run`: updates whose turn failed on a passing database error (a locked SQLite
    # file, a dropped connection), which the poller runs again instead of confirming
    retries: set[int] | None = None

    def db(self, *, short: bool = False) -> AbstractAsyncContextManager[AsyncSession]:
        """A transaction (`bot.core.db.session_scope`); `short` for an update's few indexed
        statements."""
        return session_scope(self.sessions, short=short)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The typed context every handler gets: `context.runtime`, `context.db()`."""

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data[RUNTIME_KEY]

    def db(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self.runtime.db()


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    return application.bot_data[RUNTIME_KEY]
