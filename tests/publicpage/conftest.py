"""The public page's fixtures: a bot with `PUBLIC_URL`, and `minga serve`'s app around it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.web.app import create_app
from tests.conftest import Bot, start_bot
from tests.publicpage.helpers import BASE, SECRET


@pytest.fixture
async def pbot(engine: Any, database: Any, clock: Any) -> AsyncIterator[Bot]:
    harness = await start_bot(engine, database.url, clock, public_url=BASE + "/")
    yield harness
    await harness.app.shutdown()


@pytest.fixture
async def client(pbot: Bot) -> AsyncIterator[httpx.AsyncClient]:
    """`minga serve`'s Starlette app (its lifespan left alone: the bot is started already)."""
    asgi = create_app(pbot.app, secret=SECRET, path="/telegram/x", manage=False)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://minga") as http:
        yield http
