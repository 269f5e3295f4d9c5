"""The Bot API double and the bot process of `bench/faults.py` (issue 18's fault proof).

`BotApi` is just enough of the Bot API for the fault rounds, over HTTP, with Telegram's
getUpdates semantics (an update is kept until an offset passes it), Telegram's HTML parser
(`tests.telegram_double.parse_html`: text it cannot parse is refused, as Telegram refuses it,
and counted in `rejected`) and per-chat fault switches (`faults`): every call about the chat
answers as Telegram does when it misbehaves — `429` (flood control, `retry_after`), `5xx` (502
Bad Gateway), `timeout` (the request hangs until it is switched off, then answers 504; nothing
is done), `403` (the bot was kicked), `not found` (400 chat not found) and `migrated` (400 with
`migrate_to_chat_id`: the chat became a supergroup). `Minga` is `python -m bot run` against it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
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

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bench.harness import drop, fresh, wait_for  # noqa: E402, F401 - for the rounds
from bot.config import normalize_database_url  # noqa: E402
from tests.telegram_double import (  # noqa: E402
    ApiError,
    chat_not_found,
    forbidden,
    migrated,
    parse_html,
    retry_after,
    server_error,
)

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
        self.faults: dict[int, tuple[str, Any]] = {}  # chat id: (kind, argument)
        self.faulted: Counter[int] = Counter()  # calls answered with a fault, by chat
        self.rejected: list[str] = []  # texts Telegram's HTML parser refused
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
            self.faults.clear()
            self.faulted.clear()
            self.rejected.clear()
            self.polls = 0

    def pending(self) -> int:
        with self.lock:
            return len(self.inbox)

    def fail(self, chat: int, kind: str, argument: Any = None) -> None:
        with self.lock:
            self.faults[chat] = (kind, argument)
            self.lock.notify_all()

    def mend(self, chat: int) -> None:
        with self.lock:
            self.faults.pop(chat, None)
            self.lock.notify_all()

    def cards(self, chat: int | None = None) -> Counter[tuple[int, str]]:
        """How many times each commitment's card was sent, by (chat, number)."""
        with self.lock:
            sent = list(self.sent)
        return Counter(
            (c, m.group(1))
            for c, _, body, _ in sent
            if (chat is None or c == chat) and (m := CARD.match(body))
        )

    # -- the Bot API -----------------------------------------------------------------------
    def answer(self, method: str, params: dict[str, Any]) -> Any:
        """The call's result; an `ApiError` is raised for Telegram's refusals."""
        if method == "getUpdates":
            return self._updates(params)
        chat = params.get("chat_id")
        if isinstance(chat, int) or (isinstance(chat, str) and chat.lstrip("-").isdigit()):
            self._fault(method, int(chat))
        with self.lock:
            if method == "getMe":
                return BOT | {"can_join_groups": True, "can_read_all_group_messages": False}
            if method == "getWebhookInfo":  # no webhook: `minga run` may poll
                return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            if method in ("sendMessage", "editMessageText"):
                self._parse(params)
            if method == "sendMessage":
                chat = int(params["chat_id"])
                if self.flood_until.get(chat, 0) > time.monotonic():
                    raise retry_after(15)
                message_id = next(self.ids)
                self.sent.append((chat, message_id, params["text"], params.get("reply_markup")))
                return self._message(chat, message_id, params)
            if method == "editMessageText":
                return self._message(int(params["chat_id"]), int(params["message_id"]), params)
            if method == "answerCallbackQuery":
                self.answers[params["callback_query_id"]] += 1
                return True
            if method == "getChatAdministrators":
                return [{"user": CREATOR, "status": "creator", "is_anonymous": False}]
            if method == "getChatMember":
                return {"user": BOT, "status": "administrator", "can_pin_messages": True}
            return True

    def _fault(self, method: str, chat: int) -> None:
        with self.lock:
            kind, argument = self.faults.get(chat, ("", None))
            if not kind:
                return
            self.faulted[chat] += 1
            if kind == "timeout":  # hangs while the fault lasts (the client gives up first)
                deadline = time.monotonic() + 60
                while self.faults.get(chat, ("", None))[0] == "timeout":
                    if time.monotonic() > deadline:
                        break
                    self.lock.wait(0.5)
                raise server_error(504, "Gateway Timeout")
        raise {
            "429": lambda: retry_after(argument or 5),
            "5xx": lambda: server_error(502, "Bad Gateway"),
            "403": lambda: forbidden(),
            "not found": chat_not_found,
            "migrated": lambda: migrated(argument),
        }[kind]()

    def _parse(self, params: dict[str, Any]) -> None:
        if params.get("parse_mode") != "HTML":
            return
        try:
            parse_html(str(params.get("text", "")))
        except ApiError:
            self.rejected.append(str(params.get("text", "")))
            raise

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
        shown = params.get("text", "")
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "supergroup", "title": f"Barrio {chat}"},
            "from": BOT,
            "text": parse_html(shown) if params.get("parse_mode") == "HTML" else shown,
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
        try:
            result = self.server.answer(self.path.rsplit("/", 1)[-1], params)
            status, payload = 200, json.dumps({"ok": True, "result": result}).encode()
        except ApiError as refusal:
            status, payload = refusal.response()
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
        return self.count("Traceback")

    def count(self, pattern: str) -> int:
        """Lines of the process's logs matching `pattern` (a regular expression)."""
        found = re.compile(pattern)
        return sum(
            bool(found.search(line))
            for log in self.logs
            for line in log.read_text(errors="replace").splitlines()
        )


CARD = re.compile(r"📌 (?:<b>)?#(\d+)(?:</b>)? ")  # a commitment's card, as sent (HTML)


def settle(condition: Callable[[], bool], seconds: float) -> bool:
    """Wait up to `seconds` for `condition`; whether it held (a round reports, not fails)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


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


def waiting_cards(url: str) -> set[tuple[int, str]]:
    """The (chat, number) of each card the outbox still has to send."""

    async def read() -> set[tuple[int, str]]:
        engine = create_async_engine(normalize_database_url(url))
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text("select chat_id, payload from outbox where done_at is null")
                )
                found = set()
                for chat, payload in rows:
                    body = payload if isinstance(payload, dict) else json.loads(payload)
                    if m := CARD.match(body.get("text", "")):
                        found.add((int(chat), m.group(1)))
                return found
        finally:
            await engine.dispose()

    return asyncio.run(read())


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
