"""The fault proof of issue 18: the real `minga run` process, killed and stopped mid-burst.

    python bench/faults.py [--pg postgresql://postgres@127.0.0.1:5432/test] [--clicks 500]

Runs a small HTTP Bot API double (getUpdates keeps every update until an offset passes it, as
Telegram does) and `python -m bot run` against it, on a fresh SQLite file — and, with `--pg`,
on a fresh PostgreSQL database created next to the one given (dropped at the end). Two
scenarios:

1. clicks: 500 members press a button of one proposal at once; the process is killed with
   SIGKILL after about 100, 250 and 400 toasts, and started again each time. Then every click
   must be a stored position (lost: clicks without one), none answered twice (duplicated).
2. shutdown: 500 /commit commands in 5 groups arrive at once while one group answers every
   send with a 15 s flood wait; SIGTERM comes after the first cards. The process must exit 0
   within 5 s; after a restart every command must be a commitment, and each commitment's card
   sent once or still waiting in the outbox (Telegram allows 20 messages a minute per group,
   so the cards of 100 commands in one group take 5 minutes; waiting is not lost).

Prints, per database: lost (must be 0), duplicated (0), tracebacks in the process's log (0)
and the time to exit. Figures are for this machine; it is shared and slow at times.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import make_url, text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.config import normalize_database_url  # noqa: E402

TOKEN = "123456:faults"
BOT = {"id": 123456, "is_bot": True, "first_name": "Minga", "username": "minga_faults_bot"}
CREATOR = {"id": 900, "is_bot": False, "first_name": "Ana", "language_code": "es"}


class BotApi(ThreadingHTTPServer):
    """Just enough of the Bot API for these scenarios, with Telegram's getUpdates semantics."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Condition()
        self.inbox: list[dict[str, Any]] = []
        self.ids = itertools.count(1000)
        self.update_ids = itertools.count(500000)
        self.sent: list[tuple[int, int, str, Any]] = []  # chat, message id, text, markup
        self.answers: Counter[str] = Counter()
        self.flood_until: dict[int, float] = {}
        self.polls = 0

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A killed process drops its connections; that is the point, not an error."""

    # -- what the scenarios do --------------------------------------------------------------
    def update(self, **body: Any) -> dict[str, Any]:
        return {"update_id": next(self.update_ids)} | body

    def deliver(self, updates: list[dict[str, Any]]) -> None:
        with self.lock:
            self.inbox.extend(updates)
            self.lock.notify_all()

    def reset(self) -> None:
        with self.lock:
            self.inbox.clear()
            self.sent.clear()
            self.answers.clear()
            self.flood_until.clear()
            self.polls = 0

    def pending(self) -> int:
        with self.lock:
            return len(self.inbox)

    # -- the Bot API -----------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "getUpdates":
            return 200, self._updates(params)
        with self.lock:
            if method == "getMe":
                return 200, BOT | {"can_join_groups": True, "can_read_all_group_messages": False}
            if method == "getWebhookInfo":  # no webhook: `minga run` may poll
                return 200, {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            if method == "sendMessage":
                chat = int(params["chat_id"])
                if self.flood_until.get(chat, 0) > time.monotonic():
                    return 429, {"retry_after": 15}
                message_id = next(self.ids)
                self.sent.append((chat, message_id, params["text"], params.get("reply_markup")))
                return 200, self._message(chat, message_id, params)
            if method == "editMessageText":
                return 200, self._message(int(params["chat_id"]), int(params["message_id"]), params)
            if method == "answerCallbackQuery":
                self.answers[params["callback_query_id"]] += 1
                return 200, True
            if method == "getChatAdministrators":
                return 200, [{"user": CREATOR, "status": "creator", "is_anonymous": False}]
            if method == "getChatMember":
                return 200, {"user": BOT, "status": "administrator", "can_pin_messages": True}
            return 200, True

    def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 2.0)
        with self.lock:
            self.polls += 1
            self.inbox = [u for u in self.inbox if u["update_id"] >= offset]
            while not self.inbox and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return self.inbox[:limit]

    @staticmethod
    def _message(chat: int, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "supergroup", "title": f"Barrio {chat}"},
            "from": BOT,
            "text": re.sub(r"<[^>]+>", "", params.get("text", "")),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


class _Handler(BaseHTTPRequestHandler):
    server: BotApi
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params: dict[str, Any] = {}
        for key, values in parse_qs(body).items():
            try:
                params[key] = json.loads(values[0])
            except json.JSONDecodeError:
                params[key] = values[0]
        status, result = self.server.answer(self.path.rsplit("/", 1)[-1], params)
        if status == 200:
            reply: dict[str, Any] = {"ok": True, "result": result}
        else:
            reply = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
            reply["parameters"] = result
        payload = json.dumps(reply).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the process was killed meanwhile
            pass

    def log_message(self, *args: Any) -> None:
        return None


# -- the bot process ---------------------------------------------------------------------------


class Minga:
    def __init__(self, api: BotApi, url: str, workdir: Path) -> None:
        self.api, self.url, self.workdir = api, url, workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.logs: list[Path] = []

    def start(self) -> None:
        log = self.workdir / f"minga-{len(self.logs)}.log"
        self.logs.append(log)
        env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
        env |= {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": f"http://127.0.0.1:{self.api.server_port}",
            "DATABASE_URL": self.url,
            "TICK_SECONDS": "2",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        }
        polls = self.api.polls
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=self.workdir, env=env, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(lambda: self.api.polls > polls, 90, "the bot never polled")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> tuple[float, int]:
        """SIGTERM; the seconds until it exited and its status."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()
            status = -9
        return time.monotonic() - started, status

    def tracebacks(self) -> int:
        return sum(log.read_text(errors="replace").count("Traceback") for log in self.logs)


