"""The coordinators' Mini App on `minga serve`'s Starlette app (issue 22), through httpx's
ASGITransport around the real Application and the Telegram double, on SQLite and PostgreSQL:
who may read what (initData checked, the role resolved on the server), the chooser, the
shell, and /dashboard's button."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bot.app import publish_menus
from bot.dashboard.tokens import group_token
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, TOKEN, Bot, seed_group
from tests.updates import TChat, TUser, private_chat
from tests.web.miniapp import PUBLIC_URL, SHORT_NAME, MiniApp, init_data, start_web, token_of

SUR = TChat(-1001000000002, "supergroup", "Huerta del Sur")
ZOE = TUser(199, "Zoe", "zoe_x", "es")


@pytest.fixture
async def mini(engine: Any, database: Any, clock: Any) -> AsyncIterator[MiniApp]:
    bot, asgi = await start_web(engine, database.url, clock)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://minga") as client:
        yield MiniApp(bot, client)
    await bot.app.shutdown()


async def seed_sur(mini: MiniApp) -> str:
    """JOAO's other group, where Luis and Ana are not."""
    bot = mini.bot
    bot.group(SUR)
    await bot.feed(bot.u.my_chat_member(SUR, JOAO, "left", "member"))
    bot.tg.set_admins(SUR.id, (JOAO, "creator"))
    return await token_of(bot, SUR)


async def test_the_shell_loads_telegrams_script_only_and_follows_the_theme(mini: MiniApp) -> None:
    page = await mini.get("/app")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert html.count("<script src=") == 1
    assert '<script src="https://telegram.org/js/telegram-web-app.js"></script>' in html
    assert "var(--tg-theme-bg-color" in html and "var(--tg-theme-button-color" in html
    assert "X-Telegram-Init-Data" in html and "@font-face" not in html
    assert 'name="viewport"' in html and len(page.content) < 20_000
    policy = page.headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "script-src 'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in html
    assert (await mini.get("/app")).headers["content-security-policy"] != policy  # fresh


