"""The Mini App in a real headless Chromium (Playwright for Python, Debian's `chromium`):
the app of `minga serve` served by uvicorn on a free port of this machine, inside the test's
event loop (so the Telegram double and the frozen clock are the test's own), and Telegram's
`telegram-web-app.js` intercepted with a stub that hands the page a signed test initData.

Every test here is marked `browser` (`pytestmark`): the plain `pytest` runs them, `-m "not
browser"` leaves them out. Screenshots go to `test-artifacts/` (git-ignored)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Bot
from tests.updates import TUser
from tests.web.miniapp import init_data, start_web

CHROMIUM = os.environ.get("MINGA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTH, HEIGHT = 360, 740  # a cheap phone
TELEGRAM_JS = "https://telegram.org/js/telegram-web-app.js"


def telegram_stub(raw_init_data: str, start_param: str | None) -> str:
    """What the page gets instead of Telegram's script: the WebApp object it uses."""
    unsafe: dict[str, Any] = {"start_param": start_param} if start_param else {}
    return (
        "window.Telegram = {WebApp: {"
        f"initData: {json.dumps(raw_init_data)}, initDataUnsafe: {json.dumps(unsafe)}, "
        "themeParams: {}, colorScheme: 'light', ready: function () {}, expand: function () {}"
        "}};"
    )


@dataclass
class Served:
    bot: Bot
    base: str  # http://127.0.0.1:<port>
    browser: Any

    async def open(self, user: TUser, start_param: str | None = None) -> Any:
        """A phone-sized page of the Mini App as Telegram opens it for `user`."""
        extra = {"start_param": start_param} if start_param else {}
        raw = init_data(user, self.bot.now(), **extra)
        context = await self.browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
        )
        page = await context.new_page()
        stub = telegram_stub(raw, start_param)

        async def fulfill(route: Any) -> None:
            await route.fulfill(body=stub, content_type="application/javascript")

        await page.route(TELEGRAM_JS, fulfill)
        # nothing else leaves this machine: any other outside request is refused
        await page.route(
            lambda url: not url.startswith(self.base) and url != TELEGRAM_JS,
            lambda route: route.abort(),
        )
        await page.goto(f"{self.base}/app")
        return page


async def fits(page: Any) -> bool:
    return await page.evaluate("document.documentElement.scrollWidth") <= WIDTH


async def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
async def served(engine: Any, database: Any, clock: Any) -> AsyncIterator[Served]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium; .ci/run does)")
    import uvicorn
    from playwright.async_api import async_playwright

    bot, asgi = await start_web(engine, database.url, clock)
    # the socket listens before the server starts: the browser's first request waits in its
    # backlog rather than being refused, so nothing has to wait for the server to be up
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(asgi, lifespan="off", log_config=None))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield Served(bot, f"http://127.0.0.1:{port}", browser)
        finally:
            await browser.close()
            server.should_exit = True
            await task
            sock.close()
            await bot.app.shutdown()
