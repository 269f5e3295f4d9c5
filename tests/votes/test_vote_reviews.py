"""A vote that closed without quorum becomes a review subject; "Try again" opens it again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.reviews.models import Attempt, ReviewSubject
from bot.votes.models import Amendment, Vote
from tests.conftest import ANA, LUIS, MARY, NORTE, Bot, seed_group
from tests.votes.helpers import open_vote, press


def reviews(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🔁 Revisemos")]


async def no_quorum(bot: Bot, text: str) -> Vote:
    vote, message = await open_vote(bot, text)
    await press(bot, LUIS, message, 0)
    closes_at = as_utc(vote.closes_at)
    await bot.tick(closes_at + timedelta(seconds=1))
    await bot.tick(closes_at + timedelta(minutes=2))
    return vote


async def test_a_vote_without_quorum_is_reviewed_and_voted_again(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    vote = await no_quorum(bot, "/poll ¿Dónde? | Plaza | Escuela closes 2 horas quorum 80%")
    [posted] = reviews(bot)
    assert "🗳 ¿Dónde? — cerró" in posted.text and "votó 1 de 3" in posted.text
    assert "No votaron: Ana, Mary" in posted.text or "No votaron: Mary, Ana" in posted.text
    subject = await bot.scalar(select(ReviewSubject))
    assert subject.trigger == f"vote:{vote.id}:quorum"
    assert subject.facts["missing"] and subject.facts["voters"] == 1

    [[(label, data)]] = posted.buttons
    assert label.startswith("🔁 Votar de nuevo")
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, posted.message_id), data))
    prompt = bot.tg.last(NORTE.id)
    assert prompt.text.startswith("🔁 Votar de nuevo sobre “¿Dónde?”") or "¿Dónde?" in prompt.text
    prompt_json = bot.tg.message_json(NORTE.id, prompt.message_id)
    await bot.feed(bot.u.message(NORTE, ANA, "nunca jamás", reply_to=prompt_json))
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 1  # a bad deadline: nothing
    reply = bot.u.message(NORTE, ANA, "48h", reply_to=prompt_json)
    await bot.feed(reply)
    await bot.feed(reply)  # the same update again opens nothing more
    again = await bot.scalar(select(Vote).order_by(Vote.id.desc()).limit(1))
    assert again.id != vote.id
    assert (again.kind, again.question, again.options, again.quorum) == (
        vote.kind,
        vote.question,
        vote.options,
        80,
    )
    assert as_utc(again.closes_at) > as_utc(vote.closes_at)
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 2
    assert again.message_id is not None
    assert "Plaza" in bot.tg.messages[(NORTE.id, again.message_id)].text
    attempt = await bot.scalar(select(Attempt))
    assert (attempt.subject_kind, attempt.original_id, attempt.new_id, attempt.attempt) == (
        "vote",
        vote.id,
        again.id,
        2,
    )


async def test_a_vote_with_quorum_is_not_reviewed(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await no_quorum(bot, "/propose Pintar closes 2 horas quorum 10%")
    assert reviews(bot) == []
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 0


async def test_a_charter_change_voted_again_still_amends_the_charter(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await no_quorum(bot, "/rules propose goals Cuidar la plaza closes 2 horas quorum 80%")
    [posted] = reviews(bot)
    [[(_, data)]] = posted.buttons
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, posted.message_id), data))
    prompt_json = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    await bot.feed(bot.u.message(NORTE, ANA, "closes 48h", reply_to=prompt_json))
    amendments = await bot.scalars(select(Amendment).order_by(Amendment.vote_id))
    assert [(a.section, a.text) for a in amendments] == [("goals", "Cuidar la plaza")] * 2
