"""Shared steps of the votes tests."""

from __future__ import annotations

from datetime import datetime

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
