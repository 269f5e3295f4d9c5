"""`minga serve` (a webhook replica), `minga setup` (once per release) and the guard that keeps
`minga run` from taking a webhook deployment offline.

Each answers a person in one line and a status, as the rest of `bot.cli` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bot.config import Settings

if TYPE_CHECKING:
    from telegram.request import BaseRequest

    from bot.app import MingaApp

log = logging.getLogger("minga")

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 1
GRACEFUL_SECONDS = 8  # SIGTERM: requests in flight get this long (Docker waits 10 s)

Fail = Callable[[str, int], int]


def webhook_guard_message(url: str) -> str:
    parts = urlsplit(url)  # the path is a secret of its own: not in a log
    return (
        f"a webhook is set ({parts.scheme}://{parts.netloc}/…); this bot is served by "
        "`minga serve`. To poll instead, remove it first: minga setup --polling"
    )


async def webhook_in_use(application: MingaApp) -> str | None:
    """The webhook URL Telegram has for this bot, or None. Polling would delete it."""
    bot = application.bot
    await bot.initialize()
    info = await bot.get_webhook_info()
    return info.url or None


async def beside_polling(
    application: MingaApp, settings: Settings, polling: Awaitable[None]
) -> None:
    """`minga run --web`: the same HTTP server as `minga serve` (the Mini App, health,
    metrics with `METRICS_TOKEN`), without the webhook route, while `polling` runs; polling
    owns SIGTERM, and when it ends the server stops taking requests and finishes its own."""
    import uvicorn

    from bot.web.app import create_app

    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    app = create_app(application, secret=None, path=None, metrics_token=token, manage=False)

    class Beside(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            yield

    server = Beside(
        uvicorn.Config(
            app,
            host=settings.listen_host,
            port=settings.listen_port,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=2,
            proxy_headers=True,
        )
    )
    log.info("Minga serves its web pages on %s:%s", settings.listen_host, settings.listen_port)
    web = asyncio.ensure_future(server.serve())
    try:
        await polling
    finally:
        server.should_exit = True
        with contextlib.suppress(BaseException):
            await web


def _request(settings: Settings) -> BaseRequest:
    from telegram.request import HTTPXRequest

    from bot.core.observe import CountingRequest

    # as many connections to the Bot API as updates handled at once, and some for the tick
    return CountingRequest(HTTPXRequest(connection_pool_size=settings.db_pool_size + 8))


def serve(settings: Settings, fail: Fail) -> int:
    """One replica: the webhook endpoint, /healthz, /readyz, /metrics and the tick."""
    problem = settings.webhook_problem()
    if problem is not None:
        return fail(problem, EXIT_CONFIG)

    import uvicorn

    from bot.app import build_application, new_event_loop
    from bot.web.app import create_app, metrics_app

    assert settings.webhook_secret is not None
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    application = build_application(settings, _request(settings), polling=False)
    app = create_app(
        application,
        secret=settings.webhook_secret.get_secret_value(),
        path=settings.webhook_path(),
        metrics_token=token,
    )

    class Main(uvicorn.Server):
        """SIGTERM and SIGINT end the serving (no new connections, requests in flight finish,
        then the lifespan stops the tick) and the process exits 0, as `minga run` does."""

        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, self.handle_exit, sig, None)
            try:
                yield
            finally:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(sig)

    server = Main(
        uvicorn.Config(
            app,
            host=settings.listen_host,
            port=settings.listen_port,
            lifespan="on",
            log_config=None,  # Minga's logging (LOG_FORMAT) for uvicorn's lines too
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
            proxy_headers=True,
        )
    )

    class Side(uvicorn.Server):
        """The metrics server leaves SIGTERM to the main one."""

        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            yield

    side = None
    if settings.metrics_port is not None:
        side = Side(
            uvicorn.Config(
                metrics_app(application),
                host=settings.listen_host,
                port=settings.metrics_port,
                lifespan="off",
                log_config=None,
                access_log=False,
            )
        )
    log.info(
        "Minga serves webhooks on %s:%s (metrics %s)",
        settings.listen_host,
        settings.listen_port,
        f"port {settings.metrics_port}" if side else ("/metrics" if token else "off"),
    )

    async def both() -> None:
        extra = asyncio.ensure_future(side.serve()) if side else None
        try:
            await server.serve()
        finally:
            if side is not None and extra is not None:
                side.should_exit = True
                await extra

    try:
        loop.run_until_complete(both())
    finally:
        loop.close()
    if not server.started:
        return fail(
            f"could not serve on {settings.listen_host}:{settings.listen_port} "
            "(see the line above)",
            EXIT_UNREACHABLE,
        )
    return 0


def setup(
    settings: Settings, *, polling: bool, migrate: Callable[[Settings], int | None], fail: Fail
) -> int:
    """Once per release: migrations, then the webhook (or its removal) and the command menus."""
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return fail(
            "BOT_TOKEN is not set. Get a token from @BotFather (example: BOT_TOKEN=123:ABC)",
            EXIT_CONFIG,
        )
    if not polling:
        problem = settings.webhook_problem()
        if problem is None and settings.webhook_url is None:
            problem = "WEBHOOK_URL is not set (example: WEBHOOK_URL=https://minga.example.org)"
        if problem is not None:
            return fail(problem, EXIT_CONFIG)
    status = migrate(settings)
    if status is not None:
        return status

    from telegram.error import InvalidToken, TelegramError

    from bot.app import build_application, new_event_loop

    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    application = build_application(settings, polling=False)
    try:
        said = loop.run_until_complete(_setup(application, settings, polling))
    except InvalidToken:
        return fail(
            "Telegram does not accept this BOT_TOKEN. Check it with @BotFather.", EXIT_CONFIG
        )
    except TelegramError as exc:
        return fail(
            f"Telegram refused the setup at {settings.telegram_api_url}: {exc.message}",
            EXIT_UNREACHABLE,
        )
    finally:
        loop.close()
    print(f"minga: {said}")
    return 0


async def _setup(app: MingaApp, settings: Settings, polling: bool) -> str:
    from bot.app import ALLOWED_UPDATES, publish_menus
    from bot.core.runtime import runtime_of

    await app.initialize()
    try:
        bot = app.bot
        if polling:
            await bot.delete_webhook(drop_pending_updates=False)
            said = "the webhook is removed; start the bot with: minga run"
        else:
            assert settings.webhook_url is not None and settings.webhook_secret is not None
            await bot.set_webhook(
                url=settings.webhook_url + settings.webhook_path(),
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=ALLOWED_UPDATES,
                max_connections=settings.webhook_max_connections,
                drop_pending_updates=False,
            )
            said = (
                f"the database is up to date and Telegram posts updates to "
                f"{settings.webhook_url}/telegram/…; start replicas with: minga serve"
            )
        await publish_menus(app)
    finally:
        await app.shutdown()
        await runtime_of(app).engine.dispose()
    return said
