"""Positions recorded for members who are not in the chat (issue 23): a coordinator's
`/vote @name agree [reason]` or `/vote "Doña Rosa" disagree` replying to the vote, for a
member without Telegram added with `/member add "Doña Rosa"`. The card marks it ("✍
registrado por Ana"), the decision log keeps who and when, the member's own later click
replaces it, and quorum counts them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.db import as_utc
from bot.groups.models import Membership, Person
from bot.votes.models import Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import Sent
from tests.votes.helpers import later, open_vote, press


def on(bot: Bot, message: Sent, user, text: str) -> dict:
    """`user` sends `text` replying to the bot's `message`."""
    return bot.u.command(
        NORTE, user, text, reply_to=bot.tg.message_json(NORTE.id, message.message_id)
    )


async def rosa(bot: Bot) -> Person:
    return await bot.scalar(select(Person).where(Person.first_name == "Doña Rosa"))


async def test_members_without_telegram_are_added_once_and_listed(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/member"))
    assert "nadie todavía" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    said = bot.tg.last(NORTE.id).text
    assert said.startswith("Doña Rosa ahora es integrante sin Telegram")
    assert "/vote “Doña Rosa” a favor" in said
    await bot.feed(bot.u.command(NORTE, ANA, "/member add “doña rosa”"))
    assert bot.tg.last(NORTE.id).text == "doña rosa ya es integrante de este grupo."
    person = await rosa(bot)
    assert person.id < 0
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Don Pepe"'))
    pepe = await bot.scalar(select(Person).where(Person.first_name == "Don Pepe"))
    assert pepe.id < person.id
    await bot.feed(bot.u.command(NORTE, LUIS, "/member"))
    listed = bot.tg.last(NORTE.id).text
    assert "2 personas" in listed and "• Don Pepe" in listed and "• Doña Rosa" in listed

    # bad input and a plain member
    await bot.feed(bot.u.command(NORTE, ANA, "/member add Doña Rosa"))
    assert "entre comillas" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, LUIS, '/member add "Tía Chela"'))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")

    await bot.feed(bot.u.command(NORTE, ANA, '/member remove "Don Pepe"'))
    assert bot.tg.last(NORTE.id).text == "Don Pepe ya no es integrante de este grupo."
    await bot.feed(bot.u.command(NORTE, ANA, '/member remove "Don Pepe"'))
    assert "no hay integrantes sin Telegram" in bot.tg.last(NORTE.id).text
    left = await bot.scalar(select(Membership.left_at).where(Membership.person_id == pepe.id))
    assert left is not None


