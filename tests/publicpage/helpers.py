"""Shared steps of the public page's tests: a bot with `PUBLIC_URL`, the real `minga serve`
app around it, and a group with goals, a decision and commitments."""

from __future__ import annotations

from sqlalchemy import select

from bot.publicpage.models import PublicPage
from tests.commitments.helpers import commit, press
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.updates import TUser, private_chat
from tests.votes.helpers import open_vote
from tests.votes.helpers import press as vote

BASE = "https://minga.example.org"
SECRET = "s3cret-token-of-the-webhook_0123456789"


async def say(bot: Bot, user: TUser, text: str) -> str:
    await bot.feed(bot.u.command(NORTE, user, text))
    return bot.tg.last(NORTE.id).text


async def slug_of(bot: Bot) -> str:
    return await bot.scalar(select(PublicPage.slug))


async def consent(bot: Bot, user: TUser, label: str = "Mostrar mi nombre") -> str | None:
    """`user` opens `/profile public` in private and presses `label`; the toast."""
    me = private_chat(user)
    await bot.feed(bot.u.command(me, user, "/profile public"))
    message = bot.tg.last(user.id)
    data = next(d for row in message.buttons for t, d in row if label in t)
    await bot.feed(bot.u.callback(user, bot.tg.message_json(user.id, message.message_id), data))
    return bot.tg.toasts()[-1]


async def rich_group(bot: Bot) -> None:
    """Luis said yes to being named; João's profile names his organization; Mary and Ana said
    nothing. Goals, one passed proposal, four commitments (one done, one at 50 %)."""
    await seed_group(bot, LUIS, JOAO, MARY)
    await say(bot, ANA, "/rules goals Recuperar la plaza del barrio para todas las familias")
    assert await consent(bot, LUIS) == "Listo: tu nombre puede aparecer en las páginas públicas."
    await bot.feed(bot.u.command(private_chat(JOAO), JOAO, "/profile"))
    await bot.feed(bot.u.message(private_chat(JOAO), JOAO, "Junta Vecinal Norte"))
    card = await commit(bot, LUIS, "/commit Pintar el mural by viernes")
    await press(bot, LUIS, card, "cmt:done")
    card = await commit(bot, JOAO, "/commit Conseguir pintura by 20/12")
    await press(bot, JOAO, card, "cmt:prog")
    await press(bot, JOAO, bot.tg.last(NORTE.id), "cmt:pct", ":50")
    await commit(bot, MARY, "/commit Repartir volantes")
    await commit(bot, ANA, "/commit Hablar con Mary y @joao_sp sobre la feria")
    _vote, message = await open_vote(bot, "/propose Pintar el mural el sábado")
    await vote(bot, LUIS, message, 0)
    await vote(bot, MARY, message, 0)
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
