"""Shared steps of the charter tests."""

from __future__ import annotations

from sqlalchemy import select

from bot.charter.models import CharterVersion
from tests.conftest import ANA, NORTE, Bot
from tests.telegram_double import Sent
from tests.updates import TUser


async def write_charter(bot: Bot) -> None:
    await bot.feed(
        bot.u.command(NORTE, ANA, "/rules goals Recuperar la plaza\ny la huerta comunitaria"),
        bot.u.command(NORTE, ANA, "/rules schedule Reuniones los jueves 19:00"),
        bot.u.command(NORTE, ANA, "/rules add Respetamos los turnos para hablar"),
        bot.u.command(NORTE, ANA, "/rules add Nada de cadenas ni política partidaria"),
        bot.u.command(NORTE, ANA, "/rules methods Consenso; si no hay, votación"),
    )


async def versions(bot: Bot) -> list[CharterVersion]:
    return await bot.scalars(select(CharterVersion).order_by(CharterVersion.number))


async def accept(bot: Bot, user: TUser, message: Sent) -> None:
    """`user` presses the Accept button of the bot's `message`."""
    [data] = message.button_data
    await bot.feed(bot.u.callback(user, bot.tg.message_json(NORTE.id, message.message_id), data))
