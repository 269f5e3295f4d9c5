"""Shared by the Mini App's server and browser tests: initData signed as Telegram signs it,
and the Starlette app of `minga serve` around the real Application and the double."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import select

from bot.dashboard.tokens import group_token
from bot.groups.models import Group
from bot.web.miniapp.access import INIT_DATA_HEADER
from bot.web.miniapp.initdata import sign
from tests.conftest import TOKEN, Bot
from tests.updates import TChat, TUser

PUBLIC_URL = "https://minga.example.org"
SHORT_NAME = "council"
SECRET = "s3cret-token-of-the-webhook_0123456789"


def init_fields(user: TUser, now: datetime, **extra: str) -> dict[str, str]:
    person = {"id": user.id, "first_name": user.first_name, "allows_write_to_pm": True}
    if user.username:
        person["username"] = user.username
    if user.language_code:
        person["language_code"] = user.language_code
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(now.timestamp())),
        **extra,
    }


def init_data(user: TUser, now: datetime, bot_token: str = TOKEN, **extra: str) -> str:
    """initData as Telegram hands it to the page: the fields, signed, URL-encoded."""
    fields = init_fields(user, now, **extra)
    return urlencode(fields | {"hash": sign(fields, bot_token)})


async def token_of(bot: Bot, chat: TChat) -> str:
    group_id = await bot.scalar(select(Group.id).where(Group.chat_id == chat.id))
    return group_token(TOKEN, group_id)


@dataclass
class MiniApp:
    bot: Bot
    client: httpx.AsyncClient

    async def get(
        self, path: str, user: TUser | None = None, raw: str | None = None
    ) -> httpx.Response:
        return await self.client.get(path, headers=self.headers(user, raw))

    async def post(
        self, path: str, data: dict[str, Any], user: TUser | None = None, raw: str | None = None
    ) -> httpx.Response:
        return await self.client.post(path, data=data, headers=self.headers(user, raw))

    def headers(self, user: TUser | None, raw: str | None) -> dict[str, str]:
        if raw is not None:
            return {INIT_DATA_HEADER: raw}
        if user is None:
            return {}
        return {INIT_DATA_HEADER: init_data(user, self.bot.now())}


async def start_web(engine: Any, url: str, clock: Any, **overrides: Any) -> tuple[Bot, Any]:
    """A webhook replica's Application (no Updater) on the double, and its Starlette app
    (lifespan not run: the Application is initialized here, shut down by the caller)."""
    from bot.app import build_application
    from bot.core.observe import CountingRequest
    from bot.web.app import create_app
    from tests.conftest import make_settings
    from tests.telegram_double import TelegramDouble
    from tests.updates import Updates

    options = {"webhook_secret": SECRET, "public_url": PUBLIC_URL, "miniapp_short_name": SHORT_NAME}
    settings = make_settings(url, **(options | overrides))
    tg = TelegramDouble(clock)
    app = build_application(
        settings, request=CountingRequest(tg), engine=engine, clock=clock, polling=False
    )
    await app.initialize()
    tg.clear()
    bot = Bot(app=app, tg=tg, u=Updates(clock), engine=engine, clock=clock)
    return bot, create_app(app, secret=SECRET, path=settings.webhook_path())