CARD = re.compile(r"📌 (?:<b>)?#(\d+)(?:</b>)? ")  # a commitment's card, as sent (HTML)


def wait_for(condition: Callable[[], bool], seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"faults: {failure}")
        time.sleep(0.1)


def scalar(url: str, sql: str) -> int:
    """One number from the bot's database (-1 while its tables do not exist yet)."""

    async def read() -> int:
        engine = create_async_engine(normalize_database_url(url))
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text(sql))).scalar() or 0)
        except Exception:
            return -1
        finally:
            await engine.dispose()

    return asyncio.run(read())


def admin(url: str, *statements: str) -> None:
    """Statements outside a transaction, on the server's `postgres` database."""

    async def execute() -> None:
        target = make_url(normalize_database_url(url)).set(database="postgres")
        engine = create_async_engine(target, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(execute())


def member(n: int) -> dict[str, Any]:
    return {"id": 10000 + n, "is_bot": False, "first_name": f"Vecina {n}", "language_code": "es"}


def group(n: int) -> dict[str, Any]:
    return {"id": -1001000000000 - n, "type": "supergroup", "title": f"Barrio {n}"}


def added(api: BotApi, chat: dict[str, Any]) -> dict[str, Any]:
    change = {
        "chat": chat,
        "from": CREATOR,
        "date": int(time.time()),
        "old_chat_member": {"user": BOT, "status": "left"},
        "new_chat_member": {"user": BOT, "status": "member"},
    }
    return api.update(my_chat_member=change)


def command(api: BotApi, chat: dict[str, Any], who: dict[str, Any], line: str) -> dict[str, Any]:
    name = line.split()[0]
    message = {
        "message_id": next(api.ids),
        "date": int(time.time()),
        "chat": chat,
        "from": who,
        "text": line,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(name)}],
    }
    return api.update(message=message)


# -- the scenarios -----------------------------------------------------------------------------