async def test_a_coordinator_and_a_member_open_their_group(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    token = await token_of(mini.bot, NORTE)
    for person in (ANA, LUIS):
        page = await mini.get(f"/app/page/overview?g={token}", person)
        assert page.status_code == 200, page.text
        assert "Vecinos del Barrio Norte" in page.text
        assert "Todavía no hay nada" in page.text  # a group with no data: a friendly word
        assert page.headers["content-language"] == "es"
        assert page.headers["cache-control"] == "no-store"


async def test_a_stranger_gets_403_and_a_member_cannot_read_another_group(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    norte = await token_of(mini.bot, NORTE)
    sur = await seed_sur(mini)
    stranger = await mini.get(f"/app/page/overview?g={norte}", ZOE)
    assert stranger.status_code == 403
    assert "Solo quienes son parte de este grupo" in stranger.text
    assert "Vecinos" not in stranger.text
    # Luis is in NORTE, not in SUR; João the other way round
    assert (await mini.get(f"/app/page/overview?g={sur}", LUIS)).status_code == 403
    assert (await mini.get(f"/app/page/overview?g={norte}", JOAO)).status_code == 403
    assert (await mini.get(f"/app/page/overview?g={sur}", JOAO)).status_code == 200
    # SUR's signature on NORTE's number opens nothing
    forged = norte.split("_")[0] + "_" + sur.split("_", 1)[1]
    assert (await mini.get(f"/app/page/overview?g={forged}", LUIS)).status_code == 404


async def test_a_member_who_left_is_a_stranger(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    token = await token_of(mini.bot, NORTE)
    await mini.bot.feed(mini.bot.u.chat_member(NORTE, LUIS, LUIS, "member", "left"))
    assert (await mini.get(f"/app/page/overview?g={token}", LUIS)).status_code == 403


async def test_missing_forged_or_expired_init_data_is_401(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    token = await token_of(mini.bot, NORTE)
    path = f"/app/page/overview?g={token}"
    missing = await mini.get(path)
    assert missing.status_code == 401 and "Abre esta página desde Telegram" in missing.text
    forged = init_data(ANA, mini.bot.now(), bot_token="654321:ANOTHER-bot")
    assert (await mini.get(path, raw=forged)).status_code == 401
    old = init_data(ANA, mini.bot.now() - timedelta(hours=24, seconds=1))
    assert (await mini.get(path, raw=old)).status_code == 401
    tampered = init_data(LUIS, mini.bot.now()).replace(str(LUIS.id), str(ANA.id))
    assert (await mini.get(path, raw=tampered)).status_code == 401
    assert (await mini.get("/app/groups", raw="")).status_code == 401
    # the day after it was signed, the same initData no longer opens anything
    fresh = init_data(ANA, mini.bot.now())
    assert (await mini.get(path, raw=fresh)).status_code == 200
    mini.bot.clock.advance(hours=24, seconds=1)
    assert (await mini.get(path, raw=fresh)).status_code == 401


async def test_a_bad_token_or_page_is_404_in_the_persons_language(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS)
    token = await token_of(mini.bot, NORTE)
    bad = await mini.get("/app/page/overview?g=g999_AAAAAAAAAAAAAAAA", MARY)
    assert bad.status_code == 404 and "That group link is not valid" in bad.text
    assert (await mini.get("/app/page/overview", ANA)).status_code == 404
    unknown = await mini.get(f"/app/page/nothing?g={token}", ANA)
    assert unknown.status_code == 404 and "Esa página no existe" in unknown.text
    # a group the bot has left opens nothing
    assert (
        await mini.get(f"/app/page/overview?g={group_token(TOKEN, 10**6)}", ANA)
    ).status_code == 404


async def test_the_page_speaks_the_persons_language_else_the_groups(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS, MARY)
    token = await token_of(mini.bot, NORTE)
    # Mary's Telegram is in English, but she never chose: the group's Spanish
    page = await mini.get(f"/app/page/overview?g={token}", MARY)
    assert page.headers["content-language"] == "es" and "Resumen" in page.text
    await mini.bot.feed(mini.bot.u.command(private_chat(MARY), MARY, "/language en"))
    page = await mini.get(f"/app/page/overview?g={token}", MARY)
    assert page.headers["content-language"] == "en" and "Overview" in page.text


async def test_the_chooser_lists_the_persons_groups(mini: MiniApp) -> None:
    await seed_group(mini.bot, LUIS, JOAO)
    await seed_sur(mini)
    page = await mini.get("/app/groups", JOAO)
    assert page.status_code == 200
    assert "Huerta del Sur" in page.text and "Vecinos del Barrio Norte" in page.text
    assert page.headers["content-language"] == "pt-BR" and "Seus grupos" in page.text
    only = await mini.get("/app/groups", LUIS)
    assert "Vecinos" in only.text and "Huerta" not in only.text
    assert await token_of(mini.bot, NORTE) in only.text
    nobody = await mini.get("/app/groups", ZOE)
    assert nobody.status_code == 200 and "Todavía no estás en ningún grupo" in nobody.text


async def test_dashboard_in_a_group_answers_one_link_to_the_mini_app(mini: MiniApp) -> None:
    bot = mini.bot
    await seed_group(bot, LUIS)
    token = await token_of(bot, NORTE)
    before = len(bot.tg.sent(NORTE.id))
    await bot.feed(bot.u.command(NORTE, LUIS, "/dashboard"))
    [answer] = bot.tg.sent(NORTE.id)[before:]
    assert "Vecinos del Barrio Norte" in answer.text
    [[(label, url)]] = answer.buttons
    assert label == "📊 Abrir el panel"
    assert url == f"https://t.me/minga_test_bot/{SHORT_NAME}?startapp={token}"
    # a redelivered update answers nothing more
    update = bot.u.command(NORTE, LUIS, "/dashboard")
    await bot.feed(update)
    await bot.feed(update)
    assert len(bot.tg.sent(NORTE.id)) == before + 2


async def test_dashboard_in_private_opens_the_chooser_and_the_menu_button_too(
    mini: MiniApp,
) -> None:
    bot = mini.bot
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/dashboard"))
    sent = bot.tg.last(LUIS.id)
    markup = sent.markup or {}
    [[button]] = markup["inline_keyboard"]
    assert button["web_app"] == {"url": f"{PUBLIC_URL}/app"}
    await publish_menus(bot.app)
    menu = bot.tg.menu_buttons[None]
    assert menu["type"] == "web_app" and menu["web_app"]["url"] == f"{PUBLIC_URL}/app"


async def test_dashboard_says_what_the_operator_must_set(
    engine: Any, database: Any, clock: Any
) -> None:
    bot, _asgi = await start_web(engine, database.url, clock, miniapp_short_name=None)
    try:
        await seed_group(bot, LUIS)
        await bot.feed(bot.u.command(NORTE, LUIS, "/dashboard"))
        answer = bot.tg.last(NORTE.id)
        assert "MINIAPP_SHORT_NAME" in answer.text and not answer.buttons
        await publish_menus(bot.app)
        assert bot.tg.menu_buttons  # PUBLIC_URL is there: the menu button opens the chooser
    finally:
        await bot.app.shutdown()


# -- the overview with data, and coordinators' actions ---------------------------------------


async def seed_council(bot: Bot) -> str:
    """Ana coordinates NORTE; Luis and João are members; Luis's commitment is overdue, Ana's
    is due later, João's has no date; a proposal is open that only Ana has voted on."""
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Repartir volantes by 2d"))
    await bot.feed(bot.u.command(NORTE, ANA, "/commit Pintar el mural by 20d"))
    await bot.feed(bot.u.command(NORTE, JOAO, "/commit Conseguir sillas"))
    bot.clock.advance(days=3)  # Luis's is overdue now
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Hacer la feria en marzo"))
    vote = bot.tg.last(NORTE.id)
    data = next(d for row in vote.buttons for t, d in row if d)
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, vote.message_id), data))
    return await token_of(bot, NORTE)


async def test_the_overview_shows_commitments_overdue_first_the_chart_and_votes(
    mini: MiniApp,
) -> None:
    token = await seed_council(mini.bot)
    page = await mini.get(f"/app/page/overview?g={token}", ANA)
    html = page.text
    assert page.status_code == 200
    assert "Todavía no hay nada" not in html
    assert html.index("Atrasados") < html.index("Repartir volantes") < html.index("Pintar el mural")
    assert "Conseguir sillas" in html and "Más adelante o sin fecha" in html
    assert "<svg" in html and "Compromisos en las últimas 8 semanas" in html
    assert "Hacer la feria en marzo" in html and "Falta votar:" in html
    missing = html[html.index("Falta votar:") :].split("</div>")[0]
    assert "Luis" in missing and "João" in missing and "Ana" not in missing
    assert html.count('data-post="do/done') == 3  # a coordinator may close each
    assert len(page.content) < 100_000
    assert "<tg-" not in html  # Telegram's own entities stay in Telegram


async def test_a_member_sees_their_own_commitments_and_no_buttons(mini: MiniApp) -> None:
    token = await seed_council(mini.bot)
    html = (await mini.get(f"/app/page/overview?g={token}", LUIS)).text
    assert "Repartir volantes" in html and "Tus compromisos" in html
    assert "Pintar el mural" not in html and "Conseguir sillas" not in html
    assert "data-post" not in html
    assert "Hacer la feria en marzo" in html  # the group's open votes are for everyone


async def test_a_coordinator_marks_a_commitment_done_and_the_group_is_told_once(
    mini: MiniApp,
) -> None:
    from sqlalchemy import select

    from bot.commitments.models import Commitment

    token = await seed_council(mini.bot)
    before = len(mini.bot.tg.sent(NORTE.id))
    done = await mini.post(f"/app/do/done?g={token}", {"number": "1"}, ANA)
    assert done.status_code == 200, done.text
    assert "#1 está hecho. Ya le avisé al grupo." in done.text
    [told] = mini.bot.tg.sent(NORTE.id)[before:]
    assert "Ana marcó #1 como hecho (desde el panel)" in told.text
    assert "Repartir volantes" in told.text
    status = await mini.bot.scalar(select(Commitment.status).where(Commitment.number == 1))
    assert status == "done"
    # a second click (or a replayed request) changes nothing and says nothing in the group
    again = await mini.post(f"/app/do/done?g={token}", {"number": "1"}, ANA)
    assert again.status_code == 200 and "ya estaba cerrado" in again.text.lower()
    assert len(mini.bot.tg.sent(NORTE.id)) == before + 1


async def test_members_strangers_and_forged_requests_cannot_change_anything(
    mini: MiniApp,
) -> None:
    from sqlalchemy import select

    from bot.commitments.models import Commitment

    token = await seed_council(mini.bot)
    before = len(mini.bot.tg.sent(NORTE.id))
    path = f"/app/do/done?g={token}"
    # Luis owns #1, but the dashboard's actions are the coordinators'
    assert (await mini.post(path, {"number": "1"}, LUIS)).status_code == 403
    assert (await mini.post(path, {"number": "1"}, ZOE)).status_code == 403
    assert (await mini.post(path, {"number": "1"})).status_code == 401
    forged = init_data(ANA, mini.bot.now(), bot_token="654321:ANOTHER-bot")
    assert (await mini.post(path, {"number": "1"}, raw=forged)).status_code == 401
    assert (await mini.post(f"/app/do/nothing?g={token}", {"number": "1"}, ANA)).status_code == 404
    statuses = await mini.bot.scalars(select(Commitment.status))
    assert set(statuses) == {"open"}
    assert len(mini.bot.tg.sent(NORTE.id)) == before


async def test_a_new_due_date_from_the_page_and_a_bad_one(mini: MiniApp) -> None:
    from sqlalchemy import select

    from bot.commitments.models import Commitment

    token = await seed_council(mini.bot)
    path = f"/app/do/due?g={token}"
    before = len(mini.bot.tg.sent(NORTE.id))
    bad = await mini.post(path, {"number": "3", "due": "cuando se pueda"}, ANA)
    assert bad.status_code == 400
    assert "No entendí la fecha “cuando se pueda”" in bad.text and "viernes 18:00" in bad.text
    empty = await mini.post(path, {"number": "3", "due": ""}, ANA)
    assert empty.status_code == 400 and "viernes 18:00" in empty.text
    nothing = await mini.post(path, {"number": "99", "due": "viernes"}, ANA)
    assert nothing.status_code == 400 and "No hay un compromiso #99" in nothing.text
    assert (await mini.post(path, {"due": "viernes"}, ANA)).status_code == 400
    assert len(mini.bot.tg.sent(NORTE.id)) == before
    assert await mini.bot.scalar(select(Commitment.due_at).where(Commitment.number == 3)) is None
    good = await mini.post(path, {"number": "3", "due": "viernes 18:00"}, ANA)
    assert good.status_code == 200 and "#3 ahora vence" in good.text
    [told] = mini.bot.tg.sent(NORTE.id)[before:]
    assert "Ana le puso una nueva fecha a #3" in told.text and "Conseguir sillas" in told.text
    assert await mini.bot.scalar(select(Commitment.due_at).where(Commitment.number == 3))


async def test_an_announcement_telegram_refuses_now_is_kept_for_the_tick(mini: MiniApp) -> None:
    from tests.telegram_double import server_error

    token = await seed_council(mini.bot)
    before = len(mini.bot.tg.sent(NORTE.id))
    mini.bot.tg.fail_next("sendMessage", server_error())
    done = await mini.post(f"/app/do/done?g={token}", {"number": "2"}, ANA)
    assert done.status_code == 200 and "#2 está hecho" in done.text
    assert len(mini.bot.tg.sent(NORTE.id)) == before
    await mini.bot.tick(minutes=1)
    told = [s for s in mini.bot.tg.sent(NORTE.id)[before:] if "marcó #2 como hecho" in s.text]
    assert len(told) == 1 and "Pintar el mural" in told[0].text


async def seed_decision(bot: Bot) -> None:
    """Luis's proposal passes (Ana and Luis agree, João disagrees with a reason) and Luis turns
    it into commitment #1."""
    from datetime import timedelta as span

    from sqlalchemy import select

    from bot.core.db import as_utc
    from bot.votes.models import Vote
    from tests.votes.helpers import open_vote, press, reply_to

    _, message = await open_vote(bot, "/propose Pintar el mural closes 2 horas", by=LUIS)
    await press(bot, ANA, message, 0)
    await press(bot, LUIS, message, 0)
    await press(bot, JOAO, message, 2)
    await bot.feed(reply_to(bot, message, JOAO, "No hay <presupuesto> este mes"))
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at)))
    await bot.tick(closes_at + span(seconds=1))
    result = bot.tg.last(NORTE.id)
    data = result.button_data[0]
    await bot.feed(bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, result.message_id), data))


