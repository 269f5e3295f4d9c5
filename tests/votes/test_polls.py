"""Polls: single and multiple choice, anonymous tallies, /votes, and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.votes.models import Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.votes.helpers import later, open_vote, press, yesterday_typed


async def test_a_single_choice_poll_with_a_winner(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    _vote, message = await open_vote(
        bot, "/poll ¿Dónde hacemos la feria? | Plaza | Escuela | Parque"
    )
    assert message.text.startswith("📊 Encuesta\n¿Dónde hacemos la feria?")
    assert [label for row in message.buttons for label, _ in row] == ["Plaza", "Escuela", "Parque"]
    await press(bot, LUIS, message, "Plaza")
    await press(bot, JOAO, message, "Parque")
    await press(bot, MARY, message, "Parque")
    await press(bot, LUIS, message, "Parque")  # Luis changes his mind: the latest counts
    await later(bot)
    assert "Parque: 3 — Luis, João, Mary" in message.text
    assert "Plaza: 0" in message.text
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    result = bot.tg.last(NORTE.id).text
    assert "🏆 Ganó: “Parque”" in result
    assert "Plaza 0 · Escuela 0 · Parque 3" in result
    assert (await bot.scalar(select(Vote.outcome))) == "winner"


async def test_a_multiple_choice_poll_toggles_options_and_can_tie(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    _vote, message = await open_vote(bot, "/poll multi ¿Qué traemos? | Pan | Mate | Torta")
    assert "(puedes elegir varias)" in message.text
    await press(bot, LUIS, message, "Pan")
    await press(bot, LUIS, message, "Mate")
    await press(bot, JOAO, message, "Torta")
    await press(bot, JOAO, message, "Torta")  # unticks it
    await press(bot, JOAO, message, "Pan")
    await press(bot, JOAO, message, "Mate")
    assert bot.tg.toasts() == [
        "Tu voto: Pan",
        "Tu voto: Pan, Mate",
        "Tu voto: Torta",
        "Ahora no tienes ninguna opción marcada.",
        "Tu voto: Pan",
        "Tu voto: Pan, Mate",
    ]
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    result = bot.tg.last(NORTE.id).text
    assert "🤝 Empate entre “Pan”, “Mate”" in result
    assert "Votaron: 2 de 3 integrantes." in result


async def test_an_anonymous_poll_shows_counts_without_names(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/poll Presupuesto | Sí | No anonymous")
    assert vote.anonymous and vote.options == ["Sí", "No"]
    await press(bot, LUIS, message, "Sí")
    await press(bot, JOAO, message, "No")
    await later(bot)
    assert "Sí: 1\n" in message.text and "Luis" not in message.text
    assert "anónima: solo conteos, sin nombres" in message.text
    # positions are still stored by person: anonymous is about what the group sees
    assert await bot.scalar(select(func.count()).select_from(Position)) == 2


async def test_open_votes_are_listed_with_deadline_and_link(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, LUIS, "/votes"))
    assert bot.tg.last(NORTE.id).text.startswith("No hay nada abierto para votar ahora.")
    _, first = await open_vote(bot, "/propose Pintar closes 2d")
    _, second = await open_vote(bot, "/poll ¿Cuándo? | Sábado | Domingo closes 5 horas")
    await bot.feed(bot.u.command(NORTE, LUIS, "/votes"))
    listing = bot.tg.last(NORTE.id)
    lines = listing.text.splitlines()
    assert lines[0] == "Votaciones abiertas"
    assert lines[1].startswith("• ¿Cuándo? — cierra: ")  # the soonest first
    assert lines[2].startswith("• Pintar — cierra: ")
    assert f'href="https://t.me/c/1000000001/{second.message_id}"' in listing.html
    assert f'href="https://t.me/c/1000000001/{first.message_id}"' in listing.html


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/propose", "¿Cuál es la pregunta? Ejemplo: /propose Pintar el mural el sábado"),
        ("/poll", "¿Cuál es la pregunta? Ejemplo: /poll ¿Dónde hacemos la feria?"),
        ("/poll ¿Dónde? | Plaza", "Una encuesta necesita al menos dos opciones, separadas por |."),
        (
            "/poll ¿Qué? | " + " | ".join(f"op{i}" for i in range(30)),
            "Una encuesta puede tener hasta 10 opciones; esta tiene 30.",
        ),
        ("/poll ¿Qué? | a | " + "b" * 101, "Cada opción puede tener hasta 100 caracteres:"),
        (
            "/propose Pintar closes cuando sea",
            "No entendí la hora de cierre “cuando sea”. Escríbela así: cierra 48h",
        ),
        (
            "/propose Pintar closes 15/12/2020 10:00",
            "La hora de cierre “15/12/2020 10:00” ya pasó. Ejemplo: cierra 48h",
        ),
        (
            "/propose Pintar quorum 150%",
            "El quórum “150%” debe ser un porcentaje de 1% a 100%. Ejemplo: quorum 50%",
        ),
        (
            "/propose Pintar quorum 101%",
            "El quórum “101%” debe ser un porcentaje de 1% a 100%. Ejemplo: quorum 50%",
        ),
        (
            "/propose Pintar quorum 0%",
            "El quórum “0%” debe ser un porcentaje de 1% a 100%. Ejemplo: quorum 50%",
        ),
        (
            "/propose Pintar quorum",
            "Indica el quórum como porcentaje de integrantes. Ejemplo: quorum 50%",
        ),
        ("/propose Pintar closes", "No entendí la hora de cierre “”. Escríbela así: cierra 48h"),
        (
            "/propose Pintar closes 100 días",
            "Una votación puede estar abierta hasta 90 días. Ejemplo: cierra 7 días",
        ),
        ("/propose " + "x" * 301, "La pregunta puede tener hasta 300 caracteres; esta tiene 301."),
        (
            "/poll ¿Dónde? | Plaza | plaza",
            "Hay dos opciones iguales. Cada opción debe ser distinta.",
        ),
        (
            "/poll ¿Qué? | " + " | ".join(f"op{i}" for i in range(11)),
            "Una encuesta puede tener hasta 10 opciones; esta tiene 11.",
        ),
    ],
)
async def test_bad_input_gets_a_short_answer_with_an_example(
    bot: Bot, command: str, answer: str
) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, command))
    assert bot.tg.last(NORTE.id).text.startswith(answer)
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 0


async def test_a_closing_date_far_ahead_is_refused_with_its_year(bot: Bot) -> None:
    await seed_group(bot)
    typed, with_year = yesterday_typed(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, f"/propose Pintar closes {typed}"))
    assert bot.tg.last(NORTE.id).text == (
        f"“{typed}” queda a más de 11 meses. Si es esa la fecha, escribe también el año, así: "
        f"{with_year}"
    )
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 0


async def test_votes_are_opened_in_groups_only(bot: Bot) -> None:
    from tests.updates import private_chat

    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/propose Pintar"))
    assert bot.tg.last(LUIS.id).text.startswith("Ese comando funciona en un grupo.")


async def test_a_poll_nobody_voted_in_closes_with_its_figures(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    _, message = await open_vote(bot, "/poll ¿Dónde hacemos la feria? | Plaza | Escuela")
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    result = bot.tg.last(NORTE.id)
    assert result.text.startswith("🗳 Decisión #1: ¿Dónde hacemos la feria?\nNadie votó")
    assert "Plaza 0 · Escuela 0" in result.text
    assert "Votaron: 0 de 3 integrantes." in result.text
    assert "Perdón" not in result.text  # not the apology for a failure
    assert (await bot.scalar(select(Vote.outcome))) == "no_votes"


async def test_the_limits_themselves_are_allowed(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    ten = " | ".join(f"op{i}" for i in range(10))
    for command in (
        f"/poll ¿Qué? | {ten}",
        "/propose " + "x" * 300,
        "/propose Pintar quorum 100%",
        "/propose Pintar quorum 1%",
        "/propose Pintar closes 90 días",
    ):
        before = await bot.scalar(select(func.count()).select_from(Vote))
        await bot.feed(bot.u.command(NORTE, LUIS, command))
        assert await bot.scalar(select(func.count()).select_from(Vote)) == before + 1, command
    quorums = await bot.scalars(select(Vote.quorum).order_by(Vote.id))
    assert quorums[2:4] == [100, 1]
    options = await bot.scalar(select(Vote.options).order_by(Vote.id).limit(1))
    assert len(options) == 10