async def test_a_recorded_position_is_marked_counts_for_quorum_and_is_logged(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    _, message = await open_vote(bot, "/propose Pintar el mural closes 2 horas quorum 100%")
    await press(bot, ANA, message, 0)
    await press(bot, LUIS, message, 0)
    await bot.feed(on(bot, message, ANA, '/vote "Doña Rosa" en contra: no hay presupuesto'))
    assert bot.tg.last(NORTE.id).text == "✍ Postura de Doña Rosa registrada: 👎 En desacuerdo."
    person = await rosa(bot)
    row = await bot.scalar(select(Position).where(Position.person_id == person.id))
    assert (row.choices, row.reason, row.recorded_by) == (1 << 2, "no hay presupuesto", ANA.id)
    assert as_utc(row.recorded_at) is not None
    await later(bot)
    card = bot.tg.messages[(NORTE.id, message.message_id)].text
    assert "Doña Rosa ✍ (✍ registrado por Ana)" in card

    closes_at = as_utc(await bot.scalar(select(Vote.closes_at)))
    await bot.tick(closes_at + timedelta(seconds=1))
    result = bot.tg.last(NORTE.id).text
    assert "✅ Aprobada" in result and "Votaron: 3 de 3 integrantes." in result
    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 1"))
    page = bot.tg.last(NORTE.id).text
    assert "Doña Rosa (✍ registrado por Ana, " in page
    assert "no hay presupuesto" in page


async def test_the_members_own_click_replaces_what_was_recorded(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    _, message = await open_vote(bot, "/propose Pintar el mural")
    await bot.feed(on(bot, message, ANA, "/vote @luis_o a favor lo dijo en la reunión"))
    assert "✍ Postura de" in bot.tg.last(NORTE.id).text
    row = await bot.scalar(select(Position).where(Position.person_id == LUIS.id))
    assert row.recorded_by == ANA.id and row.choices == 1
    await press(bot, LUIS, message, 0)  # the same option, now his own
    async with bot.db() as session:
        row = await session.scalar(select(Position).where(Position.person_id == LUIS.id))
    assert (row.choices, row.recorded_by, row.recorded_at, row.reason) == (1, None, None, None)
    # once he voted himself, nobody records for him
    await bot.feed(on(bot, message, ANA, "/vote @luis_o en contra"))
    assert bot.tg.last(NORTE.id).text == "Luis ya votó por su cuenta, y cuenta su propio voto."
    assert await bot.scalar(select(Position.choices).where(Position.person_id == LUIS.id)) == 1


async def test_polls_take_option_numbers(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    _, message = await open_vote(bot, "/poll multi ¿Qué días? | Sábado | Domingo | Lunes")
    await bot.feed(on(bot, message, ANA, '/vote "Doña Rosa" 1,3'))
    person = await rosa(bot)
    assert await bot.scalar(select(Position.choices).where(Position.person_id == person.id)) == 5
    await bot.feed(on(bot, message, ANA, '/vote "Doña Rosa" 4'))
    assert "No pude leer la opción “4”" in bot.tg.last(NORTE.id).text


async def test_bad_proxy_votes_get_one_sentence(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    _, message = await open_vote(bot, "/propose Pintar el mural")
    cases = [
        (LUIS, '/vote "Doña Rosa" a favor', "Solo la coordinación"),
        (ANA, '/vote "Don Pepe" a favor', "Don Pepe no es integrante de este grupo"),
        (ANA, "/vote @desconocida a favor", "Todavía no conozco"),
        (ANA, '/vote "Doña Rosa" quizás', "No pude leer la postura “quizás”"),
        (ANA, '/vote "Doña Rosa"', '/vote "Doña Rosa" en contra'),
        (ANA, "/vote a favor", '/vote "Doña Rosa" en contra'),
        (ANA, '/vote "Doña Rosa a favor', '/vote "Doña Rosa" en contra'),
    ]
    for user, text, expected in cases:
        await bot.feed(on(bot, message, user, text))
        said = bot.tg.last(NORTE.id).text
        assert expected in said, (text, said)
    # an observer's position is not recorded either
    said = bot.u.message_json(NORTE, MARY, "sigo el grupo")
    await bot.feed(bot.u.command(NORTE, ANA, "/observer add", reply_to=said))
    await bot.feed(on(bot, message, ANA, "/vote @MARY a favor"))
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/vote Mary a favor",
            mentions={"Mary": MARY},
            reply_to=bot.tg.message_json(NORTE.id, message.message_id),
        )
    )
    assert "rol de observación" in bot.tg.last(NORTE.id).text
    # without a reply, with two votes open: which one?
    await open_vote(bot, "/propose Otra cosa")
    await bot.feed(bot.u.command(NORTE, ANA, '/vote "Doña Rosa" a favor'))
    assert "Responde al mensaje de la votación" in bot.tg.last(NORTE.id).text
    assert await bot.scalars(select(Position)) == []

    # a closed vote
    await bot.feed(on(bot, message, ANA, "/close"))
    await bot.feed(on(bot, message, ANA, '/vote "Doña Rosa" a favor'))
    assert "cerr" in bot.tg.last(NORTE.id).text
    assert await bot.scalars(select(Position)) == []


async def test_a_native_poll_takes_no_recorded_positions(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/poll native ¿Qué día? | Sábado | Domingo"))
    vote = await bot.scalar(select(Vote))
    message = bot.tg.messages[(NORTE.id, vote.message_id)]
    await bot.feed(on(bot, message, ANA, "/vote @luis_o 1"))
    assert "encuesta de Telegram" in bot.tg.last(NORTE.id).text
    assert await bot.scalars(select(Position)) == []


async def test_an_anonymous_admin_records_as_the_group(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, '/member add "Doña Rosa"'))
    _, message = await open_vote(bot, "/propose Pintar el mural")
    await bot.feed(
        bot.u.anonymous_admin_command(
            NORTE,
            '/vote "Doña Rosa" a favor',
            reply_to=bot.tg.message_json(NORTE.id, message.message_id),
        )
    )
    assert "✍ Postura de Doña Rosa registrada" in bot.tg.last(NORTE.id).text
    await later(bot)
    card = bot.tg.messages[(NORTE.id, message.message_id)].text
    assert "Doña Rosa (✍ registrado por el grupo (admin anónimo))" in card
