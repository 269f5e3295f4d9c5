"""The digest's decisions section shows what each decision became: its commitments and their
state — done, dropped, overdue, open with its progress (issue 23)."""

from __future__ import annotations

from sqlalchemy import update

from bot.commitments.models import Commitment
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.monitoring.test_digest import digests
from tests.votes.test_backers import done_press
from tests.votes.test_to_commitment import passed, turn_into


async def test_a_decision_with_its_commitment_open_then_done(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    result = await passed(bot)
    await bot.feed(turn_into(bot, LUIS, result))
    card = bot.tg.last(NORTE.id)
    async with bot.db() as session:
        await session.execute(update(Commitment).values(progress=50))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    text = digests(bot)[-1].text
    assert (
        "🗳 Decisiones\n• #1 Pintar el mural — aprobada\n"
        "   ↳ #1 Pintar el mural · ⏳ en curso, 50 % hecho" in text
    )

    await bot.feed(done_press(bot, LUIS, card))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert "   ↳ #1 Pintar el mural · ✅ hecho" in digests(bot)[-1].text


async def test_an_older_decision_is_listed_while_its_commitment_moves(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, language="en")
    result = await passed(bot)
    await bot.feed(turn_into(bot, LUIS, result))
    await bot.tick(days=12)  # the decision is from before this week
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    text = digests(bot)[-1].text
    assert "• #1 Pintar el mural — passed\n   ↳ #1 Pintar el mural · ⏳ open" in text

    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 drop not needed"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert "   ↳ #1 Pintar el mural · 🗑 dropped" in digests(bot)[-1].text

    await bot.tick(days=8)  # a week later nothing moved: the old decision is left out
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert "Pintar el mural" not in digests(bot)[-1].text