def clicks(api: BotApi, url: str, workdir: Path, count: int) -> dict[str, Any]:
    api.reset()
    bot = Minga(api, url, workdir / "clicks")
    bot.workdir.mkdir()
    bot.start()
    chat = group(1)
    api.deliver([added(api, chat), command(api, chat, CREATOR, "/propose Pintar el mural")])
    wait_for(lambda: any("vote:c" in json.dumps(m[3]) for m in api.sent), 60, "no proposal")
    [(chat_id, message_id, shown, markup)] = [m for m in api.sent if "vote:c" in json.dumps(m[3])]
    button = markup["inline_keyboard"][0][0]["callback_data"]
    message = BotApi._message(chat_id, message_id, {"text": shown, "reply_markup": markup})
    presses = [
        api.update(
            callback_query={
                "id": f"q{n}",
                "from": member(n),
                "message": message,
                "chat_instance": "ci1",
                "data": button,
            }
        )
        for n in range(count)
    ]
    api.deliver(presses)
    points = [count // 5, count // 2, count * 4 // 5]
    for point in points:
        wait_for(lambda point=point: len(api.answers) >= point, 300, "the clicks stalled")
        bot.kill()
        bot.start()
    positions = "select count(*) from positions where vote_id = (select max(id) from votes)"
    wait_for(lambda: scalar(url, positions) >= count and api.pending() == 0, 180, "clicks lost")
    seconds, status = bot.stop()
    counted = scalar(url, positions)
    return {
        "clicks": count,
        "killed at toasts": points,
        "counted": counted,
        "lost": count - counted,
        "duplicated": sum(n - 1 for n in api.answers.values() if n > 1),
        "tracebacks": bot.tracebacks(),
        "exit": f"{seconds:.1f} s, status {status}",
    }


def shutdown(api: BotApi, url: str, workdir: Path, count: int) -> dict[str, Any]:
    api.reset()
    bot = Minga(api, url, workdir / "shutdown")
    bot.workdir.mkdir()
    bot.start()
    chats = [group(10 + n) for n in range(5)]
    api.deliver([added(api, chat) for chat in chats])
    wait_for(lambda: api.pending() == 0, 60, "the groups were never registered")
    api.flood_until[chats[0]["id"]] = time.monotonic() + 600  # one group in a long flood wait
    commands = [
        command(api, chats[n % 5], member(n), f"/commit Tarea {n} by viernes") for n in range(count)
    ]
    api.deliver(commands)
    wait_for(lambda: sum(m[2].startswith("📌") for m in api.sent) >= 10, 120, "no cards")
    seconds, status = bot.stop()
    stored_at_stop = scalar(url, "select count(*) from commitments")
    api.flood_until.clear()
    bot.start()
    wait_for(lambda: scalar(url, "select count(*) from commitments") >= count, 240, "lost")
    time.sleep(10)  # some of the outbox drains (20 a minute per group)
    again, status_again = bot.stop()
    cards = Counter((chat, m.group(1)) for chat, _, body, _ in api.sent if (m := CARD.match(body)))
    stored = scalar(url, "select count(*) from commitments")
    waiting = scalar(url, "select count(*) from outbox where done_at is null and after is not null")
    return {
        "commands": count,
        "stored when stopped": stored_at_stop,
        "exit": f"{seconds:.1f} s, status {status}",
        "stored in the end": stored,
        "cards sent": len(cards),
        "cards waiting in the outbox": waiting,
        "lost": (count - stored) + max(0, stored - len(cards) - waiting),
        "duplicated": sum(n - 1 for n in cards.values() if n > 1),
        "tracebacks": bot.tracebacks(),
        "second exit": f"{again:.1f} s, status {status_again}",
    }


def run(name: str, url: str, count: int) -> None:
    api = BotApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    tmp = tempfile.mkdtemp(prefix="minga-faults-")
    print(f"{name} (logs in {tmp}):")
    workdir = Path(tmp)
    target = url
    scenarios = (
        ("kill -9 ×3 in a click burst", clicks, "clicks"),
        ("SIGTERM with commands queued", shutdown, "shutdown"),
    )
    for title, scenario, db in scenarios:
        scenario_url = fresh(target, db, workdir)
        started = time.monotonic()
        figures = scenario(api, scenario_url, workdir, count)
        print(f"  {title} ({time.monotonic() - started:.0f} s):")
        for key, value in figures.items():
            print(f"    {key:28s} {value}")
        drop(scenario_url)
    api.shutdown()
    shutil.rmtree(tmp)


def fresh(url: str, name: str, workdir: Path) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{workdir}/{name}.db"
    database = f"minga_faults_{name}_{os.getpid()}"
    admin(url, f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", default=None, help="a PostgreSQL URL (a database is made next to it)"
    )
    parser.add_argument("--clicks", type=int, default=500, help="clicks, and commands")
    parser.add_argument("--only-pg", action="store_true", help="skip SQLite")
    args = parser.parse_args()
    if not args.only_pg:
        run("SQLite", "sqlite", args.clicks)
    if args.pg:
        run("PostgreSQL", args.pg, args.clicks)


if __name__ == "__main__":
    main()
