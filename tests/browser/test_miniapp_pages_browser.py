"""The Mini App's actor map, participation, lessons and downloads in Chromium at 360 px: each
page opened from its tab, readable without sideways scrolling, with a screenshot under
`test-artifacts/`; and a coordinator's download, through Telegram's `downloadFile` and
through the plain link where that is missing."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest

from bot.privacy import copies
from tests.browser.conftest import Served, fits, screenshot
from tests.conftest import ANA, LUIS, MARY, NORTE, seed_group
from tests.web.miniapp import token_of
from tests.web.test_miniapp_pages import seed_coalition

pytestmark = pytest.mark.browser


async def tab(page, name: str) -> str:  # type: ignore[no-untyped-def]
    await page.get_by_role("link", name=name, exact=True).click()
    await page.wait_for_selector(f"nav a.on:text('{name}')")
    return await page.inner_text("main")


async def test_a_coordinator_opens_each_new_page_at_360_px(served: Served) -> None:
    token = await seed_coalition(served.bot)
    page = await served.open(ANA, token)
    await page.wait_for_selector("nav a.on")

    text = await tab(page, "Mapa de actores")
    assert "Academia (1)" in text and "João" in text and "¿a quién podríamos invitar?" in text
    assert "Un galpón" in text
    assert await fits(page), "the actor map scrolls sideways at 360 px"
    await screenshot(page, "actors")

    text = await tab(page, "Participación")
    assert "Gini" in text and "Por persona" in text and "Mary" in text
    assert await page.locator("main svg.chart rect").count() >= 3
    assert await fits(page), "participation scrolls sideways at 360 px"
    await screenshot(page, "participation")

    text = await tab(page, "Aprendizajes")
    assert "Mirar el clima antes de pintar" in text and "Llovió toda la semana" in text
    assert await fits(page)
    await screenshot(page, "lessons")

    text = await tab(page, "Descargas")
    assert "La misma copia que /export" in text
    assert await fits(page)
    await screenshot(page, "downloads")


async def test_a_member_sees_the_groups_figures_and_no_downloads(served: Served) -> None:
    token = await seed_coalition(served.bot)
    page = await served.open(LUIS, token)
    await page.wait_for_selector("nav a.on")
    assert await page.get_by_role("link", name="Descargas").count() == 0
    text = await tab(page, "Participación")
    assert "Tú" in text and "Gini" in text and "Por sector" not in text
    assert "João" not in text and "Mary" not in text
    assert await fits(page)
    await screenshot(page, "participation-member")


async def test_the_empty_pages_at_360_px(served: Served) -> None:
    await seed_group(served.bot)
    from tests.conftest import NORTE

    page = await served.open(ANA, await token_of(served.bot, NORTE))
    await page.wait_for_selector("nav a.on")
    assert "Todavía no hay perfiles" in await tab(page, "Mapa de actores")
    assert await fits(page)
    await screenshot(page, "actors-empty")
    assert "Todavía no hay actividad" in await tab(page, "Participación")
    assert "Todavía no hay revisiones cerradas" in await tab(page, "Aprendizajes")
    assert await fits(page)


async def test_a_download_goes_through_telegrams_download_file(served: Served) -> None:
    token = await seed_coalition(served.bot)
    page = await served.open(ANA, token)
    await page.wait_for_selector("nav a.on")
    # Telegram 8.0's downloadFile, recorded
    await page.evaluate(
        "Telegram.WebApp.downloadFile = function (p) {"
        " document.body.setAttribute('data-asked', JSON.stringify(p)); }; 0"
    )  # (the `0`: Playwright would call a function the expression ended with)
    await tab(page, "Descargas")
    await page.get_by_role("button", name="⬇️ Archivos CSV (zip)").click()
    # (waited for in the DOM: the shell's CSP forbids the eval of wait_for_function)
    asked = json.loads(await page.locator("body[data-asked]").get_attribute("data-asked"))
    assert asked["file_name"] == "minga-group.zip"
    assert asked["url"].startswith(f"{served.base}/app/file/")
    async with httpx.AsyncClient() as client:  # what Telegram fetches: a plain GET
        got = await client.get(asked["url"])
    assert got.status_code == 200
    assert copies.EXPORT_JSON in zipfile.ZipFile(io.BytesIO(got.content)).namelist()


async def test_without_download_file_the_link_downloads_in_the_page(served: Served) -> None:
    token = await seed_coalition(served.bot)
    page = await served.open(ANA, token)
    await page.wait_for_selector("nav a.on")
    await tab(page, "Descargas")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="⬇️ Un documento JSON").click()
    download = await waiting.value
    assert download.suggested_filename == "minga-group.json"
    assert "Descargas" in await page.inner_text("main")  # the page stayed
    assert await page.locator("#download-failed").is_hidden()


async def test_a_refused_download_says_so_in_one_sentence(served: Served) -> None:
    token = await seed_coalition(served.bot)
    page = await served.open(ANA, token)
    await page.wait_for_selector("nav a.on")
    await tab(page, "Descargas")
    # Ana leaves the group while the page is open: the server refuses the link
    served.bot.tg.set_admins(NORTE.id, (MARY, "creator"))
    await served.bot.feed(served.bot.u.chat_member(NORTE, ANA, ANA, "creator", "left"))
    await page.get_by_role("button", name="⬇️ Un documento JSON").click()
    failed = page.locator("#download-failed")
    await failed.wait_for()
    assert "usa /export en el grupo" in await failed.inner_text()
    assert await page.get_by_role("button", name="⬇️ Un documento JSON").is_enabled()
