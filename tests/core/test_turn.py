"""The handling of one update: its transaction, its replay, its company."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.core.models import ProcessedUpdate
from bot.groups.models import Membership, Person
from tests.conftest import ANA, NORTE, Bot, add_bot
from tests.telegram_double import retry_after
from tests.updates import TUser


async def test_many_members_at_once_are_all_answered_and_registered(bot: Bot) -> None:
    # 15, not more: past about 20 messages a minute to one group the rate limiter makes the
    # replies wait, as Telegram would
    await add_bot(bot)
    crowd = [TUser(2000 + n, f"Vecino {n}", f"vecino_{n}", "es") for n in range(15)]
    await asyncio.gather(*(bot.feed(bot.u.command(NORTE, who, "/help")) for who in crowd))
    replies = [m for m in bot.tg.sent(NORTE.id) if "lo que puedes pedirme" in m.text]
    assert len(replies) == 15
    assert await bot.scalar(select(func.count()).select_from(Membership)) == 16  # + Ana
    # one handled update each (the bot's own membership change may be handled by two features)
    handled = select(func.count(func.distinct(ProcessedUpdate.update_id)))
    assert await bot.scalar(handled) == 16


async def test_a_reply_under_flood_control_is_sent_by_the_tick_after_the_wait(bot: Bot) -> None:
    # the turn never sits in a flood wait (a shutdown would wait with it): the reply is kept
    # in the outbox and sent when Telegram said it may be (issue 18)
    await add_bot(bot)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot.runtime.messenger.sleep = sleep
    bot.tg.fail_next("sendMessage", retry_after(3))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    assert waits == []

    def helps() -> int:
        return sum("lo que puedes pedirme" in m.text for m in bot.tg.sent(NORTE.id))

    assert helps() == 0
    await bot.tick(seconds=1)
    assert helps() == 0  # not before the 3 s Telegram asked for
    await bot.tick(seconds=3)
    await bot.tick(seconds=30)
    assert helps() == 1


async def test_a_refused_command_still_registers_who_sent_it(bot: Bot) -> None:
    await add_bot(bot)
    newcomer = TUser(2500, "Rosa", "rosa_h", "pt-br")
    await bot.feed(bot.u.command(NORTE, newcomer, "/timezone America/Lima"))
    assert await bot.scalar(select(Person.username).where(Person.id == newcomer.id)) == "rosa_h"
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")  # the group's language
