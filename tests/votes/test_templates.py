"""Vote templates (issue 23): `/template save <name>` replying to a vote keeps its question,
options and rules; `/template <name>` opens it again, closing as far from its opening."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.votes.models import Vote, VoteTemplate
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.votes.helpers import open_vote


def reply_to(bot: Bot, message_id: int, text: str, who=ANA) -> dict:
    return bot.u.command(NORTE, who, text, reply_to=bot.tg.message_json(NORTE.id, message_id))


async def test_a_vote_kept_as_a_template_opens_again_with_its_options_and_rules(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    first, message = await open_vote(
        bot, "/poll ¿Qué día hacemos la asamblea? | jueves | sábado closes in 2 days anonymous"
    )
    await bot.feed(reply_to(bot, message.message_id, "/template save Asamblea"))
    assert bot.tg.last(NORTE.id).text == (
        "Guardada como la plantilla “asamblea”: ¿Qué día hacemos la asamblea?. "
        "Ábrela con /template asamblea"
    )
    bot.clock.advance(days=10)
    await bot.feed(bot.u.command(NORTE, LUIS, "/template"))
    listed = bot.tg.last(NORTE.id).text
    assert listed.startswith("🗂 Plantillas de votación\n• asamblea — ¿Qué día hacemos")

    second, card = await open_vote(bot, "/template asamblea", by=LUIS)  # any member opens it
    assert second.id != first.id
    assert (second.question, second.options, second.anonymous) == (
        first.question,
        first.options,
        True,
    )
    assert as_utc(second.closes_at) - as_utc(second.opened_at) == as_utc(first.closes_at) - as_utc(
        first.opened_at
    )
    assert [label for row in card.buttons for label, _ in row][:2] == ["jueves", "sábado"]


async def test_templates_bad_input_and_permissions(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar el mural")
    # saving and deleting are the coordinators'
    await bot.feed(reply_to(bot, message.message_id, "/template save mural", who=LUIS))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/template save mural"))  # not a reply
    assert bot.tg.last(NORTE.id).text == (
        "Responde a la votación que quieres guardar, por ejemplo: /template save asamblea"
    )
    await bot.feed(reply_to(bot, message.message_id, "/template save dos palabras"))
    assert bot.tg.last(NORTE.id).text.startswith("Responde a una votación con /template save")
    await bot.feed(reply_to(bot, message.message_id, "/template save <b>"))
    assert bot.tg.last(NORTE.id).text.startswith("El nombre de una plantilla es una sola palabra")
    await bot.feed(bot.u.command(NORTE, LUIS, "/template"))
    assert bot.tg.last(NORTE.id).text.startswith("Todavía no hay plantillas de votación.")
    await bot.feed(bot.u.command(NORTE, LUIS, "/template mural"))
    assert bot.tg.last(NORTE.id).text == (
        "No hay ninguna plantilla llamada “mural”. Las plantillas se ven con /template"
    )
    assert await bot.scalar(select(func.count()).select_from(VoteTemplate)) == 0

    # saved twice under one name: replaced, said so; deleted: gone
    await bot.feed(reply_to(bot, message.message_id, "/template save mural"))
    _, other = await open_vote(bot, "/propose Pintar la cancha")
    await bot.feed(reply_to(bot, other.message_id, "/template guardar mural"))
    assert bot.tg.last(NORTE.id).text == "La plantilla “mural” ahora abre: Pintar la cancha"
    votes = await bot.scalar(select(func.count()).select_from(Vote))
    await bot.feed(bot.u.command(NORTE, ANA, "/template delete mural"))
    assert bot.tg.last(NORTE.id).text == "La plantilla “mural” quedó borrada."
    await bot.feed(bot.u.command(NORTE, LUIS, "/template mural"))
    assert await bot.scalar(select(func.count()).select_from(Vote)) == votes


async def test_the_same_command_delivered_twice_opens_one_vote(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar el mural")
    await bot.feed(reply_to(bot, message.message_id, "/template save mural"))
    again = bot.u.command(NORTE, LUIS, "/template mural")
    await bot.feed(again, again)
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 2
