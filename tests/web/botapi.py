"""The strict Telegram double (`tests/telegram_double.py`) served over HTTP, for real `minga
serve` processes, and Telegram's side of webhooks: it posts updates to the replicas, one
chat's updates one after the other (the next only when the previous request ended, as
Telegram does), each to the next replica in turn, and delivers an update again, to another
replica, when a request fails (500, a refused or a broken connection)."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from bot.core.clock import SYSTEM
from tests.telegram_double import ApiError, Call, TelegramDouble


class UpdateInbox:
    """What getUpdates hands out, as Telegram does: an update is kept until the offset of a
    getUpdates passes it, and a poll with nothing to hand out is held until an update comes
    (or its timeout ends: at most `hold` seconds, so a stopping bot is not held long). Notes
    the polls, when the first came, and each rise of the offset (what the bot confirmed)."""

    def __init__(self, hold: float = 2.0) -> None:
        self.ready = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.hold = hold
        self.polls = 0
        self.first_poll: float | None = None  # time.monotonic() of the first getUpdates
        self.confirmed: list[tuple[float, int]] = []  # (when, offset), each time it rose

    def deliver(self, updates: list[dict[str, Any]]) -> None:
        with self.ready:
            self.updates.extend(updates)
            self.ready.notify_all()

    def pending(self) -> int:
        with self.ready:
            return len(self.updates)

    def clear(self) -> None:
        with self.ready:
            self.updates.clear()
            self.polls = 0

    def confirmed_past(self, update_id: int) -> float | None:
        """When an offset first passed `update_id` (None: not yet)."""
        with self.ready:
            return next((at for at, offset in self.confirmed if offset > update_id), None)

    def take(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        now = time.monotonic()
        deadline = now + min(float(params.get("timeout") or 0), self.hold)
        with self.ready:
            self.polls += 1
            if self.first_poll is None:
                self.first_poll = now
            if offset > (self.confirmed[-1][1] if self.confirmed else 0):
                self.confirmed.append((now, offset))
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and (left := deadline - time.monotonic()) > 0:
                self.ready.wait(left)
            return self.updates[:limit]


class HttpBotApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tg = TelegramDouble(SYSTEM)
        self.lock = threading.Lock()
        self.webhook: dict[str, Any] = {}
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.inbox = UpdateInbox()  # what getUpdates hands out (polling)
        # a method held: its calls wait until released (`hold`)
        self.held: dict[str, tuple[threading.Event, threading.Event]] = {}

    def hold(self, method: str) -> tuple[threading.Event, threading.Event]:
        """Calls of `method` wait until the second event is set; the first is set when one
        has come (so a test knows a request of the bot is under way)."""
        events = self.held[method] = (threading.Event(), threading.Event())
        return events

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a replica killed, the poller stopped) is no news."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def __enter__(self) -> HttpBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        if method in self.held:
            arrived, release = self.held[method]
            arrived.set()
            release.wait(30)
        if method == "getUpdates":
            batch = self.inbox.take(params)
            return 200, json.dumps({"ok": True, "result": batch}).encode()
        with self.lock:
            if method == "setWebhook":
                self.webhook = params
                return 200, b'{"ok": true, "result": true}'
            if method == "getWebhookInfo":
                info = {"url": self.webhook.get("url", ""), "has_custom_certificate": False}
                return 200, json.dumps(
                    {"ok": True, "result": info | {"pending_update_count": 0}}
                ).encode()
            if method == "deleteWebhook":
                self.webhook = {}
                return 200, b'{"ok": true, "result": true}'
            self.tg.calls.append(Call(method, params, method))
            queued = self.tg.failures.get(method)
            if queued:
                return queued.popleft().response()
            handler = getattr(self.tg, f"api_{method}", None)
            if handler is None:
                return ApiError(404, f"Not Found: {method}").response()
            try:
                result = handler(params)
            except ApiError as error:
                return error.response()
            return 200, json.dumps({"ok": True, "result": result}).encode()


class _Handler(BaseHTTPRequestHandler):
    server: HttpBotApi
    protocol_version = "HTTP/1.1"
    # an answer's headers and body are two writes: with Nagle's algorithm the body waits for
    # the client's delayed ACK, 40 ms a call, which Telegram does not add
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params: dict[str, Any] = {}
        if body:
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params[key] = _value(key, values[0])
        code, payload = self.server.answer(self.path.rsplit("/", 1)[-1], params)
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None


TEXT_FIELDS = {"text", "caption", "question", "callback_query_id", "parse_mode", "title"}


def _value(key: str, raw: str) -> Any:
    """PTB sends each parameter as JSON (objects, lists, numbers) or as a bare string."""
    if key in TEXT_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Replica:
    def __init__(self, env: dict[str, str], cwd: Path, name: str, command: str = "serve") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (cwd / f"{name}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", command],
            cwd=cwd,
            env=env | {"LISTEN_PORT": str(self.port)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    async def ready(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, "the replica stopped"
                try:
                    if (await client.get(self.base + "/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError("the replica never became ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Telegram:
    """Telegram's side of the webhook: delivers updates to the replicas in turn."""

    def __init__(self, replicas: list[str], path: str, secret: str) -> None:
        self.replicas = replicas
        self.path, self.secret = path, secret
        self.turn = 0
        self.attempts: dict[int, list[tuple[str, int | str]]] = defaultdict(list)
        self.client = httpx.AsyncClient(timeout=30)

    async def close(self) -> None:
        await self.client.aclose()

    async def deliver(self, update: dict[str, Any], tries: int = 40) -> str:
        """Post until a replica answers 200; the replica that did."""
        for _ in range(tries):
            base = self.replicas[self.turn % len(self.replicas)]
            self.turn += 1
            try:
                answer = await self.client.post(
                    base + self.path,
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
                )
                self.attempts[update["update_id"]].append((base, answer.status_code))
                if answer.status_code == 200:
                    return base
            except httpx.HTTPError as exc:  # refused, reset: the replica is gone
                self.attempts[update["update_id"]].append((base, type(exc).__name__))
            await asyncio.sleep(0.05)
        raise AssertionError(f"update {update['update_id']} was never accepted")

    async def deliver_chats(self, chats: list[list[dict[str, Any]]]) -> None:
        """Each chat's updates in order, the chats at the same time."""

        async def one_chat(updates: list[dict[str, Any]]) -> None:
            for update in updates:
                await self.deliver(update)

        await asyncio.gather(*(one_chat(updates) for updates in chats))
