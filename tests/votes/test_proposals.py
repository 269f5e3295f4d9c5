"""Proposals: open, take and change positions, reasons, close, the decision log."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.votes.models import Decision, Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.votes.helpers import later, next_local, open_vote, press, reply_to

AGREE, ABSTAIN, DISAGREE, BLOCK = 0, 1, 2, 3


async def positions(bot: Bot, vote: Vote) -> dict[int, tuple[int, str | None]]:
    async with bot.db() as session:
        rows = await session.execute(
            select(Position.person_id, Position.choices, Position.reason).where(
                Position.vote_id == vote.id
            )
        )
        return {person: (choices, reason) for person, choices, reason in rows}


async def test_a_proposal_is_one_message_with_four_buttons(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Pintar el mural <el sábado> quorum 50%")
    assert vote.kind == "proposal" and vote.quorum == 50 and not vote.anonymous
    assert message.reply_to is not None  # it answers the command
    assert [label for row in message.buttons for label, _ in row] == [
        "✅ De acuerdo",
        "🤷 Me abstengo",
        "👎 En desacuerdo",
        "⛔ Bloqueo",
    ]
    assert "<b>Pintar el mural &lt;el sábado&gt;</b>" in message.html
    assert "Votaron: 0 · faltan: 3" in message.text
    assert "quórum 50% de integrantes" in message.text
    assert len(bot.tg.sent(NORTE.id)) == 2  # the greeting and the vote: nothing else


async def test_positions_change_until_close_and_the_message_shows_who(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Pintar el mural")
    await press(bot, LUIS, message, AGREE)
    await press(bot, JOAO, message, DISAGREE)
    await press(bot, LUIS, message, AGREE)  # again: harmless
    await press(bot, JOAO, message, ABSTAIN)  # changes his mind
    assert bot.tg.toasts() == [
        "Tu voto: ✅ De acuerdo",
        "Tu voto: 👎 En desacuerdo",
        "Ya elegiste: ✅ De acuerdo",
        "Tu voto: 🤷 Me abstengo",
    ]
    assert await positions(bot, vote) == {LUIS.id: (1, None), JOAO.id: (2, None)}
    assert message.edits == 0  # the edit waits for the refresh, not for each click
    await later(bot)
    assert message.edits == 1
    assert "✅ De acuerdo: 1 — Luis" in message.text
    assert "🤷 Me abstengo: 1 — João" in message.text
    assert "👎 En desacuerdo: 0" in message.text
    assert "Votaron: 2 · faltan: 1" in message.text
    await later(bot)
    assert message.edits == 1  # nothing new: no edit


async def test_a_block_asks_for_a_reason_given_by_replying(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    vote, message = await open_vote(bot, "/propose Cerrar la calle el domingo")
    await press(bot, LUIS, message, BLOCK)
    assert "Responde al mensaje de la votación con tu motivo" in bot.tg.toasts()[-1]
    await bot.feed(reply_to(bot, message, LUIS, "Hay una <feria> ese día & no se puede"))
    await bot.feed(reply_to(bot, message, LUIS, "Hay feria ese día"))  # replaces
    # someone without a position replying is just talking
    await bot.feed(reply_to(bot, message, JOAO, "¿a qué hora?"))
    assert await positions(bot, vote) == {LUIS.id: (8, "Hay feria ese día")}
    await later(bot)
    assert "⛔ Bloqueo: 1 — Luis ✍" in message.text
    assert len(bot.tg.sent(NORTE.id)) == 2  # replies are stored silently

    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    result = bot.tg.last(NORTE.id)
    assert result.reply_to == message.message_id
    assert result.text.splitlines()[:2] == [
        "🗳 Decisión #1: Cerrar la calle el domingo",
        "⛔ Bloqueada",
    ]
    assert "• Luis (⛔ Bloqueo): Hay feria ese día" in result.text
    assert message.buttons == []  # closed: no buttons left
    assert "Cerrada: " in message.text


async def test_a_block_without_a_reason_counts_as_disagree(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    _, message = await open_vote(bot, "/propose Cambiar la hora")
    await press(bot, LUIS, message, AGREE)
    await press(bot, JOAO, message, AGREE)
    await press(bot, ANA, message, BLOCK)
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    result = bot.tg.last(NORTE.id).text
    assert "✅ Aprobada" in result
    assert "✅ De acuerdo 2 · 🤷 Me abstengo 0 · 👎 En desacuerdo 1 · ⛔ Bloqueo 0" in result
    assert "Un bloqueo sin motivo contó como “En desacuerdo”." in result


async def test_a_closing_day_and_time_in_the_groups_time_zone(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    vote, message = await open_vote(bot, "/propose Pintar el mural closes viernes 18:00")
    from zoneinfo import ZoneInfo

    from bot.core.db import as_utc

    local = as_utc(vote.closes_at).astimezone(ZoneInfo("America/Bogota"))
    assert (local.weekday(), local.hour, local.minute) == (4, 18, 0)
    assert vote.question == "Pintar el mural"
    assert f"Cierra: vie, {local.day} " in message.text
    assert ", 18:00 (" in message.text and "días)" in message.text  # with how far it is


async def test_a_stale_button_on_a_closed_vote_answers_with_a_toast(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    vote, message = await open_vote(bot, "/propose Pintar")
    old = bot.tg.message_json(NORTE.id, message.message_id)  # as Luis's phone still shows it
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=old))
    await bot.feed(
        bot.u.callback(LUIS, old, old["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    )
    assert bot.tg.toasts()[-1] == "Esta votación está cerrada. Mira el resultado con /decisions"
    assert await positions(bot, vote) == {}


async def test_only_coordinators_close_and_only_as_a_reply(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _vote, message = await open_vote(bot, "/propose Pintar")
    as_reply = bot.tg.message_json(NORTE.id, message.message_id)
    await bot.feed(bot.u.command(NORTE, LUIS, "/close", reply_to=as_reply))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    await bot.feed(bot.u.command(NORTE, ANA, "/close"))
    assert bot.tg.last(NORTE.id).text == (
        "Responde al mensaje de la votación con /close para cerrarla ya."
    )
    assert await bot.scalar(select(Vote.closed_at)) is None
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=as_reply))
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=as_reply))
    assert bot.tg.last(NORTE.id).text.startswith("Esa votación ya está cerrada.")
    assert await bot.scalar(select(func.count()).select_from(Decision)) == 1


async def test_the_decision_log(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/decisions"))
    assert bot.tg.last(NORTE.id).text == (
        "Todavía no hay decisiones. Cada votación cerrada quedará registrada aquí."
    )
    for question, presses in (("Pintar", [AGREE, AGREE, DISAGREE]), ("Fiesta", [DISAGREE])):
        _, message = await open_vote(bot, f"/propose {question} quorum 50%")
        for person, option in zip((LUIS, JOAO, MARY), presses, strict=False):
            await press(bot, person, message, option)
        await bot.feed(reply_to(bot, message, LUIS, "me gusta la idea"))
        await bot.feed(
            bot.u.command(
                NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
            )
        )

    await bot.feed(bot.u.command(NORTE, LUIS, "/decisions"))
    listing = bot.tg.last(NORTE.id)
    lines = listing.text.splitlines()
    assert lines[0].startswith("Decisiones, de la más nueva")
    assert lines[1].startswith("#2 · ") and lines[1].endswith("Fiesta — ⚠️ Sin quórum")
    assert lines[2].startswith("#1 · ") and lines[2].endswith("Pintar — ✅ Aprobada")
    assert '<a href="https://t.me/c/1000000001/' in listing.html

    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 1"))
    page = bot.tg.last(NORTE.id).text
    assert "✅ De acuerdo: Luis, João" in page
    assert "👎 En desacuerdo: Mary" in page
    assert "• Luis (✅ De acuerdo): me gusta la idea" in page
    assert "Votaron: 3 de 4 integrantes." in page

    for bad in ("/decision", "/decision tres"):
        await bot.feed(bot.u.command(NORTE, LUIS, bad))
        assert bot.tg.last(NORTE.id).text == (
            "¿Qué decisión? Indica su número de /decisions. Ejemplo: /decision 3"
        )
    await bot.feed(bot.u.command(NORTE, LUIS, "/decision 9"))
    assert bot.tg.last(NORTE.id).text == "No existe la decisión #9. Mira la lista: /decisions"


async def test_reactions_on_a_proposal_are_a_sense_check_apart_from_the_vote(bot) -> None:
    from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, add_bot

    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/propose Pintar el mural el sábado"))
    proposal = bot.tg.last(NORTE.id)
    proposal_json = bot.tg.message_json(NORTE.id, proposal.message_id)
    await bot.feed(bot.u.callback(JOAO, proposal_json, proposal.button_data[0]))
    await bot.feed(bot.u.reaction(NORTE, MARY, proposal.message_id, ["👍"]))
    await bot.feed(bot.u.reaction(NORTE, ANA, proposal.message_id, ["🤔"]))
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=proposal_json))
    result = [m for m in bot.tg.sent(NORTE.id) if "Decisión #1" in m.text][-1].text
    assert "Votaron: 1 de " in result  # the reactions are not votes
    assert "👀 Termómetro de reacciones, fuera de la votación: " in result
    assert "De acuerdo 1" in result and "Tiene dudas 1" in result


async def test_option_words_are_read_in_the_group_language_only(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    opened = bot.now()
    # `fecha` is the Spanish word "date": the whole text is the question, open for 72 h
    vote, _ = await open_vote(bot, "/propose Cambiar la fecha de la asamblea")
    assert vote.question == "Cambiar la fecha de la asamblea"
    vote, _ = await open_vote(bot, "/propose Cambiar la fecha sábado 10hs")
    assert vote.question == "Cambiar la fecha sábado 10hs"
    assert (as_utc(vote.closes_at) - opened).total_seconds() // 3600 == 72
    # `cierra` is, when a time follows it; `18hs` is the next 18:00 in Bogotá
    vote, _ = await open_vote(bot, "/propose Pintar el mural cierra 18hs")
    assert vote.question == "Pintar el mural"
    assert as_utc(vote.closes_at) == next_local(bot, 18)


async def test_fecha_closes_a_vote_in_a_portuguese_group(bot: Bot) -> None:
    await seed_group(bot, LUIS, language="pt")
    vote, _ = await open_vote(bot, "/propose Mudar a data da assembleia fecha sábado 10h")
    assert vote.question == "Mudar a data da assembleia"
    assert as_utc(vote.closes_at) == next_local(bot, 10, weekday=5)  # Saturday 10:00, Bogotá
    vote, _ = await open_vote(bot, "/propose Pintar cierra viernes 18:00")
    assert vote.question == "Pintar cierra viernes 18:00"  # Spanish words are words here
