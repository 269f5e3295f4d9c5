"""Retention: a removed group's data is kept 90 days, then deleted; bookkeeping is pruned."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.commitments.models import Commitment
from bot.groups.models import Group, Person
from bot.reactions.models import ReactionState
from bot.reviews.models import ReviewSubject
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.updates import private_chat


async def count(bot: Bot, model: type) -> int:
    return await bot.scalar(select(func.count()).select_from(model))


async def removed(bot: Bot) -> None:
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "left"))
    bot.tg.remove_bot(NORTE.id)


async def test_a_removed_group_is_kept_90_days_then_deleted(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(private_chat(ANA), ANA, "/start"))  # Ana has a private chat
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Traer sillas"))
    await removed(bot)
    left = bot.now()

    await bot.tick(left + timedelta(days=89))
    assert await count(bot, Commitment) == 1
    with caplog.at_level(logging.WARNING, logger="bot.privacy.handlers"):
        await bot.tick(left + timedelta(days=90, minutes=1))
    assert await count(bot, Group) == 0 and await count(bot, Commitment) == 0
    assert "deleted group" in caplog.text and "over 90 days ago" in caplog.text
    # Luis was known only from the group; Ana also wrote to the bot in private
    assert await bot.scalars(select(Person.id)) == [ANA.id]
    await bot.tick(left + timedelta(days=91))  # nothing more to do, nothing fails


async def test_a_coordinator_who_adds_the_bot_back_finds_everything(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Traer sillas"))
    await removed(bot)
    left = bot.now()
    bot.clock.set(left + timedelta(days=80))
    bot.group(NORTE)
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "left", "member"))
    await bot.tick(left + timedelta(days=120))
    assert await count(bot, Commitment) == 1
    assert await bot.scalar(select(Group.active)) is True


async def test_the_tick_prunes_old_bookkeeping_once_a_day(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS)
    start = bot.now()
    async with bot.db() as session:
        for i, age in enumerate((100, 10)):
            session.add(
                ReactionState(
                    group_id=group_id,
                    message_id=50 + i,
                    actor_id=LUIS.id,
                    emoji=["👍"],
                    update_id=900 + i,
                    reacted_at=start - timedelta(days=age),
                    updated_at=start - timedelta(days=age),
                )
            )
        for i, (age, review) in enumerate(((200, None), (20, None))):
            session.add(
                ReviewSubject(
                    group_id=group_id,
                    review_id=review,
                    trigger=f"commitment:{i}:overdue",
                    subject_kind="commitment",
                    subject_id=i,
                    facts={},
                    found_at=start - timedelta(days=age),
                )
            )
    await bot.tick(start)
    assert await bot.scalars(select(ReactionState.message_id)) == [51]
    assert await bot.scalars(select(ReviewSubject.trigger)) == ["commitment:1:overdue"]
