"""Settled things stay settled: a drop with a reason is a decision, not a failure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.reviews.models import AUTOMATIC, MANUAL, Review, ReviewSubject
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, start_bot
from tests.reviews.test_reviews import NOW, commitment, seed_group, tick

BOGOTA = ZoneInfo("America/Bogota")


def typed(moment: datetime) -> str:
    """A moment as a member types it in the group (Bogotá)."""
    return f"{moment.astimezone(BOGOTA):%Y-%m-%d %H:%M}"


def reviews(*bots: Bot) -> list:
    """The review messages the group saw (not the re-plan prompts, which start with 🔁 too)."""
    return [m for b in bots for m in b.tg.sent(NORTE.id) if m.text.startswith("🔁 Revisemos")]


async def automatic(bot: Bot) -> int:
    return await bot.scalar(
        select(func.count()).select_from(Review).where(Review.kind == AUTOMATIC)
    )


async def card_of(bot: Bot, number: int) -> dict:
    await bot.feed(bot.u.command(NORTE, ANA, f"/commitment {number}"))
    return bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)


async def review_by_hand(bot: Bot, card: dict) -> dict:
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=card))
    posted = bot.tg.last(NORTE.id)
    assert posted.text.startswith("🔁 Revisemos")
    return bot.tg.message_json(NORTE.id, posted.message_id)


async def test_a_drop_with_a_reason_opens_no_review(bot: Bot, engine, database, clock) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Feria de trueque", NOW + timedelta(days=3))
    dropping = bot.u.command(NORTE, LUIS, "/commitment 1 drop ya no hace falta")
    await bot.feed(dropping, dropping)  # the same update again changes nothing
    assert "Descartado" in bot.tg.last(NORTE.id).text
    await tick(bot, NOW)
    await tick(bot, NOW + timedelta(days=1, minutes=1))
    await tick(bot, NOW + timedelta(days=8))  # and when it would have been late
    assert reviews(bot) == []
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 0
    # nor after a restart, in another process
    other = await start_bot(engine, database.url, clock)
    other.group(NORTE)
    try:
        await tick(other, NOW + timedelta(days=9))
        assert reviews(other) == []
    finally:
        await other.app.shutdown()

    # a coordinator may still review the decision
    card = await card_of(bot, 1)
    hand = await review_by_hand(bot, card)
    assert "📌 #1 Feria de trueque — Luis." in reviews(bot)[-1].text
    await bot.feed(bot.u.message(NORTE, LUIS, "Ya lo hizo la junta", reply_to=hand))
    await bot.feed(bot.u.command(NORTE, ANA, "/review close Preguntar antes a la junta"))
    assert bot.tg.last(NORTE.id).text.startswith("📚 Lo que aprendimos\nPreguntar antes")
    assert await bot.scalar(select(Review.kind)) == MANUAL
    await tick(bot, NOW + timedelta(days=10))
    assert len(reviews(bot)) == 1
