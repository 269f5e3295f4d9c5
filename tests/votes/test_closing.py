"""Deadlines, exactly-once closing, results after a restart, reminders, native polls."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from bot.app import build_application
from bot.core.db import as_utc
from bot.groups.models import Group
from bot.votes import decisions
from bot.votes.models import Decision, Position, Vote
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, make_settings, seed_group
from tests.telegram_double import bad_request
from tests.votes.helpers import open_vote, press


def reminders(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("⏰")]


def results(bot: Bot) -> list[str]:
    return [m.text for m in bot.tg.sent(NORTE.id) if m.text.startswith("🗳 Decisión")]


async def closes_at(bot: Bot) -> object:
    return as_utc(await bot.scalar(select(Vote.closes_at)))


async def test_the_deadline_closes_the_vote_exactly_once_with_two_processes(
    bot: Bot, database
) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar closes 2 horas")
    await press(bot, LUIS, message, 0)
    deadline = await closes_at(bot)
    await bot.tick(deadline - timedelta(minutes=1))
    assert results(bot) == []

    other = build_application(
        make_settings(database.url), request=bot.tg, engine=database.engine(), clock=bot.clock
    )
    await other.initialize()
    try:
        from bot.core.runtime import runtime_of

        second = runtime_of(other)
        after = bot.clock.set(deadline + timedelta(seconds=30))
        await asyncio.gather(
            bot.runtime.scheduler.tick(bot.runtime),
            second.scheduler.tick(second),
        )

        await bot.tick(after + timedelta(minutes=1))
    finally:
        await other.shutdown()
        await second.engine.dispose()
    assert len(results(bot)) == 1
    assert "✅ Aprobada" in results(bot)[0]
    assert await bot.scalar(select(func.count()).select_from(Decision)) == 1
    assert message.buttons == []


async def test_a_result_that_could_not_be_posted_is_posted_by_a_later_tick(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest off"))  # no other send to fail instead
    _, _message = await open_vote(bot, "/propose Pintar closes 1 hora")
    deadline = await closes_at(bot)
    # two tries fail to post: the close's, then the sweep's once the backoff passed
    bot.tg.fail_next("sendMessage", bad_request("chat not found"), times=2)
    await bot.tick(deadline + timedelta(seconds=1))
    assert results(bot) == []
    assert await bot.scalar(select(Vote.closed_at)) is not None  # closed, not yet announced
    await bot.tick(deadline + timedelta(seconds=40))  # within the backoff: not tried
    await bot.tick(deadline + timedelta(minutes=1, seconds=1))  # tried: fails again
    assert results(bot) == []
    await bot.tick(deadline + timedelta(minutes=4))  # after a longer backoff: posted
    assert len(results(bot)) == 1
    assert "Nadie" not in results(bot)[0]


async def test_one_reminder_mentions_who_has_not_voted(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    _, message = await open_vote(bot, "/propose Pintar closes 48h")
    await press(bot, LUIS, message, 0)
    deadline = await closes_at(bot)
    await bot.tick(deadline - timedelta(hours=6, minutes=5))
    assert reminders(bot) == []
    await bot.tick(deadline - timedelta(hours=5))
    [reminder] = reminders(bot)
    assert reminder.text.startswith("⏰ La votación “Pintar” cierra: ")
    assert reminder.reply_to == message.message_id
    for person in (ANA, JOAO, MARY):
        assert f'<a href="tg://user?id={person.id}">' in reminder.html
    assert f"tg://user?id={LUIS.id}" not in reminder.html
    await bot.tick(deadline - timedelta(hours=4))
    assert len(reminders(bot)) == 1


async def test_the_reminder_waits_for_the_end_of_quiet_hours(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await open_vote(bot, "/propose Pintar closes 24h")
    deadline = await closes_at(bot)
    due = deadline - timedelta(hours=6)
    local = due.astimezone(ZoneInfo("America/Bogota"))
    minute = local.hour * 60 + local.minute
    async with bot.db() as session:
        await session.execute(
            update(Group).values(quiet_start=(minute - 60) % 1440, quiet_end=(minute + 120) % 1440)
        )
    await bot.tick(due + timedelta(minutes=30))
    assert reminders(bot) == []
    await bot.tick(due + timedelta(minutes=125))
    assert reminders(bot)[0].text.startswith("⏰ La votación “Pintar”")


async def test_no_reminder_when_everyone_voted(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar closes 10 horas")
    await press(bot, LUIS, message, 0)
    await press(bot, ANA, message, 1)
    deadline = await closes_at(bot)
    await bot.tick(deadline - timedelta(hours=1))
    assert reminders(bot) == []


async def test_a_native_poll_records_answers_and_retractions(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, ANA, "/poll native ¿Qué día? | Sábado | Domingo"))
    call = bot.tg.calls_of("sendPoll")[-1]
    assert call.params["is_anonymous"] is False and call.params["question"] == "¿Qué día?"
    vote = await bot.scalar(select(Vote))
    assert vote.kind == "native" and vote.native_poll_id and vote.message_id

    answer = bot.u.poll_answer(vote.native_poll_id, LUIS, [1])
    await bot.feed(answer, answer)  # delivered twice: recorded once
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, JOAO, [0]))
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, JOAO, []))  # João takes it back
    await bot.feed(bot.u.poll_answer("unknown-poll", MARY, [0]))  # not ours: ignored
    async with bot.db() as session:
        rows = dict((await session.execute(select(Position.person_id, Position.choices))).all())
    assert rows == {LUIS.id: 2, JOAO.id: 0}

    poll_message = bot.tg.message_json(NORTE.id, vote.message_id)
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=poll_message))
    assert bot.tg.messages[(NORTE.id, vote.message_id)].poll["is_closed"] is True
    result = bot.tg.last(NORTE.id)
    assert "🏆 Ganó: “Domingo”" in result.text and "Votaron: 1 de 3 integrantes." in result.text
    assert result.reply_to == vote.message_id
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, JOAO, [0]))  # too late
    assert await bot.scalar(select(Position.choices).where(Position.person_id == JOAO.id)) == 0


async def test_a_native_poll_closes_at_its_deadline_too(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/poll native multi Q | a | b closes 3 horas"))
    vote = await bot.scalar(select(Vote))
    assert vote.multi and bot.tg.calls_of("sendPoll")[-1].params["allows_multiple_answers"]
    await bot.feed(bot.u.poll_answer(vote.native_poll_id, LUIS, [0, 1]))
    await bot.tick(as_utc(vote.closes_at) + timedelta(seconds=1))
    assert len(bot.tg.calls_of("stopPoll")) == 1
    assert "🤝 Empate entre “a”, “b”" in bot.tg.last(NORTE.id).text


async def test_native_and_anonymous_do_not_mix(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, ANA, "/poll native Q | a | b anonymous"))
    assert bot.tg.last(NORTE.id).text.startswith("Una encuesta nativa de Telegram aquí siempre")
    assert bot.tg.calls_of("sendPoll") == []


async def test_the_service_closes_a_vote_once(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    vote, _ = await open_vote(bot, "/propose Pintar")
    async with bot.db() as session:
        closes_at, hooks = as_utc(vote.closes_at), bot.runtime.hooks
        assert await decisions.close_vote(session, vote.id, closes_at, hooks=hooks) is True
        assert await decisions.close_vote(session, vote.id, closes_at, hooks=hooks) is False


async def test_a_close_whose_result_cannot_be_posted_now_is_posted_by_the_tick(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    _, message = await open_vote(bot, "/propose Pintar")
    bot.tg.fail_next("sendMessage", bad_request("chat not found"))
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/close", reply_to=bot.tg.message_json(NORTE.id, message.message_id)
        )
    )
    assert results(bot) == []
    assert await bot.scalar(select(Vote.closed_at)) is not None
    await bot.tick(minutes=1)  # once the failed post's backoff passed
    assert len(results(bot)) == 1
