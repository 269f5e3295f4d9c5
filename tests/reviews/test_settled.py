"""Settled things stay settled: a drop with a reason is a decision, and a subject whose review
closed is not reviewed automatically again, unless it was re-planned and failed again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.reviews.models import AUTOMATIC, MANUAL, Review, ReviewSubject
from bot.votes.models import Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, start_bot
from tests.reviews.test_reviews import NOW, commitment, seed_group, tick
from tests.votes.helpers import open_vote, press

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


async def test_a_closed_review_settles_a_commitment_until_it_is_re_planned_and_fails_again(
    bot: Bot, database, clock
) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=3))  # not yet
    hand = await review_by_hand(bot, await card_of(bot, 1))
    await bot.feed(bot.u.message(NORTE, LUIS, "Llovió toda la semana", reply_to=hand))
    await bot.feed(bot.u.command(NORTE, ANA, "/review close", reply_to=hand))  # no learning
    assert bot.tg.last(NORTE.id).text.startswith("Ciérrala con lo que el grupo aprendió")
    closing = bot.u.command(NORTE, ANA, "/review close Pintar con buen tiempo", reply_to=hand)
    await bot.feed(closing, closing)
    assert bot.tg.last(NORTE.id).text.startswith("📚 Lo que aprendimos")

    # five days later it is 8 days late, then more: reviewed already, nothing opens
    for days in (5, 6, 9):
        await tick(bot, NOW + timedelta(days=days))
    assert len(reviews(bot)) == 1
    # a date already past is no new plan
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 due 2020-01-01 18:00"))
    assert bot.tg.last(NORTE.id).text.startswith("Esa fecha ya pasó.")
    await tick(bot, NOW + timedelta(days=10))
    assert await automatic(bot) == 0

    # re-planned: a new date, and it fails again
    due = bot.now() + timedelta(days=2)
    replanning = bot.u.command(NORTE, LUIS, f"/commitment 1 due {typed(due)}")
    await bot.feed(replanning, replanning)
    await tick(bot, due + timedelta(days=3))  # late, not yet for long
    assert await automatic(bot) == 0
    second = await start_bot(database.engine(), database.url, clock)  # another process
    second.group(NORTE)
    try:
        moment = due + timedelta(days=8)
        await asyncio.gather(tick(bot, moment), tick(second, moment), tick(bot, moment))
        [again] = reviews(bot, second)[1:]
        assert "📌 #1 Pintar el mural — Luis." in again.text and "8 días de atraso." in again.text
        # once: the next ticks, the next days, in either process
        await tick(second, moment + timedelta(days=1, minutes=1))
        await tick(bot, moment + timedelta(days=3))
        assert len(reviews(bot, second)) == 2
        assert await automatic(bot) == 1
    finally:
        await second.app.shutdown()
        await second.engine.dispose()


async def test_a_re_plan_from_the_review_is_reviewed_when_it_fails_the_original_is_not(
    bot: Bot,
) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=3))
    hand = await review_by_hand(bot, await card_of(bot, 1))
    [[(_, data)]] = bot.tg.last(NORTE.id).buttons
    await bot.feed(bot.u.callback(ANA, hand, data))
    prompt = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    due = bot.now() + timedelta(days=2)
    await bot.feed(bot.u.message(NORTE, ANA, f"{typed(due)} @luis_o", reply_to=prompt))
    assert bot.tg.sent(NORTE.id)[-2].text == "🔁 Intento número 2: compromiso #2."
    await bot.feed(bot.u.command(NORTE, ANA, "/review close Pintar con buen tiempo"))

    await tick(bot, NOW + timedelta(days=5))  # #1 is 8 days late: reviewed already
    assert len(reviews(bot)) == 1
    await tick(bot, due + timedelta(days=8))  # #2 failed too: its own first review
    [again] = reviews(bot)[1:]
    assert "📌 #2 Pintar el mural — Luis." in again.text
    assert "#1 " not in again.text
    await tick(bot, due + timedelta(days=9, minutes=1))
    assert len(reviews(bot)) == 2


async def test_a_subject_reviewed_by_hand_while_it_waited_is_not_posted(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await commitment(bot, group_id, "Cortar el pasto", NOW - timedelta(days=6, hours=23))
    await tick(bot, NOW)  # the day's review: the mural
    await tick(bot, NOW + timedelta(hours=2))  # the grass is found, and waits for tomorrow
    assert len(reviews(bot)) == 1
    waiting = await bot.scalar(select(ReviewSubject).where(ReviewSubject.review_id.is_(None)))
    assert waiting.trigger.endswith(":overdue")
    hand = await review_by_hand(bot, await card_of(bot, 2))
    await bot.feed(
        bot.u.command(NORTE, ANA, "/review close Cortar antes de las lluvias", reply_to=hand)
    )
    # and re-planned after it: what waits is the old plan's failure, reviewed already
    due = bot.now() + timedelta(days=3)
    await bot.feed(bot.u.command(NORTE, JOAO, f"/commitment 2 due {typed(due)}"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo ")  # not his: no new plan
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment 2 due {typed(due)}"))
    assert bot.tg.last(NORTE.id).text.startswith("📌 #2 Cortar el pasto")
    await tick(bot, NOW + timedelta(days=1, minutes=1))
    await tick(bot, NOW + timedelta(days=2, minutes=1))
    assert len(reviews(bot)) == 2  # the mural's and the one by hand
    assert await automatic(bot) == 1
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 2


async def test_a_closed_automatic_review_then_a_new_plan_that_fails_is_reviewed_again(
    bot: Bot,
) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await tick(bot, NOW)
    [first] = reviews(bot)
    first_json = bot.tg.message_json(NORTE.id, first.message_id)
    await bot.feed(
        bot.u.command(NORTE, ANA, "/review close Pintar con buen tiempo", reply_to=first_json)
    )
    # blocked for long after the review closed: the same plan, reviewed already
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1"))
    card = bot.tg.last(NORTE.id)
    [block] = [d for d in card.button_data if d.startswith("cmt:block:")]
    await bot.feed(bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, card.message_id), block))
    assert "⛔ Trabado" in bot.tg.last(NORTE.id).text
    await tick(bot, NOW + timedelta(days=9))
    assert len(reviews(bot)) == 1
    # a new date, and it stays blocked for long after it: a failure of the new plan
    due = bot.now() + timedelta(days=2)
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment 1 due {typed(due)}"))
    await tick(bot, NOW + timedelta(days=9 + 8))
    [again] = reviews(bot)[1:]
    assert "📌 #1 Pintar el mural — Luis. Trabado desde hace un tiempo" in again.text
    await tick(bot, NOW + timedelta(days=9 + 9, minutes=1))
    assert len(reviews(bot)) == 2
    triggers = await bot.scalars(select(ReviewSubject.trigger).order_by(ReviewSubject.id))
    assert triggers[0].endswith(":overdue") and ":blocked:replan" in triggers[1]


async def test_a_vote_reviewed_by_hand_is_not_reviewed_again_when_it_closes_without_quorum(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS, MARY)
    vote, message = await open_vote(bot, "/poll ¿Dónde? | Plaza | Escuela closes 2h quorum 80%")
    await press(bot, LUIS, message, 0)
    hand = await review_by_hand(bot, bot.tg.message_json(NORTE.id, message.message_id))
    await bot.feed(bot.u.command(NORTE, ANA, "/review close Avisar antes de votar", reply_to=hand))
    closes_at = as_utc(vote.closes_at)
    await tick(bot, closes_at + timedelta(seconds=1))
    await tick(bot, closes_at + timedelta(days=1, minutes=2))
    assert await bot.scalar(select(Vote.outcome)) == "no_quorum"
    assert len(reviews(bot)) == 1
    assert await automatic(bot) == 0
