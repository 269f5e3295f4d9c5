"""The routers (bot.core.routing) choose the handler PTB's walk over every handler would."""

from __future__ import annotations

import re
from typing import Any

import pytest
from telegram import Update
from telegram.ext import BaseHandler

from bot import app as app_module
from bot.app import build_application
from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.core.routing import ButtonRouter, CommandRouter, Router, button_key
from tests.conftest import ANA, DEFAULT_NOW, NORTE
from tests.telegram_double import TelegramDouble
from tests.updates import Updates, private_chat

CLOCK = FrozenClock(DEFAULT_NOW)


def application(tmp_path: Any, routed: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not routed:
        monkeypatch.setattr(app_module, "route", lambda application: None)
    settings = Settings(
        bot_token="1:routing", database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", _env_file=None
    )
    built = build_application(settings, request=TelegramDouble(CLOCK), rate_limiter=False)
    monkeypatch.undo()
    return built


def chosen(app: Any, update: Update) -> list[str | None]:
    """Per handler group, the callback of the handler PTB hands `update` to (or None)."""
    picks = []
    for handlers in app.handlers.values():
        pick = None
        for handler in handlers:
            check = handler.check_update(update)
            if check is not None and check is not False:
                taker = check[0] if isinstance(handler, Router) else handler
                pick = f"{taker.callback.__module__}.{taker.callback.__qualname__}"
                break
        picks.append(pick)
    return picks


def button_data(pattern: re.Pattern[str]) -> str:
    """A button's data that `pattern` (as `Callback.pattern()` writes them) matches."""
    return pattern.pattern.strip("^$").replace(r"[A-Za-z0-9_\-]{1,40}", "7")


def commands(app: Any) -> set[str]:
    names: set[str] = set()
    for handlers in app.handlers.values():
        for handler in handlers:
            names |= set(getattr(handler, "commands", ()))
    return names


async def test_every_update_goes_where_the_walk_over_every_handler_sends_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked = application(tmp_path, False, monkeypatch)
    routed = application(tmp_path, True, monkeypatch)
    await walked.bot.initialize()
    await routed.bot.initialize()
    group_sizes = {g: len(h) for g, h in routed.handlers.items()}
    assert group_sizes[0] < len(walked.handlers[0]) / 3  # most are found by a look-up now
    u = Updates(CLOCK)
    shown = u.message_json(NORTE, ANA, "una votación")
    patterns = [
        h.pattern
        for hs in walked.handlers.values()
        for h in hs
        if isinstance(getattr(h, "pattern", None), re.Pattern)
    ]
    assert len(patterns) > 30
    data = [button_data(p) for p in patterns]
    data += ["vote:zz:1", "vote:c", "vote:c:", "garbage", "", "vote:c:1:2:3:4", "VOTE:c:1:2"]
    raw = [u.callback(ANA, shown, d) for d in data]
    nothing = u.callback(ANA, shown, "")
    del nothing["callback_query"]["data"]
    game = u.callback(ANA, shown, "")
    game["callback_query"]["game_short_name"] = "un_juego"
    del game["callback_query"]["data"]
    raw += [nothing, game]
    names = sorted(commands(walked))
    assert len(names) > 30
    for name in names:
        raw.append(u.command(NORTE, ANA, f"/{name} algo"))
        raw.append(u.command(private_chat(ANA), ANA, f"/{name}"))
        raw.append(u.command(NORTE, ANA, f"/{name.upper()}@{u.bot_username}"))
        raw.append(u.command(NORTE, ANA, f"/{name}@otro_bot"))
        raw.append(u.edited(NORTE, ANA, f"/{name}"))
    raw += [
        u.command(NORTE, ANA, "/nadie_tiene_esto"),
        u.message(NORTE, ANA, "hola"),
        u.message(NORTE, ANA, "/status sin entidad"),
        u.message(NORTE, ANA, "hola", reply_to=shown),
        u.reaction(NORTE, ANA, shown["message_id"], ["👍"]),
        u.poll_answer("p1", ANA, [0]),
    ]
    for data_ in raw:
        walked_pick = chosen(walked, Update.de_json(data_, walked.bot))
        routed_pick = chosen(routed, Update.de_json(data_, routed.bot))
        assert routed_pick == walked_pick, (data_.get("callback_query") or {}).get("data")
    # every button pattern and command was reached through a router at least once
    assert any(isinstance(h, ButtonRouter) for h in routed.handlers[0])
    assert any(isinstance(h, CommandRouter) for h in routed.handlers[0])


def test_a_button_is_routed_by_its_first_two_parts() -> None:
    assert button_key("vote:c:12:3") == "vote:c"
    assert button_key("grp:helpx") == "grp:helpx"
    assert button_key("nada") == "nada"


def test_handlers_of_mixed_blocking_stay_as_they_were() -> None:
    from telegram.ext import CallbackQueryHandler, CommandHandler

    from bot.core.routing import _routed

    async def f(update: Any, context: Any) -> None:
        return None

    mixed: list[BaseHandler[Any, Any, Any]] = [
        CallbackQueryHandler(f, pattern=r"^a:b:x$"),
        CallbackQueryHandler(f, pattern=r"^a:c:x$", block=False),
        CommandHandler("uno", f),
        CommandHandler("dos", f, block=False),
    ]
    assert _routed(mixed) == mixed
