"""Score polls: 0 to 5 per option by buttons, a new score replaces the old, means with counts on
the card and in the result, the deadline, duplicates, races, observers and bad input."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.db import as_utc
from bot.votes.models import Decision, Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import Sent
from tests.updates import TUser
from tests.votes.helpers import later, open_vote

QUESTION = "/poll score ¿Qué taller hacemos? | Huerta | Murga | Radio"
HUERTA, MURGA, RADIO = range(3)
ASK = -1


async def give(bot: Bot, user: TUser, message: Sent, vote: Vote, option: int, score: int) -> None:
    await bot.feed(bot.u.callback(user, shown(bot, message), f"vote:s:{vote.id}:{option}:{score}"))


def shown(bot: Bot, message: Sent) -> dict:
    return bot.tg.message_json(NORTE.id, message.message_id)


async def ballot(bot: Bot, user: TUser) -> int | None:
    return await bot.scalar(select(Position.choices).where(Position.person_id == user.id))


async def test_members_score_each_option_and_the_best_mean_wins_at_the_deadline(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    vote, message = await open_vote(bot, QUESTION + " closes 48h")
    assert vote.kind == "score"
    assert message.text.startswith(
        "⭐ Encuesta por puntaje: dale a cada opción un puntaje de 0 a 5\n¿Qué taller hacemos?\n\n"
        "Huerta: — (0 puntajes)\nMurga: — (0 puntajes)\nRadio: — (0 puntajes)"
    )
    rows = [[label for label, _ in row] for row in message.buttons]
    digits = ["0", "1", "2", "3", "4", "5"]
    assert rows == [["Huerta"], digits, ["Murga"], digits, ["Radio"], digits]
    assert all(len(data.encode()) <= 64 for data in message.button_data)

    await give(bot, LUIS, message, vote, HUERTA, 5)
    await give(bot, LUIS, message, vote, MURGA, 3)
    await give(bot, LUIS, message, vote, MURGA, 1)  # a new score replaces the old
    await give(bot, JOAO, message, vote, HUERTA, 4)
    await give(bot, JOAO, message, vote, HUERTA, 4)  # the same again
    await give(bot, JOAO, message, vote, RADIO, ASK)  # the option's own button
    await give(bot, JOAO, message, vote, HUERTA, ASK)
    await give(bot, MARY, message, vote, RADIO, 0)
    assert bot.tg.toasts() == [
        "Tu puntaje para “Huerta”: 5",
        "Tu puntaje para “Murga”: 3",
        "Tu puntaje para “Murga”: 1",
        "Tu puntaje para “Huerta”: 4",
        "Ya le diste 4 a “Huerta”.",
        "Todavía no le diste puntaje a “Radio”: toca de 0 a 5 en su fila.",
        "Tu puntaje para “Huerta”: 4",
        "Tu puntaje para “Radio”: 0",
    ]
    assert await ballot(bot, LUIS) == 26  # Huerta 5 (digit 6), Murga 1 (digit 2)
    await later(bot)
    assert "Huerta: 4,5 (2 puntajes)\nMurga: 1,0 (1 puntaje)\nRadio: 0,0 (1 puntaje)" in (
        message.text
    )
    assert "Ya votaron: Luis, João, Mary" in message.text

    await bot.tick(as_utc(vote.closes_at) + timedelta(minutes=1))
    result = bot.tg.last(NORTE.id).text
    assert result.startswith("🗳 Decisión #1: ¿Qué taller hacemos?\n🏆 Ganó: “Huerta”\n")
    assert "Huerta 4,5 (2) · Murga 1,0 (1) · Radio 0,0 (1)\nVotaron: 3 de 4 integrantes." in result
    decision = await bot.scalar(select(Decision))
    assert decision.winners == [HUERTA] and decision.counts == [2, 1, 1]

    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 1"))
    assert "Luis: Huerta 5 · Murga 1" in bot.tg.last(NORTE.id).text
    # a stale button after the close
    await give(bot, MARY, message, vote, HUERTA, 5)
    assert bot.tg.toasts()[-1] == "Esta votación está cerrada. Mira el resultado con /decisions"
    assert await ballot(bot, MARY) == 100  # Radio 0 (digit 1), unchanged


async def test_an_anonymous_score_poll_shows_means_without_names_and_can_tie(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, QUESTION + " anonymous")
    await give(bot, LUIS, message, vote, HUERTA, 4)
    await give(bot, JOAO, message, vote, MURGA, 4)
    await later(bot)
    assert "Huerta: 4,0 (1 puntaje)" in message.text and "Luis" not in message.text
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=shown(bot, message)))
    result = bot.tg.last(NORTE.id).text
    assert "🤝 Empate entre “Huerta”, “Murga”" in result
    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 1"))
    assert "Luis" not in bot.tg.last(NORTE.id).text


async def test_duplicates_and_simultaneous_taps_change_a_score_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, QUESTION)
    tap = bot.u.callback(LUIS, shown(bot, message), f"vote:s:{vote.id}:{HUERTA}:5")
    await bot.feed(tap)
    await bot.feed(tap)  # Telegram delivered it again
    assert bot.tg.toasts() == ["Tu puntaje para “Huerta”: 5"]
    # two rows at the same moment: both scores kept; the same score twice: once
    await asyncio.gather(
        give(bot, JOAO, message, vote, HUERTA, 2),
        give(bot, JOAO, message, vote, RADIO, 3),
        give(bot, LUIS, message, vote, MURGA, 0),
        give(bot, LUIS, message, vote, MURGA, 0),
    )
    assert await ballot(bot, JOAO) == 403  # Radio 3 (digit 4), Huerta 2 (digit 3)
    assert await ballot(bot, LUIS) == 16
    assert sorted(bot.tg.toasts()[1:]) == sorted(
        [
            "Tu puntaje para “Huerta”: 2",
            "Tu puntaje para “Radio”: 3",
            "Tu puntaje para “Murga”: 0",
            "Ya le diste 0 a “Murga”.",
        ]
    )


async def test_observers_and_forged_scores_are_refused(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    said = bot.u.message_json(NORTE, MARY, "sigo el grupo")
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add", reply_to=said))
    vote, message = await open_vote(bot, QUESTION)
    await give(bot, MARY, message, vote, HUERTA, 5)
    assert bot.tg.toasts()[-1].startswith("Sigues este grupo con el rol de observación")
    stale = "Este botón ya no funciona. Envía el comando de nuevo."
    for option, score in ((HUERTA, 6), (3, 1), (HUERTA, -2)):
        await give(bot, LUIS, message, vote, option, score)
    await bot.feed(bot.u.callback(LUIS, shown(bot, message), f"vote:r:{vote.id}:0"))
    assert bot.tg.toasts()[1:] == [stale] * 4
    assert await bot.scalar(select(Position.id)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/poll score Talleres | Huerta | huerta",
            "La opción “huerta” está dos veces; cada una debe ser distinta. Ejemplo: /poll puntaje "
            "¿Qué taller hacemos? | Huerta | Murga | Radio cierra 48h",
        ),
        (
            "/poll score Talleres |",
            "Una encuesta necesita al menos dos opciones, separadas por |. Ejemplo: /poll puntaje",
        ),
        (
            "/poll score Q | " + " | ".join(f"t{i}" for i in range(12)),
            "puede tener hasta 9 opciones; esta tiene 12.",
        ),
        ("/poll native score Q | a | b", "no puede ser de opción múltiple ni nativa de Telegram"),
    ],
)
async def test_bad_score_polls_get_one_sentence_and_an_example(
    bot: Bot, text: str, expected: str
) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, text))
    assert expected in bot.tg.last(NORTE.id).text
    assert await bot.scalar(select(Vote.id)) is None
