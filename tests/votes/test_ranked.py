"""Ranked-choice polls: tapping an order, the private toast, start over, instant runoff on
close, the decision log, duplicates, races, observers and bad input."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.votes.models import Decision, Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import server_error
from tests.updates import TUser
from tests.votes.helpers import later, open_vote, press, reply_to

QUESTION = "/poll ranked ¿Qué arreglamos primero? | Plaza | Escuela | Parque"
START_OVER = "↺ Empezar de nuevo"
CLOSED = "Esta votación está cerrada. Mira el resultado con /decisions"


async def close(bot: Bot, message) -> None:
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )


async def ranking(bot: Bot, user: TUser) -> int | None:
    return await bot.scalar(select(Position.choices).where(Position.person_id == user.id))


async def test_members_rank_the_options_and_instant_runoff_decides(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    vote, message = await open_vote(bot, QUESTION)
    assert vote.kind == "ranked" and vote.options == ["Plaza", "Escuela", "Parque"]
    assert message.text.startswith(
        "🔢 Encuesta preferencial: toca las opciones en tu orden de preferencia\n"
        "¿Qué arreglamos primero?\n\n1. Plaza\n2. Escuela\n3. Parque"
    )
    assert [[label for label, _ in row] for row in message.buttons] == [
        ["Plaza", "Escuela"],
        ["Parque"],
        [START_OVER],
    ]
    assert all(len(data.encode()) <= 64 for data in message.button_data)
    await press(bot, LUIS, message, "Escuela")
    await press(bot, LUIS, message, "Plaza")
    await press(bot, LUIS, message, "Escuela")  # already ranked: nothing changes
    assert bot.tg.toasts() == [
        "Tu orden: 1. Escuela",
        "Tu orden: 1. Escuela 2. Plaza",
        "“Escuela” ya está en tu orden; para cambiarlo, toca ↺ Empezar de nuevo. "
        "Tu orden: 1. Escuela 2. Plaza",
    ]
    assert await ranking(bot, LUIS) == 21
    for user, picks in ((JOAO, ["Parque", "Escuela"]), (MARY, ["Plaza"]), (ANA, ["Parque"])):
        for pick in picks:
            await press(bot, user, message, pick)
    await bot.feed(reply_to(bot, message, LUIS, "La escuela se llueve"))
    await later(bot)
    # the card shows who ranked and how many, never a running count
    assert "Ya votaron: Luis ✍, João, Mary, Ana" in message.text  # ✍: gave a reason
    assert "Votaron: 4 · faltan: 0" in message.text
    assert "Solo tú ves tu orden" in message.text
    assert "Plaza:" not in message.text and "Ronda" not in message.text

    await close(bot, message)
    result = bot.tg.last(NORTE.id).text
    assert result.startswith("🗳 Decisión #1: ¿Qué arreglamos primero?\n🏆 Ganó: “Parque”\n")
    assert (
        "Ronda 1: Plaza 1 · Escuela 1 · Parque 2 — fuera: “Escuela”\n"
        "Ronda 2: Plaza 2 · Parque 2 — fuera: “Plaza”\n"
        "Ronda 3: Parque 2 · 2 boletas ya sin opciones\n"
        "“Parque” tiene 2 de las 2 boletas que siguen en juego: mayoría.\n"
        "Votaron: 4 de 4 integrantes."
    ) in result
    assert "• Luis (Escuela › Plaza): La escuela se llueve" in result
    assert message.buttons == []  # the final card has no buttons
    decision = await bot.scalar(select(Decision))
    assert decision.outcome == "winner" and decision.winners == [2]
    assert decision.counts == [1, 1, 2] and decision.voters == 4

    await bot.feed(bot.u.command(NORTE, LUIS, "/decisions"))
    assert "#1 · " in bot.tg.last(NORTE.id).text
    assert "¿Qué arreglamos primero? — 🏆 Ganó: “Parque”" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 1"))
    page = bot.tg.last(NORTE.id).text
    assert "Ronda 2: Plaza 2 · Parque 2 — fuera: “Plaza”" in page
    assert "Luis: Escuela › Plaza" in page and "João: Parque › Escuela" in page

    # a stale button on the closed vote
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    await bot.feed(bot.u.callback(MARY, shown, f"vote:r:{vote.id}:1"))
    await bot.feed(bot.u.callback(MARY, shown, f"vote:o:{vote.id}"))
    assert bot.tg.toasts()[-2:] == [CLOSED, CLOSED]
    assert await ranking(bot, MARY) == 1


async def test_start_over_clears_only_your_order(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    _vote, message = await open_vote(bot, QUESTION)
    await press(bot, LUIS, message, "Plaza")
    await press(bot, LUIS, message, "Escuela")
    await press(bot, JOAO, message, "Parque")
    await press(bot, LUIS, message, START_OVER)
    await press(bot, LUIS, message, START_OVER)
    await press(bot, LUIS, message, "Parque")
    assert bot.tg.toasts()[3:] == [
        "Borré tu orden: toca las opciones otra vez, empezando por tu favorita.",
        "Todavía no ordenaste ninguna opción: tócalas empezando por tu favorita.",
        "Tu orden: 1. Parque",
    ]
    assert await ranking(bot, LUIS) == 3
    assert await ranking(bot, JOAO) == 3
    # a cleared ballot is no ballot: not counted as voting
    await press(bot, JOAO, message, START_OVER)
    await later(bot)
    assert "Votaron: 1 · faltan: 2" in message.text


async def test_a_replayed_update_and_a_double_tap_rank_once(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, QUESTION)
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    tap = bot.u.callback(LUIS, shown, message.button_data[1])
    await bot.feed(tap)
    await bot.feed(tap)  # Telegram delivered it again
    assert bot.tg.toasts() == ["Tu orden: 1. Escuela"]
    # two taps on the same option at the same moment, and on two options at once
    await asyncio.gather(
        bot.feed(bot.u.callback(LUIS, shown, message.button_data[0])),
        bot.feed(bot.u.callback(LUIS, shown, message.button_data[0])),
    )
    assert await ranking(bot, LUIS) == 21
    await asyncio.gather(
        bot.feed(bot.u.callback(ANA, shown, message.button_data[0])),
        bot.feed(bot.u.callback(ANA, shown, message.button_data[2])),
    )
    assert await ranking(bot, ANA) in (13, 31)  # both kept, in one order or the other
    assert len(bot.tg.toasts()) == 5


async def test_many_members_ranking_at_once_all_count(bot: Bot) -> None:
    people = [TUser(500 + i, f"Vecina {i}", None, "es") for i in range(6)]
    await seed_group(bot, *people)
    _vote, message = await open_vote(bot, QUESTION)
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    await asyncio.gather(
        *(
            bot.feed(bot.u.callback(p, shown, message.button_data[i % 3]))
            for i, p in enumerate(people)
        )
    )
    async with bot.db() as session:
        rows = dict((await session.execute(select(Position.person_id, Position.choices))).all())
    assert rows == {p.id: i % 3 + 1 for i, p in enumerate(people)}


async def test_observers_and_proxies_cannot_rank(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    said = bot.u.message_json(NORTE, MARY, "sigo el grupo")
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add", reply_to=said))
    vote, message = await open_vote(bot, QUESTION)
    await press(bot, MARY, message, "Plaza")
    assert bot.tg.toasts() == [
        "Sigues este grupo con el rol de observación, y ese rol no vota. La coordinación puede "
        "cambiarlo con /observer remove."
    ]
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/vote Luis 1",
            mentions={"Luis": LUIS},
            reply_to=bot.tg.message_json(NORTE.id, message.message_id),
        )
    )
    assert bot.tg.last(NORTE.id).text == (
        "Cada integrante da su orden de preferencia o sus puntajes con los botones de la "
        "votación; no se pueden registrar por otra persona."
    )
    assert await bot.scalar(select(Position.id)) is None
    # a forged button: another kind's, or an option it does not have
    shown = bot.tg.message_json(NORTE.id, message.message_id)
    for data in (f"vote:c:{vote.id}:0", f"vote:r:{vote.id}:3", f"vote:s:{vote.id}:0:5"):
        await bot.feed(bot.u.callback(LUIS, shown, data))
    assert bot.tg.toasts()[1:] == ["Este botón ya no funciona. Envía el comando de nuevo."] * 3
    assert await bot.scalar(select(Position.id)) is None


async def test_the_quorum_counts_people_with_a_ballot(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    _vote, message = await open_vote(bot, QUESTION + " quorum 75%")
    await press(bot, LUIS, message, "Plaza")
    await press(bot, JOAO, message, "Plaza")
    await press(bot, MARY, message, "Escuela")
    await press(bot, MARY, message, START_OVER)  # Mary's ballot is empty again
    await close(bot, message)
    result = bot.tg.last(NORTE.id).text
    assert "⚠️ Sin quórum" in result and "Votaron: 2 de 4 integrantes." in result
    assert await bot.scalar(select(Vote.outcome)) == "no_quorum"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/poll ranked ¿Qué primero? | Plaza",
            "Una encuesta necesita al menos dos opciones, separadas por |. Ejemplo: "
            "/poll preferencial ¿Qué arreglamos primero? | Plaza | Escuela | Parque cierra 48h",
        ),
        (
            "/poll ranked ¿Qué primero? | Plaza | PLAZA",
            "La opción “PLAZA” está dos veces; cada una debe ser distinta. Ejemplo: "
            "/poll preferencial ¿Qué arreglamos primero? | Plaza | Escuela | Parque cierra 48h",
        ),
        (
            "/poll ranked Q | " + " | ".join(f"o{i}" for i in range(10)),
            "Una encuesta preferencial o por puntaje puede tener hasta 9 opciones; esta tiene 10.",
        ),
        ("/poll ranked multi Q | a | b", "no puede ser de opción múltiple ni nativa de Telegram"),
    ],
)
async def test_bad_ranked_polls_get_one_sentence_and_an_example(
    bot: Bot, text: str, expected: str
) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, text))
    assert expected in bot.tg.last(NORTE.id).text
    assert await bot.scalar(select(Vote.id)) is None


async def test_a_failed_edit_is_tried_again_and_a_template_keeps_the_kind(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, QUESTION)
    await press(bot, LUIS, message, "Parque")
    bot.tg.fail_next("editMessageText", server_error())
    await later(bot)
    assert message.edits == 0  # Telegram answered 502 Bad Gateway
    await later(bot)
    assert message.edits == 1
    assert "Ya votaron: Luis" in message.text and "Votaron: 1 · faltan: 1" in message.text
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/template save prioridades",
            reply_to=bot.tg.message_json(NORTE.id, message.message_id),
        )
    )
    again, card = await open_vote(bot, "/template prioridades")
    assert again.kind == "ranked" and again.options == ["Plaza", "Escuela", "Parque"]
    assert card.buttons[-1][0][0] == START_OVER
