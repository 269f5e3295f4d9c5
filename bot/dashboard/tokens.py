"""The opaque group token of a Mini App link (`startapp=<token>`, `?g=<token>`).

It names a group's row id and signs it with a key derived from the bot token, so it needs no
table and cannot be forged or guessed for another group: `g<id>_<16 url-safe characters>`,
well within `startapp`'s 64 characters of A-Z a-z 0-9 _ -. A token opens nothing by itself:
every request is still checked against the viewer's role in that group.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

_TOKEN = re.compile(r"g([1-9][0-9]{0,17})_([A-Za-z0-9_-]{16})")


def _key(bot_token: str) -> bytes:
    return hmac.new(b"MingaGroupToken", bot_token.encode(), hashlib.sha256).digest()


def _mac(bot_token: str, group_id: int) -> str:
    digest = hmac.new(_key(bot_token), f"group:{group_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def group_token(bot_token: str, group_id: int) -> str:
    return f"g{group_id}_{_mac(bot_token, group_id)}"


def read_group_token(bot_token: str, token: str | None) -> int | None:
    """The group's row id a token names, or None for anything that is not one of ours."""
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        return None
    group_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2), _mac(bot_token, group_id)):
        return None
    return group_id
