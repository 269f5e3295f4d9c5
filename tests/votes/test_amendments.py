"""Charter amendments by vote: `/rules propose`, applied once when the proposal passes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.charter.models import CharterVersion
from bot.core.db import as_utc
from bot.votes.models import Amendment, Vote
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group
from tests.votes.helpers import open_vote, press


async def versions(bot: Bot) -> list[CharterVersion]:
    return await bot.scalars(select(CharterVersion).order_by(CharterVersion.number))


async def pass_deadline(bot: Bot) -> None:
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at).order_by(Vote.id.desc())))
    assert closes_at is not None
    await bot.tick(closes_at + timedelta(seconds=1))


async def test_a_member_proposes_new_goals_and_a_passed_vote_amends_the_charter(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    vote, message = await open_vote(
        bot, "/rules propose goals Cuidar la plaza closes 2 horas", by=LUIS
    )
    assert vote.kind == "proposal" and vote.opener_id == LUIS.id
    assert "nuevos objetivos: Cuidar la plaza" in message.text
    assert "✅" in message.buttons[0][0][0]
    amendment = await bot.scalar(select(Amendment))
    assert (amendment.section, amendment.text, amendment.version) == (
        "goals",
        "Cuidar la plaza",
        None,
    )
    await press(bot, ANA, message, 0)
    await press(bot, LUIS, message, 0)
    assert await versions(bot) == []  # nothing changes while the vote is open

    await pass_deadline(bot)
    [version] = await versions(bot)
    assert (version.number, version.goals, version.author_id) == (1, "Cuidar la plaza", LUIS.id)
    result = bot.tg.last(NORTE.id).text
    assert "✅ Aprobada" in result and "versión 1" in result
    assert (await bot.scalar(select(Amendment.version))) == 1

    # a later tick (or a second process) does not amend again
    await pass_deadline(bot)
    assert len(await versions(bot)) == 1


async def test_a_rejected_or_blocked_amendment_changes_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/rules propose add Sin audios largos closes 2 horas")
    await press(bot, LUIS, message, 2)  # disagree
    await pass_deadline(bot)
    assert await versions(bot) == []
    assert "quedan como estaban" in bot.tg.last(NORTE.id).text
    assert (await bot.scalar(select(Amendment.version))) is None


async def test_without_quorum_nothing_changes(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(
        bot, "/rules propose methods Votamos todo closes 2 horas quorum 100%"
    )
    assert (await bot.scalar(select(Vote.quorum))) == 100
    await press(bot, ANA, message, 0)
    await pass_deadline(bot)
    assert await versions(bot) == []
    assert "quedan como estaban" in bot.tg.last(NORTE.id).text


async def test_a_new_rule_from_a_replied_message_closed_by_a_coordinator(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    draft = bot.u.message_json(NORTE, LUIS, "Respetamos los turnos para hablar")
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules propose add closes 48h", reply_to=draft))
    amendment = await bot.scalar(select(Amendment))
    assert (amendment.section, amendment.text) == (
        "rule_added",
        "Respetamos los turnos para hablar",
    )
    vote = await bot.scalar(select(Vote))
    message = bot.tg.messages[(NORTE.id, vote.message_id)]
    await press(bot, ANA, message, 0)
    close = bot.u.command(
        NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
    )
    await bot.feed(close)
    await bot.feed(close)  # the same update again changes nothing
    [version] = await versions(bot)
    assert version.rules == ["Respetamos los turnos para hablar"]
    assert version.author_id == LUIS.id
    assert "versión 1" in bot.tg.last(NORTE.id).text


async def test_bad_proposals_get_an_example_and_open_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    for text in (
        "/rules propose",
        "/rules propose reglas Algo",
        "/rules propose goals",
        "/rules propose goals closes 2 horas",
    ):
        await bot.feed(bot.u.command(NORTE, LUIS, text))
        reply = bot.tg.last(NORTE.id).text
        assert "/rules propose add Respetamos los turnos para hablar cierra 48h" in reply, reply
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules propose goals " + "x" * 400))
    assert "300" in bot.tg.last(NORTE.id).text
    assert await bot.scalar(select(func.count()).select_from(Vote)) == 0
    assert await bot.scalar(select(func.count()).select_from(Amendment)) == 0
    # members still cannot edit the rules directly
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules goals Otra cosa"))
    assert await versions(bot) == []
