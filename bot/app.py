"""Wiring: the PTB Application with the core and every feature registered."""

from __future__ import annotations

import asyncio
import logging
import ssl
from functools import cache
from typing import Any

import httpx
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

from bot import (
    actors,
    calls,
    charter,
    commitments,
    dashboard,
    groups,
    meetings,
    monitoring,
    privacy,
    publicpage,
    reactions,
    reviews,
    votes,
)
from bot.config import Settings
from bot.core import outbox, questions
from bot.core.callbacks import STALE_BUTTON
from bot.core.clock import SYSTEM, Clock
from bot.core.db import create_engine, make_sessionmaker
from bot.core.edge import MingaApplication
from bot.core.faults import MingaRateLimiter, describe
from bot.core.i18n import LANGUAGES, N_, TELEGRAM_CODES, menu, translator
from bot.core.jobs import MingaJobQueue
from bot.core.messenger import Messenger
from bot.core.observe import FAILURES, is_transient
from bot.core.routing import route
from bot.core.runtime import RUNTIME_KEY, BotContext, Runtime, runtime_of
from bot.core.scheduler import Scheduler, prune_processed_updates
from bot.core.turn import handler

log = logging.getLogger(__name__)

# every kind of update the features use; Telegram keeps the last list when none is given
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MESSAGE_REACTION,
    Update.MESSAGE_REACTION_COUNT,
    Update.POLL,
    Update.POLL_ANSWER,
    Update.CHAT_MEMBER,
    Update.MY_CHAT_MEMBER,
]

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")

CONCURRENT_UPDATES = 16

MingaApp = Application[Any, BotContext, Any, Any, Any, Any]


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop Minga runs on: uvloop where it is installed (Linux and macOS), else
    asyncio's own. Most of the time of a click is waiting for I/O and waking up when a database
    answer comes back from a socket or from aiosqlite's thread; libuv does that for less."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - a platform without uvloop
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def file_url(api_url: str) -> str:
    """`https://api.telegram.org/bot` → `https://api.telegram.org/file/bot`."""
    return api_url.removesuffix("/bot") + "/file/bot"


@cache
def _tls() -> ssl.SSLContext:
    # httpx's own: certifi's CA bundle, SSL_CERT_FILE / SSL_CERT_DIR when they are set
    return httpx.create_ssl_context()


