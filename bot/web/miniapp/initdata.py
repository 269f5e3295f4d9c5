"""Telegram's `initData`: the signed query string a Mini App receives, checked as Telegram
documents it (core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).

secret = HMAC_SHA256(key="WebAppData", msg=bot_token); the data-check-string is every field
but `hash`, sorted by name, as `name=value` lines joined by "\\n"; `hash` must be the hex
HMAC_SHA256 of it under that secret (compared in constant time). An `auth_date` older than
`MAX_AGE` (by the program's clock) is refused, and one from the future past a little skew.
Pure: plain values in, a `WebAppUser` out or `InvalidInitData` raised.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from bot.core.records import frozen

MAX_AGE = timedelta(hours=24)
SKEW = timedelta(minutes=5)
MAX_LENGTH = 8192  # Telegram's are well under 1 kB


class InvalidInitData(Exception):
    """Why initData is refused (for the log; the person sees one sentence)."""


@frozen
class WebAppUser:
    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None
    start_param: str | None
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The `hash` Telegram would put on `fields` (tests and the browser stub sign with it)."""
    data = check_string(fields).encode()
    return hmac.new(secret_key(bot_token), data, hashlib.sha256).hexdigest()


def validate(raw: str | None, bot_token: str, now: datetime) -> WebAppUser:
    if not raw:
        raise InvalidInitData("missing")
    if len(raw) > MAX_LENGTH:
        raise InvalidInitData("too long")
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InvalidInitData("not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("a field twice")
    given = fields.get("hash", "")
    if not hmac.compare_digest(given.encode(), sign(fields, bot_token).encode()):
        raise InvalidInitData("bad signature")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError) as exc:
        raise InvalidInitData("no auth_date") from exc
    if auth_date < now - MAX_AGE:
        raise InvalidInitData("expired")
    if auth_date > now + SKEW:
        raise InvalidInitData("from the future")
    try:
        user = json.loads(fields["user"])
        user_id = int(user["id"])
        first_name = str(user.get("first_name") or "")
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInitData("no user") from exc
    if user_id <= 0 or user.get("is_bot"):
        raise InvalidInitData("not a person")
    return WebAppUser(
        id=user_id,
        first_name=first_name[:64],
        last_name=(str(user["last_name"])[:64] if user.get("last_name") else None),
        username=(str(user["username"]) if user.get("username") else None),
        language_code=(str(user["language_code"]) if user.get("language_code") else None),
        start_param=fields.get("start_param") or None,
        auth_date=auth_date,
    )
