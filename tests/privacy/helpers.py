"""Shared steps of the privacy tests: a member with a distinctive name who did a bit of
everything, and a walk over every table of the schema."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.actors.models import Profile
from bot.core.db import as_utc
from bot.privacy import schema
from bot.votes.models import Vote
from tests.conftest import ANA, LUIS, NORTE, Bot
from tests.telegram_double import Sent
from tests.updates import TUser, private_chat
from tests.votes.helpers import press, reply_to

# no digits of it occur by chance in other ids of the tests
FILO = TUser(734591826, "Filomena", "filo_quispe", "es", last_name="Quispe")
TRACES = ("filomena", "quispe", "filo_quispe", str(FILO.id))


async def busy_member(bot: Bot) -> Sent:
    """Filomena writes to the bot in private, is made a coordinator, votes with a reason in a
    vote that closes, owns an open commitment and one dropped, fills her profile, and is
    recognized. Returns the closed vote's message."""
    await bot.feed(bot.u.command(private_chat(FILO), FILO, "/start"))
    await bot.feed(bot.u.command(NORTE, ANA, "/coordinator add @filo_quispe"))
    await bot.feed(bot.u.command(NORTE, ANA, "/propose Pintar la plaza closes 1 hora"))
    vote = await bot.scalar(select(Vote).order_by(Vote.id.desc()).limit(1))
    message = bot.tg.messages[(NORTE.id, vote.message_id)]
    await press(bot, FILO, message, 0)
    await press(bot, LUIS, message, 0)
    await bot.feed(reply_to(bot, message, FILO, "Yo, Filomena Quispe, pongo la pintura"))
    await bot.feed(bot.u.command(NORTE, FILO, "/commit Traer sillas"))
    await bot.feed(bot.u.command(NORTE, FILO, "/commit Pedir permiso"))
    await bot.feed(bot.u.command(NORTE, FILO, "/commitment 2 drop ya no hace falta"))
    await bot.feed(bot.u.command(NORTE, ANA, "/commit Avisar a Filomena Quispe @luis_o"))
    await bot.feed(bot.u.command(NORTE, ANA, "/commit Llamar a @filo_quispe por la llave"))
    await bot.feed(bot.u.command(NORTE, ANA, "/recognize @filo_quispe por las sillas"))
    async with bot.db() as session:
        session.add(
            Profile(
                person_id=FILO.id,
                organization="Comedor de Filomena",
                sector="community",
                expectations="Que Quispe y su familia tengan agua",
            )
        )
    closes = await bot.scalar(select(Vote.closes_at).where(Vote.id == vote.id))
    await bot.tick(as_utc(closes) + timedelta(seconds=5))
    return message


async def traces(bot: Bot, words: tuple[str, ...] = TRACES, person_id: int = FILO.id) -> list[str]:
    """Every place in the database where one of `words` or `person_id` is found: the
    string and JSON columns of every table (as text), and every integer column."""
    found = []
    async with bot.db() as session:
        for table in schema.tables():
            for row in (await session.execute(select(table))).all():
                for column in table.columns:
                    value = row._mapping[column]
                    if isinstance(value, int) and not isinstance(value, bool):
                        if value == person_id:
                            found.append(f"{table.name}.{column.name} = {value}")
                        continue
                    if value is None or not (
                        schema.is_text(column.type) or schema.is_json(column.type)
                    ):
                        continue
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    for word in words:
                        if word in text.lower():
                            found.append(f"{table.name}.{column.name}: {text[:120]!r}")
    return found


def rows_of(snapshot: dict[str, list[Any]]) -> int:
    return sum(len(v) for v in snapshot.values())
