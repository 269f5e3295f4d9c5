"""A passed proposal's result carries "➕ Turn into commitment": once, for coordinators and the
proposer; the commitment links back to the decision."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.commitments.models import Commitment, CommitmentOwner
from bot.core.db import as_utc
from bot.votes.models import Vote, VoteCommitment
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.telegram_double import Sent
from tests.votes.helpers import open_vote, press


async def passed(bot: Bot, by=LUIS, text: str = "/propose Pintar el mural closes 2 horas") -> Sent:
    """A proposal by `by` that passes; the posted result."""
    _, message = await open_vote(bot, text, by=by)
    await press(bot, ANA, message, 0)
    await press(bot, LUIS, message, 0)
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at).order_by(Vote.id.desc())))
    await bot.tick(closes_at + timedelta(seconds=1))
    return bot.tg.last(NORTE.id)


def turn_into(bot: Bot, user, result: Sent) -> dict:
    data = result.button_data[0]
    return bot.u.callback(user, bot.tg.message_json(NORTE.id, result.message_id), data)


async def commitments(bot: Bot) -> list[Commitment]:
    return await bot.scalars(select(Commitment).order_by(Commitment.id))


async def test_the_proposer_turns_a_passed_proposal_into_one_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    result = await passed(bot)
    assert "✅ Aprobada" in result.text
    assert result.buttons == [[("➕ Convertir en compromiso", result.button_data[0])]]

    await bot.feed(turn_into(bot, LUIS, result))
    [commitment] = await commitments(bot)
    vote = await bot.scalar(select(Vote))
    assert (commitment.text, commitment.source_kind, commitment.source_id) == (
        "Pintar el mural",
        "vote",
        vote.id,
    )
    assert await bot.scalar(select(CommitmentOwner.person_id)) == LUIS.id
    card = bot.tg.last(NORTE.id)
    assert f"#{commitment.number}" in card.text and "Pintar el mural" in card.text
    assert card.buttons  # the commitment's own buttons

    # a second press (and the same update again) adds nothing; the toast names it
    await bot.feed(turn_into(bot, ANA, result))
    assert f"#{commitment.number}" in bot.tg.toasts()[-1]
    assert len(await commitments(bot)) == 1

    # /commitment n links back to the decision
    await bot.feed(bot.u.command(NORTE, JOAO, f"/commitment {commitment.number}"))
    assert "decisión #1" in bot.tg.last(NORTE.id).text


async def test_two_presses_at_once_make_one_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    result = await passed(bot)
    await asyncio.gather(
        bot.feed(turn_into(bot, LUIS, result)), bot.feed(turn_into(bot, ANA, result))
    )
    assert len(await commitments(bot)) == 1
    assert await bot.scalar(select(func.count()).select_from(VoteCommitment)) == 1
    assert any("#1" in t for t in bot.tg.toasts())


async def test_other_members_may_not_and_a_coordinator_may(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    result = await passed(bot)
    await bot.feed(turn_into(bot, JOAO, result))
    assert "coordina" in bot.tg.toasts()[-1]
    assert await commitments(bot) == []
    await bot.feed(turn_into(bot, ANA, result))  # ANA coordinates
    [commitment] = await commitments(bot)
    assert await bot.scalar(select(CommitmentOwner.person_id)) == ANA.id
    assert commitment.created_by == ANA.id


async def test_only_passed_proposals_have_the_button_and_forged_presses_are_stale(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Cerrar la calle closes 2 horas", by=LUIS)
    await press(bot, LUIS, message, 2)  # disagree
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at)))
    await bot.tick(closes_at + timedelta(seconds=1))
    result = bot.tg.last(NORTE.id)
    assert "Decisión #1" in result.text and result.buttons == []
    vote_id = await bot.scalar(select(Vote.id))
    forged = bot.u.callback(
        LUIS, bot.tg.message_json(NORTE.id, result.message_id), f"vote:k:{vote_id}"
    )
    await bot.feed(forged)
    assert await commitments(bot) == []
    assert bot.tg.toasts()
