"""A Bot API server on this machine, over real HTTP: just enough of the Bot API for a real
`minga run` (or any PTB bot) in another process. Used by `tests/test_cli.py` and
`bench/startup.py`.

It answers getMe, deleteWebhook, setMyCommands and getUpdates (the given updates once, then an
empty list after holding the long poll a moment), records sendMessage, and notes when the first
getUpdates arrived. `reject_token=True` answers every call as Telegram answers a revoked token
(401 Unauthorized).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.updates import BOT_USER


class BotApiServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        updates: Sequence[dict[str, Any]] = (),
        *,
        reject_token: bool = False,
        hold: float = 0.2,
        latency: float = 0.0,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.updates = list(updates)
        self.reject_token = reject_token
        self.hold = hold  # how long an empty long poll is held before answering []
        self.latency = latency  # seconds added to every answer, as a far server's round trip
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.paths: list[str] = []
        self.first_poll: float | None = None  # time.monotonic() of the first getUpdates
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.webhook = ""  # setWebhook sets it, deleteWebhook clears it, getWebhookInfo tells

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def start(self) -> BotApiServer:
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up on a held long poll (it stopped) is no error."""

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.paths.clear()
            self.first_poll = None

    def methods(self) -> list[str]:
        with self.lock:
            return [method for method, _ in self.calls]

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            self.calls.append((method, params))
            if method == "getUpdates" and self.first_poll is None:
                self.first_poll = time.monotonic()
        if method == "getMe":
            return BOT_USER.json() | {
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "getWebhookInfo":
            return {"url": self.webhook, "has_custom_certificate": False, "pending_update_count": 0}
        if method == "setWebhook":
            self.webhook = params["url"]
        if method == "deleteWebhook":
            self.webhook = ""
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            fresh = [u for u in self.updates if u["update_id"] >= offset]
            if fresh:
                return fresh
            time.sleep(min(self.hold, float(params.get("timeout") or 0) or self.hold))
            return []
        if method == "sendMessage":
            return {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params["text"],
            }
        return True


class _Handler(BaseHTTPRequestHandler):
    server: BotApiServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        params: dict[str, Any] = {}
        if body.startswith("{"):
            params = json.loads(body)
        else:
            for key, values in parse_qs(body).items():
                try:
                    params[key] = json.loads(values[0])
                except json.JSONDecodeError:
                    params[key] = values[0]
        with self.server.lock:
            self.server.paths.append(self.path)
        method = self.path.rsplit("/", 1)[-1]
        if self.server.latency:
            time.sleep(self.server.latency)
        if self.server.reject_token:
            status = 401
            reply: dict[str, Any] = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            with self.server.lock:
                self.server.calls.append((method, params))
        else:
            status = 200
            reply = {"ok": True, "result": self.server.answer(method, params)}
        payload = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None
