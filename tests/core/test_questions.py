"""A time with two readings is asked back with a button per reading, and the command runs with
the one its sender presses: once, by that person only, also after a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import build_application
from bot.commitments.models import Commitment
from bot.core.db import as_utc
from bot.groups.models import Group
from bot.meetings.models import MeetingSlot
from bot.votes.models import Vote
from tests.conftest import ANA, LUIS, MARY, NORTE, Bot, make_settings, next_local, seed_group
from tests.telegram_double import Sent, bad_request


async def zone_of(bot: Bot) -> str:
    return await bot.scalar(select(Group.timezone))


async def at_local(bot: Bot, hour: int, minute: int = 0) -> ZoneInfo:
    zone = await zone_of(bot)
    bot.clock.set(next_local(bot.now(), zone, hour, minute))
    return ZoneInfo(zone)


def question(bot: Bot) -> Sent:
    asked = bot.tg.last(NORTE.id)
    assert asked.text.startswith("¿Cuál"), asked.text
    return asked


async def press(bot: Bot, who, message: Sent, index: int) -> None:
    await bot.feed(
        bot.u.callback(
            who, bot.tg.message_json(NORTE.id, message.message_id), message.button_data[index]
        )
    )


async def count(bot: Bot, model) -> int:
    return await bot.scalar(select(func.count()).select_from(model))


async def test_a_closing_time_with_two_readings_is_asked_and_the_pressed_one_is_used(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS)
    zone = await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar la plaza cierra a las 5"))

    asked = question(bot)
    assert "“a las 5”" in asked.text
    assert await count(bot, Vote) == 0  # nothing is guessed
    assert len(asked.buttons) == 2
    labels = [row[0][0] for row in asked.buttons]
    assert "05:00" in labels[0] and "17:00" in labels[1], labels

    await press(bot, ANA, asked, 1)

    vote = await bot.scalar(select(Vote))
    assert vote is not None
    closes = as_utc(vote.closes_at).astimezone(zone)
    assert (closes.hour, closes.minute) == (17, 0)
    assert closes.date() == (bot.now().astimezone(zone) + timedelta(days=1)).date()
    assert asked.buttons == []  # the question now says what was chosen
    assert asked.text.startswith("“a las 5”:") and "17:00" in asked.text
    card = bot.tg.messages[(NORTE.id, vote.message_id)]
    assert "Pintar la plaza" in card.text
    assert card.reply_to == asked.reply_to  # under the command, as if asked nothing


async def test_only_its_sender_answers_and_only_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, MARY)
    await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar cierra a las 5"))
    asked = question(bot)

    await press(bot, LUIS, asked, 0)
    assert await count(bot, Vote) == 0
    assert bot.tg.toasts()[-1] == "Solo quien lo escribió puede responder esto."

    shown = bot.tg.message_json(NORTE.id, asked.message_id)
    first, second = (bot.u.callback(ANA, shown, data) for data in asked.button_data)
    await asyncio.gather(bot.feed(first), bot.feed(second))  # two quick taps
    assert await count(bot, Vote) == 1
    assert "Eso ya tiene respuesta." in bot.tg.toasts()[-2:]

    await bot.feed(bot.u.callback(ANA, shown, second["callback_query"]["data"]))  # later
    assert await count(bot, Vote) == 1
    assert bot.tg.toasts()[-1] == "Eso ya tiene respuesta."


async def test_a_due_date_typed_after_midnight_is_asked(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    zone = await at_local(bot, 1, 30)
    today = bot.now().astimezone(zone).date()
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Comprar pintura para mañana"))
    asked = question(bot)
    assert "“mañana”" in asked.text
    assert await count(bot, Commitment) == 0

    await press(bot, LUIS, asked, 0)  # "today", the day that has just begun

    commitment = await bot.scalar(select(Commitment))
    assert commitment is not None and commitment.text == "Comprar pintura"
    assert as_utc(commitment.due_at).astimezone(zone).date() == today


async def test_a_question_survives_a_restart_and_a_redelivered_press(bot: Bot, database) -> None:
    await seed_group(bot, LUIS)
    await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar cierra a las 5"))
    asked = question(bot)
    await bot.app.shutdown()  # the process stops before anyone answers

    app = build_application(
        make_settings(database.url), request=bot.tg, engine=bot.engine, clock=bot.clock
    )
    await app.initialize()
    try:
        restarted = Bot(app=app, tg=bot.tg, u=bot.u, engine=bot.engine, clock=bot.clock)
        tap = bot.u.callback(
            ANA, bot.tg.message_json(NORTE.id, asked.message_id), asked.button_data[0]
        )
        await restarted.feed(tap, tap)  # Telegram delivers the press twice
        assert await count(restarted, Vote) == 1
    finally:
        await app.shutdown()
    await bot.app.initialize()  # for the fixture's own shutdown


async def test_the_edit_of_the_question_failing_does_not_lose_the_vote(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar cierra a las 5"))
    asked = question(bot)
    bot.tg.fail_next("editMessageText", bad_request("Message to edit not found"))
    await press(bot, ANA, asked, 1)
    vote = await bot.scalar(select(Vote))
    assert vote is not None and (NORTE.id, vote.message_id) in bot.tg.messages  # the card


async def test_the_question_speaks_the_groups_language(bot: Bot) -> None:
    await seed_group(bot, LUIS, language="pt")
    await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar a praça encerra às 5"))
    asked = bot.tg.last(NORTE.id)
    assert asked.text == "Qual destes momentos você quer dizer com “às 5”?"
    await press(bot, ANA, asked, 1)
    assert asked.text.startswith("“às 5”:") and "17:00" in asked.text
    assert await count(bot, Vote) == 1


async def test_two_doubts_in_one_command_are_asked_one_after_the_other(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    zone = await at_local(bot, 19)
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting Asamblea | a las 5 | a las 6 @ Plaza"))
    first = question(bot)
    assert "“a las 5”" in first.text
    await press(bot, ANA, first, 1)
    second = question(bot)
    assert "“a las 6”" in second.text and second.message_id != first.message_id
    assert await count(bot, MeetingSlot) == 0
    await press(bot, ANA, second, 0)

    slots = await bot.scalars(select(MeetingSlot).order_by(MeetingSlot.id))
    hours = [as_utc(s.starts_at).astimezone(zone).hour for s in slots]
    assert hours == [17, 6]
    assert [s.place for s in slots] == [None, "Plaza"]