def telegram_request(*, updates: bool = False) -> HTTPXRequest:
    """One of PTB's two HTTP clients to the Bot API (`updates`: the one for getUpdates, one
    connection), as PTB's builder makes them, but both with one TLS context: each httpx client
    otherwise loads the whole CA bundle into a context of its own (0.8 MiB, issue 17)."""
    if updates:
        return HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": _tls()})
    return HTTPXRequest(httpx_kwargs={"verify": _tls()})


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock = SYSTEM,
    rate_limiter: bool = True,
    polling: bool = True,
) -> MingaApp:
    """The bot, ready to run. `request` replaces the HTTP client (tests pass the Telegram
    double); `engine` replaces the engine made from `DATABASE_URL`; `clock` is where every
    "now" comes from (tests pass a frozen one). `polling=False`: no Updater (`minga serve`
    receives webhooks and hands each update to `process_update`)."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    builder = (
        Application.builder()
        .application_class(MingaApplication)
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        # jobs still running at shutdown stop cleanly, within a bound (core.jobs)
        .job_queue(MingaJobQueue())
        # a flood wait in one group must not hold up every other group: updates are handled
        # concurrently; each is one short transaction, and uniqueness lives in the database
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if not polling:
        builder = builder.updater(None)
    if request is None:
        builder = builder.request(telegram_request())
        if polling:
            builder = builder.get_updates_request(telegram_request(updates=True))
    else:
        builder = builder.request(request)
        if polling:
            builder = builder.get_updates_request(request)
    if rate_limiter:
        # Telegram's limits per chat and overall; flood errors are retried by the messenger
        # (max_retries=0: the limiter does not sleep on a 429 itself), and every failed
        # request is marked with its method and chat for the one log line (core.faults)
        builder = builder.rate_limiter(MingaRateLimiter(max_retries=0))
    application = builder.build()

    engine = engine or create_engine(settings.database_url, **pool_options(settings))
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine, clock),
        messenger=Messenger(application.bot),
        scheduler=Scheduler(),
        clock=clock,
    )
    application.bot_data[RUNTIME_KEY] = runtime
    runtime.scheduler.add("core:prune-updates", prune_processed_updates)
    # replies of committed turns whose sending failed or never happened (a crash)
    runtime.scheduler.add("core:outbox", outbox.retry_due)

    groups.register(application)
    charter.register(application)
    meetings.register(application)
    actors.register(application)
    reactions.register(application)
    commitments.register(application)
    calls.register(application)
    reviews.register(application)
    monitoring.register(application)
    votes.register(application)
    privacy.register(application)
    publicpage.register(application)
    dashboard.register(application)

    # a time with two readings: the reading its sender pressed runs the kept command
    application.add_handler(
        CallbackQueryHandler(
            handler(knows_role=True)(questions.pick), pattern=questions.PickTime.pattern()
        )
    )
    # last in group 0: a button no feature claims (an old bot version's) gets a toast
    application.add_handler(CallbackQueryHandler(_stale_button))
    application.add_error_handler(_on_error)
    route(application)  # the handlers found by a look-up, not tried in turn (bot.core.routing)
    return application


# each menu's scope: (scope, private chat, for coordinators)
MENU_SCOPES = (
    (BotCommandScopeAllPrivateChats(), True, True),
    (BotCommandScopeAllGroupChats(), False, False),
    (BotCommandScopeAllChatAdministrators(), False, True),
)


def pool_options(settings: Settings) -> dict[str, int]:
    """`DB_POOL_SIZE` and `DB_MAX_OVERFLOW` (PostgreSQL; SQLite has one writer anyway)."""
    if settings.database_url.startswith("sqlite"):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}


async def publish_menus(application: MingaApp) -> None:
    """Command menus per language and scope, sent together (one round trip to Telegram, not
    twelve in a row); a failure is logged, never fatal."""
    runtime = runtime_of(application)
    specs = runtime.commands
    targets: list[tuple[str | None, str]] = [(TELEGRAM_CODES[lang], lang) for lang in LANGUAGES]
    targets.append((None, runtime.settings.default_language))

    async def publish(scope: BotCommandScope, items: list[tuple[str, str]], code: str | None):
        try:
            await application.bot.set_my_commands(
                [BotCommand(command, text) for command, text in items],
                scope=scope,
                language_code=code,
            )
        except TelegramError as exc:
            log.warning("could not publish the %s menu for %s: %s", code, scope.type, exc)

    await asyncio.gather(
        dashboard.publish_menu_button(application),
        *(
            publish(scope, menu(specs, translator(lang), private=private, coordinator=boss), code)
            for code, lang in targets
            for scope, private, boss in MENU_SCOPES
        ),
    )


# tasks started at start that nobody awaits (a task only weakly referenced may be collected)
_BACKGROUND: set[asyncio.Task[None]] = set()


async def _post_init(application: MingaApp) -> None:
    # `minga run` polls while its menus go out (they need every language's catalog and a round
    # trip to Telegram: nothing the first update waits for)
    task = asyncio.create_task(publish_menus(application), name="minga:menus")
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)
    runtime = runtime_of(application)
    if application.job_queue is not None:
        runtime.scheduler.start(application.job_queue, runtime, runtime.settings.tick_seconds)


async def _post_shutdown(application: MingaApp) -> None:
    await runtime_of(application).engine.dispose()


async def _stale_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    tr = translator(query.from_user.language_code, context.runtime.settings.default_language)
    await context.runtime.messenger.answer(query.id, tr.gettext(STALE_BUTTON))


def passing(error: BaseException | None) -> bool:
    """A database error that trying again can cure: a locked SQLite file, a connection lost,
    a deadlock or a serialization failure."""
    if isinstance(error, OperationalError) or getattr(error, "connection_invalidated", False):
        return True
    if isinstance(error, DBAPIError):
        text = str(error.orig).lower()
        return "deadlock" in text or "serializ" in text
    return False


async def _on_error(update: object, context: BotContext) -> None:
    """Log what failed with the update; tell the person briefly, never with a traceback.

    An expected Telegram fault (flood control, a timeout, a chat gone or not found…) is one
    WARNING line naming the method and the chat, and nobody is answered: what the update
    changed is committed, and it was Telegram that failed, most likely in that very chat. A
    turn rolled back whole by a passing database error is run again by the poller. Behind a
    webhook (`FAILURES` is set) the update is answered 500 and Telegram delivers it again; when
    the failure is transient (the database or the network was away) the retry is the answer,
    and no apology is sent for each attempt."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    runtime = context.runtime
    failures = FAILURES.get()
    if failures is not None and error is not None:
        failures.append(error)
        if is_transient(error):
            log.warning("update %s failed, Telegram will deliver it again: %s", update_id, error)
            return
    if isinstance(update, Update) and runtime.retries is not None and passing(error):
        # rolled back whole: the poller runs it again, so nobody is told to try again
        log.warning("update %s is tried again after: %s", update.update_id, error)
        runtime.retries.add(update.update_id)
        return
    if error is not None and (line := describe(error)) is not None:
        log.warning("%s (update %s)", line, update_id)
        return
    log.error("error while handling %s", update, exc_info=error)
    if not isinstance(update, Update):
        return
    user = update.effective_user
    tr = translator(user.language_code if user else None, runtime.settings.default_language)
    try:
        if update.callback_query is not None:
            await runtime.messenger.answer(update.callback_query.id, tr.gettext(APOLOGY))
        elif (message := update.effective_message) is not None and (message.text or "").startswith(
            "/"
        ):
            await runtime.messenger.send(
                message.chat.id,
                tr.gettext(APOLOGY),
                thread_id=message.message_thread_id if message.is_topic_message else None,
            )
    except TelegramError as exc:
        log.warning("could not apologise for update %s: %s", update_id, describe(exc) or exc)
