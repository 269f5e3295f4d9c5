"""The group's data for its coordinators, from the Mini App: the same export as `/export`
(`privacy.copies`), as a zip (a CSV file a table, and the JSON document) or as the JSON
document alone.

A link in Telegram's webview cannot carry the `initData` header, so a download is two steps:

1. `POST /app/download/<kind>?g=<token>` with the header: the server checks that the person
   coordinates the group and answers `{"url", "name"}`, a link signed for that person, group
   and kind, valid for `VALID` (no table: an HMAC keyed from the bot token);
2. the page makes it absolute from its own address and hands it to
   `Telegram.WebApp.downloadFile` (Telegram's own download, Bot API 8.0), or opens it where
   that is missing; `GET /app/file/<signed>` checks the
   signature, the time, and the person's role again, then sends the file.

Members and strangers get 403 at both steps; a link past its time, forged, or of someone no
longer a coordinator gets 403 too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import tempfile
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.i18n import N_
from bot.core.runtime import Runtime
from bot.dashboard.links import bot_token
from bot.dashboard.tokens import group_token
from bot.privacy import copies
from bot.web.miniapp import access
from bot.web.miniapp.access import INIT_DATA_HEADER, Refused
from bot.web.miniapp.initdata import WebAppUser

VALID = timedelta(minutes=5)
KINDS = {
    "zip": ("minga-group.zip", "application/zip"),
    "json": ("minga-group.json", "application/json"),
}
EXPIRED = N_("That download link has expired. Open the downloads page again.")
_SIGNED = re.compile(
    r"([1-9][0-9]{0,17})\.([1-9][0-9]{0,17})\.(zip|json)\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})"
)


def _mac(key: str, text: str) -> str:
    secret = hmac.new(b"MingaDownload", key.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def sign(key: str, group_id: int, person_id: int, kind: str, until: datetime) -> str:
    text = f"{group_id}.{person_id}.{kind}.{int(until.timestamp())}"
    return f"{text}.{_mac(key, text)}"


def read(key: str, signed: str, now: datetime) -> tuple[int, int, str] | None:
    """(group id, person id, kind) of a link signed by us and still valid, else None."""
    match = _SIGNED.fullmatch(signed)
    if match is None:
        return None
    group_id, person_id, kind, until, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(key, f"{group_id}.{person_id}.{kind}.{until}")):
        return None
    if int(until) < now.timestamp():
        return None
    return int(group_id), int(person_id), kind


def routes(runtime: Runtime, refused: Any) -> list[Route]:
    async def ask(request: Request) -> Response:
        kind = request.path_params["kind"]
        try:
            user = access.person(runtime, request.headers.get(INIT_DATA_HEADER))
            viewer = await access.viewer(runtime, user, request.query_params.get("g"))
            if not viewer.coordinator:
                raise Refused(403, access.COORDINATORS_ONLY, viewer.tr)
        except Refused as error:
            return refused(runtime, error)
        if kind not in KINDS:
            return Response(status_code=404)
        until = runtime.clock.now() + VALID
        signed = sign(bot_token(runtime.settings), viewer.group.id, user.id, kind, until)
        # relative to the shell: the page makes it absolute from where Telegram opened it
        # (behind a proxy, this server does not know its public address)
        return JSONResponse(
            {"url": f"file/{signed}", "name": KINDS[kind][0]},
            headers={"Cache-Control": "no-store"},
        )

    async def file(request: Request) -> Response:
        key, now = bot_token(runtime.settings), runtime.clock.now()
        found = read(key, request.path_params["signed"], now)
        if found is None:
            return refused(runtime, Refused(403, EXPIRED))
        group_id, person_id, kind = found
        user = WebAppUser(person_id, "?", None, None, None, None, now)
        try:  # the role again: a coordinator demoted since the link was made gets nothing
            viewer = await access.viewer(runtime, user, group_token(key, group_id))
            if not viewer.coordinator:
                raise Refused(403, access.COORDINATORS_ONLY, viewer.tr)
        except Refused as error:
            return refused(runtime, error)
        name, media = KINDS[kind]
        build = copies.group_export if kind == "zip" else copies.group_export_json
        with tempfile.TemporaryFile() as out:
            async with runtime.db() as session:
                await build(session, group_id, now, out)
            data = copies.export_bytes(out)
        headers = {
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
        return Response(data, media_type=media, headers=headers)

    return [
        Route("/app/download/{kind:str}", ask, methods=["POST"]),
        Route("/app/file/{signed:str}", file),
    ]
