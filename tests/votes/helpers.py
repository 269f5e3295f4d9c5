"""Shared steps of the votes tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.votes.models import Vote
from tests.conftest import ANA, NORTE, Bot
from tests.telegram_double import Sent
from tests.updates import TUser


async def open_vote(bot: Bot, text: str, by: TUser = ANA) -> tuple[Vote, Sent]:
    await bot.feed(bot.u.command(NORTE, by, text))
    vote = await bot.scalar(select(Vote).order_by(Vote.id.desc()).limit(1))
    assert vote is not None, bot.tg.last(NORTE.id).text
    message = bot.tg.messages[(NORTE.id, vote.message_id)]
    return vote, message


async def press(bot: Bot, user: TUser, message: Sent, label_or_index: str | int) -> None:
    if isinstance(label_or_index, int):
        data = message.button_data[label_or_index]
    else:
        data = next(d for row in message.buttons for t, d in row if label_or_index in t)
    await bot.feed(bot.u.callback(user, bot.tg.message_json(NORTE.id, message.message_id), data))


async def later(bot: Bot, seconds: float = 4) -> datetime:
    """The scheduler ticks `seconds` later (the edit interval is 3 s)."""
    return await bot.tick(seconds=seconds)


def reply_to(bot: Bot, message: Sent, user: TUser, text: str) -> dict:
    """`user` answers the bot's `message` with `text` (a reply, as Telegram sends it)."""
    return bot.u.message(
        NORTE, user, text, reply_to=bot.tg.message_json(NORTE.id, message.message_id)
    )


def yesterday_typed(bot: Bot, tz: str = "America/Bogota") -> tuple[str, str]:
    """Yesterday's date as typed without its year (`30/11`), and written with the year it
    would next be (`30/11/2027`): a date more than 11 months ahead, whatever the clock says."""
    day = bot.now().astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    year = day.year + 1
    while True:
        try:
            date(year, day.month, day.day)
            break
        except ValueError:  # 29 February
            year += 1
    return f"{day:%d/%m}", f"{day:%d/%m}/{year}"


def next_local(bot: Bot, hour: int, weekday: int | None = None, tz: str = "America/Bogota"):
    """The next `hour`:00 in `tz` (on `weekday`, 0 = Monday, if given) after the clock, UTC."""
    now = bot.now()
    local = now.astimezone(ZoneInfo(tz))
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if weekday is not None:
        moment += timedelta(days=(weekday - local.weekday()) % 7)
    while moment <= now:
        moment += timedelta(days=7 if weekday is not None else 1)
    return moment.astimezone(ZoneInfo("UTC"))
