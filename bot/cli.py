"""`minga run` and `minga migrate`. Every failure a person can fix is one line and a status."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.config import ConfigError, Settings
from bot.core import secrets

EXIT_CONFIG = 2  # a setting is missing or wrong
EXIT_UNREACHABLE = 1  # the database or Telegram cannot be reached
DOCKER_UID = 10001  # the user of the Docker image (Dockerfile)

log = logging.getLogger("minga")


def fail(message: str, status: int, token: str | None = None) -> int:
    print(f"minga: {secrets.mask(message, [token] if token else [])}", file=sys.stderr)
    return status


def load_settings() -> Settings:
    return Settings()


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _quiet_threads() -> None:
    """After a failed connection aiosqlite's worker thread may still raise while the
    interpreter exits ("Event loop is closed"): the one-line answer is all a person needs."""

    def hook(args: threading.ExceptHookArgs) -> None:
        log.debug("background thread ended with %s", args.exc_type.__name__)

    threading.excepthook = hook


def sqlite_folder_problem(database_url: str) -> str | None:
    """Why SQLite could not write its file (and the journal files beside it), in words a person
    can act on; SQLite itself only says "unable to open database file"."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return None
    name = url.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    path = Path(name).absolute()
    folder = path.parent
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    who = f"the user running Minga (uid {uid})" if uid is not None else "the user running Minga"
    docker = f"; in Docker that is uid {DOCKER_UID}: chown {DOCKER_UID} {folder}"
    if not folder.exists():
        return f"the folder {folder} does not exist; create it (mkdir -p {folder})"
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        return f"{folder} must be a folder writable by {who}{docker}"
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"{path} must be readable and writable by {who}{docker}"
    return None


def in_child(work: Callable[[], int | None]) -> int | None:
    """`work` in a forked child, its status (and its one failure line) passed through: the bot
    that then runs for weeks never holds Alembic and every migration module (about 15 MiB). The
    child starts with what is imported already, so it costs little more than doing it here.
    Where there is no fork, here."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return work()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        status = 1
        try:
            status = work() or 0
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status) or None


def migrate(settings: Settings, *, apart: bool = False) -> int | None:
    """Bring the database to the head revision. `apart`: in a child process when there is
    anything to do (`minga run`, which goes on running)."""
    problem = sqlite_folder_problem(settings.database_url)
    if problem is not None:
        return fail(
            f"cannot use the database at {safe_url(settings.database_url)}: {problem}",
            EXIT_UNREACHABLE,
        )
    from bot.migrate import up_to_date, upgrade

    def cannot_use(exc: Exception) -> int:  # any driver's "cannot connect" is a one-line answer
        log.debug("migration failed", exc_info=True)
        _quiet_threads()
        return fail(
            f"cannot use the database at {safe_url(settings.database_url)}: {one_line(exc)}",
            EXIT_UNREACHABLE,
        )

    def apply() -> int | None:
        try:
            upgrade(settings.database_url)
        except Exception as exc:
            return cannot_use(exc)
        return None

    try:
        if up_to_date(settings.database_url):  # a restart: no Alembic in the bot
            return None
    except Exception as exc:
        return cannot_use(exc)
    if not apart:
        return apply()
    # the models, which Alembic's env.py imports and the bot needs anyway: loaded once, here,
    # so the child has them already
    import bot.models  # noqa: F401

    return in_child(apply)


def run(settings: Settings, *, web: bool = False) -> int:
    if settings.bot_token is None or not settings.bot_token.get_secret_value().strip():
        return fail(
            "BOT_TOKEN is not set. Get a token from @BotFather, then: BOT_TOKEN=123456:ABC-xyz "
            "minga run",
            EXIT_CONFIG,
        )
    status = migrate(settings, apart=True)
    if status is not None:
        return status

    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.app import ALLOWED_UPDATES, CONCURRENT_UPDATES, build_application, new_event_loop
    from bot.core.polling import serve
    from bot.web.commands import webhook_guard_message, webhook_in_use

    token = settings.bot_token.get_secret_value()
    rejected = "Telegram does not accept this BOT_TOKEN. Check it with @BotFather."

    def unreachable(exc: Exception) -> int:
        message = f"cannot reach the Bot API at {settings.telegram_api_url}: {one_line(exc)}"
        return fail(message, EXIT_UNREACHABLE, token)

    loop = new_event_loop()
    asyncio.set_event_loop(loop)  # the loop `serve` runs on
    application = build_application(settings)
    try:
        # getMe, before PTB's own start: it would log each failure with two chained tracebacks
        loop.run_until_complete(application.initialize())
    except InvalidToken:
        return fail(rejected, EXIT_CONFIG)
    except TelegramError as exc:  # no connection, a timeout, a server that answers nonsense
        return unreachable(exc)
    try:
        webhook = loop.run_until_complete(webhook_in_use(application))
    except TelegramError as exc:
        return unreachable(exc)
    if webhook is not None:  # polling would delete a production webhook
        return fail(webhook_guard_message(webhook), EXIT_CONFIG)
    log.info(
        "Minga starts polling (database %s, event loop %s)",
        safe_url(settings.database_url),
        type(loop).__module__.split(".")[0],
    )
    polling = serve(application, ALLOWED_UPDATES, concurrency=CONCURRENT_UPDATES)
    if web:  # the web server of `minga serve` beside polling (the Mini App, health)
        from bot.web.commands import beside_polling

        polling = beside_polling(application, settings, polling)
    try:
        loop.run_until_complete(polling)
    except InvalidToken:
        return fail(rejected, EXIT_CONFIG)
    except NetworkError as exc:
        return unreachable(exc)
    finally:
        _close(loop)
    return 0


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """End what is left on the loop (jobs cancelled at shutdown), then close it."""
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def add_web_commands(sub: Any) -> None:
    sub.add_parser("serve", help="serve Telegram's webhook (one replica of many)")
    setup = sub.add_parser(
        "setup", help="once per release: migrations, the webhook and the command menus"
    )
    setup.add_argument(
        "--polling", action="store_true", help="remove the webhook, for `minga run` instead"
    )


def run_web_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web import commands

    if args.command == "serve":
        return commands.serve(settings, fail)
    return commands.setup(settings, polling=args.polling, migrate=migrate, fail=fail)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="minga", description="Minga: a Telegram bot that turns a group chat into a council."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="apply migrations, then run the bot (long polling)")
    run_parser.add_argument(
        "--web",
        action="store_true",
        help="also serve the web pages (the Mini App) on LISTEN_HOST:LISTEN_PORT",
    )
    sub.add_parser("migrate", help="apply database migrations and exit")
    add_web_commands(sub)
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ConfigError as exc:
        return fail(str(exc), EXIT_CONFIG)

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    secrets.install(settings.bot_token.get_secret_value() if settings.bot_token else None)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if settings.log_format == "json":
        from bot.core.observe import use_json_logs

        use_json_logs()

    if args.command in ("serve", "setup"):
        return run_web_command(args, settings)
    if args.command == "migrate":
        status = migrate(settings)
        if status is None:
            print("minga: the database is up to date")
        return status or 0
    return run(settings, web=args.web)
