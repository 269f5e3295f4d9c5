"""The Mini App as a person sees it in Chromium at 360 px: the overview and the decision log
of a group with data, the chooser, a friendly empty state, and a commitment marked done from
the page, announced in the group (the Telegram double's recorded calls)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.commitments.models import Commitment
from tests.browser.conftest import Served, fits, screenshot
from tests.conftest import ANA, JOAO, LUIS, NORTE, seed_group
from tests.updates import private_chat
from tests.web.miniapp import token_of
from tests.web.test_miniapp import seed_council, seed_decision

pytestmark = pytest.mark.browser


async def test_the_overview_and_the_decision_log_at_360_px(served: Served) -> None:
    token = await seed_council(served.bot)  # the same group as the server tests
    page = await served.open(ANA, token)
    await page.wait_for_selector("nav a.on")
    text = await page.inner_text("main")
    assert "Vecinos del Barrio Norte" in text
    assert "Atrasados" in text and "Repartir volantes" in text and "Pintar el mural" in text
    assert "Hacer la feria en marzo" in text and "Falta votar:" in text
    assert await page.locator("main svg.chart rect").count() >= 1  # the chart is drawn
    assert await fits(page), "the overview scrolls sideways at 360 px"
    await screenshot(page, "overview")

    await page.get_by_role("link", name="Decisiones").click()
    await page.wait_for_selector("nav a.on:text('Decisiones')")
    text = await page.inner_text("main")
    assert "Todavía no hay decisiones" in text  # the proposal is still open
    assert await fits(page)
    await screenshot(page, "decisions-empty")


async def test_the_decision_log_with_positions_reasons_and_commitments(served: Served) -> None:
    bot = served.bot
    await seed_group(bot, LUIS, JOAO)
    await seed_decision(bot)
    await bot.feed(bot.u.command(private_chat(JOAO), JOAO, "/language pt"))  # his own choice
    page = await served.open(JOAO, await token_of(bot, NORTE))
    await page.wait_for_selector("nav a.on")
    await page.locator("nav a", has_text="Decisões").click()
    await page.locator("#d1").wait_for()
    text = await page.inner_text("#d1")  # in João's Portuguese; the group's words as written
    assert "Pintar el mural" in text and "Ana, Luis" in text
    assert "No hay <presupuesto> este mes" in text
    assert "#1 Pintar el mural" in text.split("Compromissos que saíram daqui")[-1]
    assert await fits(page)
    await screenshot(page, "decisions")


async def test_a_coordinator_marks_a_commitment_done_and_the_group_hears_it(
    served: Served,
) -> None:
    token = await seed_council(served.bot)
    bot = served.bot
    before = len(bot.tg.sent(NORTE.id))
    page = await served.open(ANA, token)
    card = page.locator("#c1")
    await card.get_by_role("button", name="✅ Marcar como hecho").click()
    notice = page.locator("p.notice")
    await notice.wait_for()
    assert "#1 está hecho. Ya le avisé al grupo." in await notice.inner_text()
    assert await page.locator("#c1").count() == 1  # now under "done in the last 7 days"
    [told] = bot.tg.sent(NORTE.id)[before:]
    assert "Ana marcó #1 como hecho (desde el panel)" in told.text
    assert await bot.scalar(select(Commitment.status).where(Commitment.number == 1)) == "done"
    assert await fits(page)
    await screenshot(page, "overview-after-done")

    # a bad date: one friendly sentence with an example, nothing changed
    form = page.locator("#c3 form").nth(1)
    await form.locator("input[name=due]").fill("cuando se pueda")
    await form.get_by_role("button").click()
    await page.locator("p.notice.bad").wait_for()
    assert "viernes 18:00" in await page.locator("p.notice.bad").inner_text()
    assert len(bot.tg.sent(NORTE.id)) == before + 1


async def test_a_member_sees_only_their_commitments_and_no_buttons(served: Served) -> None:
    token = await seed_council(served.bot)
    page = await served.open(LUIS, token)
    await page.wait_for_selector("nav a.on")
    text = await page.inner_text("main")
    assert "Tus compromisos" in text and "Repartir volantes" in text
    assert "Pintar el mural" not in text
    assert await page.locator("main button").count() == 0
    await screenshot(page, "overview-member")


async def test_the_chooser_and_a_group_without_data(served: Served) -> None:
    await seed_group(served.bot, LUIS, JOAO)
    token = await token_of(served.bot, NORTE)
    page = await served.open(JOAO)  # the menu button: no group yet
    await page.wait_for_selector("h1")
    assert "Seus grupos" in await page.inner_text("main")
    await page.get_by_role("link", name="Vecinos del Barrio Norte").click()
    await page.wait_for_selector("nav a.on")
    text = await page.inner_text("main")
    assert "Todavía no hay nada" in text  # the group's language: Spanish
    assert token
    assert await fits(page)
    await screenshot(page, "empty-group")


async def test_a_page_opened_outside_telegram_says_how_to_open_it(served: Served) -> None:
    context = await served.browser.new_context(viewport={"width": 360, "height": 740})
    page = await context.new_page()

    async def no_telegram(route):  # type: ignore[no-untyped-def]
        await route.fulfill(body="", content_type="application/javascript")

    await page.route("https://telegram.org/js/telegram-web-app.js", no_telegram)
    await page.goto(f"{served.base}/app")
    await page.locator("p.notice.bad").wait_for()
    assert "desde Telegram" in await page.inner_text("main")
