"""The public page in a real headless Chromium (Playwright, the system's /usr/bin/chromium): its
texts, 360 px wide without horizontal scrolling, and a screenshot in test-artifacts/.

`minga serve`'s app runs under uvicorn on a free port, on the test's own event loop (the
database engine belongs to that loop); the browser, whose sync API wants a thread without a
running loop, runs in a worker thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn

from bot.web.app import create_app
from tests.conftest import ANA, Bot
from tests.publicpage.helpers import SECRET, rich_group, say, slug_of

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium")


@contextlib.asynccontextmanager
async def served(bot: Bot) -> AsyncIterator[str]:
    """The app of `minga serve` under uvicorn on 127.0.0.1 and a free port: its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(bot.app, secret=SECRET, path="/telegram/x", manage=False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0)  # the server binding, not a wait for time to pass
            if task.done():
                task.result()
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def look(url: str, shot: Path) -> dict[str, object]:
    """Open `url` 360 px wide, as a reader whose browser speaks Spanish; what they see."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, locale="es-419")
            response = page.goto(url)
            assert response is not None
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            return {
                "status": response.status,
                "h1": page.inner_text("h1"),
                "text": page.inner_text("body"),
                "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                "fonts": page.evaluate("[...document.fonts].length"),
                "robots": page.get_attribute('meta[name="robots"]', "content"),
            }
        finally:
            browser.close()


async def test_the_public_page_reads_well_on_a_small_phone(pbot: Bot) -> None:
    await rich_group(pbot)
    await say(pbot, ANA, "/public on")
    slug = await slug_of(pbot)
    async with served(pbot) as base:
        seen = await asyncio.to_thread(look, f"{base}/p/{slug}", ARTIFACTS / "public-page.png")
        missing = await asyncio.to_thread(
            look, f"{base}/p/nobody-here", ARTIFACTS / "public-404.png"
        )
    assert seen["status"] == 200
    assert seen["h1"] == "Vecinos del Barrio Norte"
    text = str(seen["text"])
    for expected in (
        "Página pública de rendición de cuentas",
        "Nuestros objetivos",
        "Recuperar la plaza del barrio para todas las familias",
        "Pintar el mural el sábado",
        "✅ Aprobada",
        "Responsable: Junta Vecinal Norte",
        "Responsable: Luis",
        "25 %",
    ):
        assert expected in text, expected
    assert "Mary" not in text and "joao_sp" not in text
    assert seen["scroll_width"] <= 360  # no horizontal scroll at 360 px
    assert seen["fonts"] == 0  # no web font
    assert seen["robots"] == "noindex"
    assert (ARTIFACTS / "public-page.png").stat().st_size > 0
    assert missing["status"] == 404 and missing["h1"] == "Página no encontrada"
    assert missing["scroll_width"] <= 360