async def test_the_decision_log_shows_positions_reasons_and_what_came_of_it(
    mini: MiniApp,
) -> None:
    bot = mini.bot
    await seed_group(bot, LUIS, JOAO)
    token = await token_of(bot, NORTE)
    empty = await mini.get(f"/app/page/decisions?g={token}", LUIS)
    assert empty.status_code == 200 and "Todavía no hay decisiones" in empty.text
    await seed_decision(bot)

    page = await mini.get(f"/app/page/decisions?g={token}", LUIS)
    html = page.text
    assert page.status_code == 200
    assert "#1</b> Pintar el mural" in html
    assert "De acuerdo: 2 — Ana, Luis" in html
    assert "João" in html and "No hay &lt;presupuesto&gt; este mes" in html
    assert "Compromisos que salieron de aquí" in html and "#1 Pintar el mural —" in html
    assert 'class="on" aria-current="page">Decisiones' in html
    assert (await mini.get(f"/app/page/decisions?g={token}", ZOE)).status_code == 403


async def test_two_clicks_at_once_mark_done_and_announce_once(mini: MiniApp) -> None:
    import asyncio

    token = await seed_council(mini.bot)
    before = len(mini.bot.tg.sent(NORTE.id))
    path = f"/app/do/done?g={token}"
    first, second = await asyncio.gather(
        mini.post(path, {"number": "2"}, ANA), mini.post(path, {"number": "2"}, ANA)
    )
    assert {first.status_code, second.status_code} == {200}
    notices = sorted(["está hecho" in r.text for r in (first, second)])
    assert notices == [False, True]  # one did it, the other found it closed
    assert len(mini.bot.tg.sent(NORTE.id)) == before + 1


async def test_hostile_text_is_shown_as_text(mini: MiniApp) -> None:
    bot = mini.bot
    await seed_group(bot, LUIS)
    token = await token_of(bot, NORTE)
    await bot.feed(bot.u.command(NORTE, LUIS, '/commit <script>alert("x")</script> & <b>'))
    html = (await mini.get(f"/app/page/overview?g={token}", ANA)).text
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


async def test_an_observer_reads_as_a_member_and_a_group_the_bot_left_is_gone(
    mini: MiniApp,
) -> None:
    bot = mini.bot
    await seed_group(bot, LUIS, MARY)
    token = await token_of(bot, NORTE)
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add @luis_o"))
    page = await mini.get(f"/app/page/overview?g={token}", LUIS)
    assert page.status_code == 200 and "data-post" not in page.text
    assert (await mini.post(f"/app/do/done?g={token}", {"number": "1"}, LUIS)).status_code == 403
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "left"))
    gone = await mini.get(f"/app/page/overview?g={token}", ANA)
    assert gone.status_code == 404 and "Ese enlace de grupo no es válido" in gone.text
    assert "Vecinos" not in (await mini.get("/app/groups", ANA)).text
