"""Shared steps of the commitments tests."""

from __future__ import annotations

from sqlalchemy import select

from bot.commitments.models import Commitment, CommitmentEvent, CommitmentOwner
from tests.conftest import NORTE, Bot
from tests.telegram_double import Sent
from tests.updates import TUser


async def commit(bot: Bot, user: TUser, text: str, **kwargs) -> Sent:
    await bot.feed(bot.u.command(NORTE, user, text, **kwargs))
    return bot.tg.last(NORTE.id)


def data(card: Sent, prefix: str, suffix: str = "") -> str:
    [found] = [d for d in card.button_data if d.startswith(prefix + ":") and d.endswith(suffix)]
    return found


async def press(bot: Bot, user: TUser, card: Sent, prefix: str, suffix: str = "") -> str | None:
    """Press the card's button whose data starts with `prefix`; the toast shown."""
    message = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.callback(user, message, data(card, prefix, suffix)))
    return bot.tg.toasts()[-1]


async def the_commitment(bot: Bot, number: int = 1) -> Commitment:
    return await bot.scalar(select(Commitment).where(Commitment.number == number))


async def owners(bot: Bot, number: int = 1) -> dict[int, bool]:
    """person id → accepted."""
    found = await the_commitment(bot, number)
    rows = await bot.scalars(
        select(CommitmentOwner).where(CommitmentOwner.commitment_id == found.id)
    )
    return {row.person_id: row.accepted_at is not None for row in rows}


async def events(bot: Bot, number: int = 1) -> list[tuple[str, int | None, str | None, str | None]]:
    found = await the_commitment(bot, number)
    rows = await bot.scalars(
        select(CommitmentEvent)
        .where(CommitmentEvent.commitment_id == found.id)
        .order_by(CommitmentEvent.id)
    )
    return [(e.field, e.person_id, e.old, e.new) for e in rows]
