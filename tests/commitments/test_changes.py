"""/commitment <n>: the card with its history; due, owner and drop, by owners and
coordinators only; every change in the history with who and when."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.core.db import as_utc
from tests.commitments.helpers import commit, events, owners, press, the_commitment
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group

REFUSAL = "Solo quienes son responsables de #1 o la coordinación pueden cambiarlo."


async def say(bot: Bot, user, text: str) -> str:
    await bot.feed(bot.u.command(NORTE, user, text))
    return bot.tg.last(NORTE.id).text


async def test_a_commitment_shows_its_history(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pintar el mural @luis_o @joao_sp")
    await press(bot, JOAO, card, "cmt:ok")
    await press(bot, LUIS, bot.tg.last(NORTE.id), "cmt:prog")
    await press(bot, LUIS, bot.tg.last(NORTE.id), "cmt:pct", ":50")
    text = await say(bot, ANA, "/commitment 1")
    lines = text.splitlines()
    assert lines[0] == "📌 #1 Pintar el mural"
    assert "Historial" in lines
    history = lines[lines.index("Historial") + 1 :]
    assert [line.split(" · ", 1)[1] for line in history] == [
        "Luis · lo creó",
        "João · lo aceptó",
        "Luis · avance: 0% → 50%",
    ]
    assert bot.tg.last(NORTE.id).button_data[0] == "cmt:done:1"
    # the card shown by /commitment works like the first one
    assert await press(bot, LUIS, bot.tg.last(NORTE.id), "cmt:done") == "¡Hecho! Gracias. 🎉"


async def test_owners_change_the_due_date_owners_and_drop_it(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await commit(bot, LUIS, "/commit Pintar el mural by 3d")
    text = await say(bot, LUIS, "/commitment 1 fecha viernes 18:00")
    due = as_utc((await the_commitment(bot)).due_at)
    assert due.astimezone(ZoneInfo("America/Bogota")).strftime("%a %H:%M") == "Fri 18:00"
    assert "📅 Vence vie, " in text
    assert await say(bot, LUIS, "/commitment 1 due 01/01/2020") == (
        "Esa fecha ya pasó. Escribe una que todavía no haya pasado, por ejemplo: "
        "/commitment 1 fecha viernes 18:00"
    )
    assert await say(bot, LUIS, "/commitment 1 due cuando se pueda") == (
        "No entendí la fecha “cuando se pueda”. Escríbela así: /commitment 1 fecha viernes 18:00"
    )
    assert await say(bot, LUIS, "/commitment 1 due") == (
        "Escribe la fecha, por ejemplo: /commitment 1 fecha viernes 18:00"
    )
    # a member hands it over: João is asked to accept
    await say(bot, LUIS, "/commitment 1 owner @joao_sp")
    assert await owners(bot) == {JOAO.id: False}
    # Ana coordinates: her assignment needs no acceptance
    await say(bot, ANA, "/commitment 1 owner @luis_o @joao_sp")
    assert await owners(bot) == {LUIS.id: True, JOAO.id: True}
    assert (await say(bot, LUIS, "/commitment 1 drop")).startswith(
        "Explica por qué se descarta, por ejemplo: /commitment 1 cancelar ya no hace falta"
    )
    text = await say(bot, LUIS, "/commitment 1 drop La pared la pintó la alcaldía")
    assert "✖️ Descartado" in text
    assert bot.tg.last(NORTE.id).buttons == []
    assert await say(bot, LUIS, "/commitment 1 due mañana") == (
        "#1 ya está cerrado; ya no se puede cambiar."
    )
    history = await events(bot)
    assert [(field, who) for field, who, _, _ in history] == [
        ("created", LUIS.id),
        ("due", LUIS.id),
        ("owners", LUIS.id),
        ("owners", ANA.id),
        ("status", LUIS.id),
    ]
    assert history[2][2:] == ("Luis", "João")
    assert history[3][2:] == ("João", "Luis, João")
    assert history[4][2:] == ("open", "dropped")


async def test_a_member_cannot_change_someone_elses_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await commit(bot, LUIS, "/commit Pintar el mural by 3d")
    before = as_utc((await the_commitment(bot)).due_at)
    assert await say(bot, JOAO, "/commitment 1 due mañana") == REFUSAL
    assert await say(bot, JOAO, "/commitment 1 owner @joao_sp") == REFUSAL
    assert await say(bot, JOAO, "/commitment 1 drop no me gusta") == REFUSAL
    found = await the_commitment(bot)
    assert (found.status, as_utc(found.due_at)) == ("open", before)
    assert await owners(bot) == {LUIS.id: True}
    assert [e[0] for e in await events(bot)] == ["created"]
    # looking is for everyone
    assert (await say(bot, JOAO, "/commitment 1")).startswith("📌 #1 Pintar el mural")
    # a coordinator may
    await say(bot, ANA, "/commitment 1 due mañana 10:00")
    tomorrow = (bot.now().astimezone(ZoneInfo("America/Bogota")) + timedelta(days=1)).date()
    due = as_utc((await the_commitment(bot)).due_at).astimezone(ZoneInfo("America/Bogota"))
    assert (due.date(), due.hour) == (tomorrow, 10)
    assert due > bot.now()


async def test_bad_commitment_commands_get_examples(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await commit(bot, LUIS, "/commit Pintar el mural")
    usage = "Prueba uno de estos:\n/commitment 3\n/commitment 3 due viernes 18:00"
    assert (await say(bot, LUIS, "/commitment")).startswith(usage)
    assert (await say(bot, LUIS, "/commitment mural")).startswith(usage)
    assert (await say(bot, LUIS, "/commitment 1 pintar")).startswith(
        "Prueba uno de estos:\n/commitment 1\n"
    )
    assert await say(bot, LUIS, "/commitment 7") == (
        "No hay un compromiso #7 aquí. Míralos todos con /commitments"
    )
    assert await say(bot, LUIS, "/commitment 1 owner") == (
        "Indica quién lo hará, por ejemplo: /commitment 1 responsable @ana"
    )
    assert (await say(bot, LUIS, "/commitment 1 owner @nadie_conocido")).startswith(
        "Todavía no conozco a @nadie_conocido"
    )
