"""A `Todo:` of minutes that agreed something belongs to that agreement: when it is done (or
dropped…), those who came to the meeting hear of it under the minutes' message (issue 23)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.meetings.models import MinuteTask
from bot.votes.models import Decision
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.meetings.test_meetings import THU_UTC, confirmed_meeting


async def minutes(bot: Bot, text: str) -> tuple[object, dict]:
    """Ana writes the minutes under the announcement; the receipt, and Luis takes its task."""
    announcement = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.command(
            NORTE, ANA, text, reply_to=bot.tg.message_json(NORTE.id, announcement.message_id)
        )
    )
    receipt = bot.tg.last(NORTE.id)
    [[(_, data)]] = receipt.buttons
    await bot.feed(bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, receipt.message_id), data))
    return receipt, announcement


def notes(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if "Novedades sobre" in m.text]


async def test_a_todo_of_an_agreed_meeting_tells_those_who_came(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    await bot.tick(THU_UTC + timedelta(hours=3))  # the meeting is over: who came?
    prompt = bot.tg.last(NORTE.id)
    [data] = prompt.button_data
    for who in (MARY, JOAO):
        await bot.feed(bot.u.callback(who, bot.tg.message_json(NORTE.id, prompt.message_id), data))
    receipt, _ = await minutes(
        bot, "/minutes Acordado: pintar la plaza el sábado\nTarea: comprar pintura"
    )
    decision = await bot.scalar(select(Decision))
    assert decision.message_id == receipt.message_id  # the minutes' message is recorded
    assert await bot.scalar(select(MinuteTask.decision_id)) == decision.id

    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 drop ya la donaron"))
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert note.reply_to == receipt.message_id
    assert "Novedades sobre “pintar la plaza el sábado”" in note.text
    assert "#1 comprar pintura se descartó" in note.text
    assert "Para quienes estuvieron de acuerdo: Mary, João" in note.text


async def test_without_attendance_those_who_said_yes_are_told(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)  # João said yes, Mary maybe, Luis no
    receipt, _ = await minutes(bot, "/minutes Acordado: pintar la plaza\nTarea: comprar pintura")
    card = bot.tg.last(NORTE.id)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 due viernes 18:00"))
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert note.reply_to == receipt.message_id and card.message_id != note.message_id
    assert "Para quien estuvo de acuerdo: João" in note.text


async def test_minutes_that_agreed_nothing_tell_nobody(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    await minutes(bot, "/minutes Charla.\nTarea: comprar pintura")
    assert await bot.scalar(select(MinuteTask.decision_id)) is None
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 drop ya no hace falta"))
    await bot.tick(seconds=1)
    assert notes(bot) == []
