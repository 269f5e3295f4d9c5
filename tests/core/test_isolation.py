"""One bad chat holds back no other group: each group's due work is claimed, sent and failed on
its own; a chat Telegram keeps not finding is given up on; a digest whose requests hang goes
out late within its day; and every expected Telegram fault is one WARNING line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.models import WorkClaim
from bot.groups.models import Group
from bot.meetings.models import Meeting
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, add_bot
from tests.telegram_double import (
    ApiError,
    chat_not_found,
    forbidden,
    migrated,
    retry_after,
    server_error,
    timed_out,
)
from tests.updates import TChat, TUser

SUR = TChat(-1001000000002, "supergroup", "Vecinos del Barrio Sur")
ESTE = TChat(-1001000000003, "supergroup", "Huerta del Este")
# a meeting on Thursday 13 March 2031, 19:00 in Bogotá; the day before, at the same hour, is a
# Wednesday 19:00: when the 24-hour reminder is due and the groups' digests too
MEETING = "/meeting Asamblea | 2031-03-13 19:00 @ Club Social | 15/03/2031 10hs @ Plaza"
DAY_BEFORE = datetime(2031, 3, 13, 0, 0, tzinfo=UTC)


async def a_group(bot: Bot, chat: TChat) -> None:
    """The bot in `chat`, Ana coordinating, Luis and João writing; a meeting confirmed for
    Thursday and the weekly digest on Wednesdays at 19:00."""
    await add_bot(bot, chat)
    bot.tg.set_admins(chat.id, (ANA, "creator"))
    for person in (LUIS, JOAO):
        await bot.feed(bot.u.message(chat, person, "hola"))
    await bot.feed(bot.u.command(chat, LUIS, MEETING))
    poll = bot.tg.message_json(chat.id, bot.tg.last(chat.id).message_id)
    await bot.feed(bot.u.command(chat, ANA, "/meeting confirm 1", reply_to=poll))
    await bot.feed(bot.u.command(chat, ANA, "/digest weekly wednesday 19:00"))


async def three_groups(bot: Bot) -> None:
    for chat in (NORTE, SUR, ESTE):
        await a_group(bot, chat)
    assert len(await bot.scalars(select(Meeting.id))) == 3
    bot.tg.clear()


def reminders(bot: Bot, chat: TChat) -> list[str]:
    return [m.text for m in bot.tg.sent(chat.id) if m.text.startswith("⏰ Recordatorio")]


def digests(bot: Bot, chat: TChat) -> list[str]:
    return [m.text for m in bot.tg.sent(chat.id) if m.text.startswith("🗞")]


def calls_to(bot: Bot, chat: TChat) -> int:
    return sum(1 for c in bot.tg.calls if str(c.params.get("chat_id")) == str(chat.id))


async def active(bot: Bot, chat: TChat) -> bool:
    return await bot.scalar(select(Group.active).where(Group.chat_id == chat.id))


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_a_chat_not_found_holds_back_no_other_group(bot: Bot, caplog) -> None:
    await three_groups(bot)
    bot.tg.fail_chat(SUR.id, chat_not_found())
    caplog.set_level(logging.WARNING)
    await bot.tick(DAY_BEFORE)
    for chat in (NORTE, ESTE):  # the same tick: their reminder and their digest
        assert len(reminders(bot, chat)) == 1
        assert len(digests(bot, chat)) == 1
    assert reminders(bot, SUR) == [] and digests(bot, SUR) == []
    assert calls_to(bot, SUR) == 2  # tried once each, the reminder and the digest
    # SUR's work is released for a later try, with a backoff
    failed = await bot.scalars(select(WorkClaim).where(WorkClaim.owner == ""))
    assert sorted(c.key.split(":")[0] for c in failed) == ["digest", "meetings"]
    assert all(c.attempts == 1 and c.done_at is None for c in failed)
    lines = [r.getMessage() for r in caplog.records if str(SUR.id) in r.getMessage()]
    assert len(lines) == 2 and all(
        line.startswith(f"telegram sendMessage failed for chat {SUR.id}: not found")
        for line in lines
    )
    no_tracebacks(caplog)

    # Telegram finds the chat again before the third try: both go out, late, once
    await bot.tick(DAY_BEFORE + timedelta(seconds=30))  # within the backoff: not tried
    assert calls_to(bot, SUR) == 2
    bot.tg.mend_chat(SUR.id)
    await bot.tick(DAY_BEFORE + timedelta(minutes=1))
    assert len(reminders(bot, SUR)) == 1 and len(digests(bot, SUR)) == 1
    await bot.tick(DAY_BEFORE + timedelta(minutes=5))
    for chat in (NORTE, SUR, ESTE):
        assert len(reminders(bot, chat)) == 1 and len(digests(bot, chat)) == 1
    assert await active(bot, SUR)
    assert await bot.scalar(select(Group.not_found).where(Group.chat_id == SUR.id)) == 0


async def test_a_chat_never_found_is_marked_inactive_after_three_tries(bot: Bot, caplog) -> None:
    await three_groups(bot)
    bot.tg.fail_chat(SUR.id, chat_not_found())
    caplog.set_level(logging.WARNING)
    await bot.tick(DAY_BEFORE)
    await bot.tick(DAY_BEFORE + timedelta(minutes=1))
    assert await active(bot, SUR)
    await bot.tick(DAY_BEFORE + timedelta(minutes=3))  # the third try: given up on
    assert not await active(bot, SUR)
    gave_up = [r for r in caplog.records if "marked inactive" in r.getMessage()]
    assert len(gave_up) == 1 and r"chat not found' 3 times" in gave_up[0].getMessage()
    tried = calls_to(bot, SUR)
    for minutes in (10, 40, 120):
        await bot.tick(DAY_BEFORE + timedelta(minutes=minutes))
    assert calls_to(bot, SUR) == tried  # nothing more is sent there
    for chat in (NORTE, ESTE):
        assert len(reminders(bot, chat)) == 1 and len(digests(bot, chat)) == 1
    no_tracebacks(caplog)
    # the group writes again (the bot was there after all): it is active, its count at zero
    await bot.feed(bot.u.message(SUR, LUIS, "¿hay alguien?"))
    assert await active(bot, SUR)


async def test_a_success_between_misses_starts_the_count_again(bot: Bot) -> None:
    await three_groups(bot)
    bot.tg.fail_chat(SUR.id, chat_not_found())
    await bot.tick(DAY_BEFORE)
    await bot.tick(DAY_BEFORE + timedelta(minutes=1))
    assert await bot.scalar(select(Group.not_found).where(Group.chat_id == SUR.id)) == 2
    bot.tg.mend_chat(SUR.id)
    await bot.feed(bot.u.command(SUR, ANA, "/help"))  # answered: found again
    assert await bot.scalar(select(Group.not_found).where(Group.chat_id == SUR.id)) == 0
    bot.tg.fail_chat(SUR.id, chat_not_found())
    await bot.tick(DAY_BEFORE + timedelta(minutes=3))
    await bot.tick(DAY_BEFORE + timedelta(minutes=7))
    assert await active(bot, SUR)  # two misses since the success, not four


async def test_a_digest_whose_requests_hang_goes_out_later_within_its_day(bot: Bot, caplog) -> None:
    await three_groups(bot)
    bot.tg.fail_chat(NORTE.id, timed_out())
    caplog.set_level(logging.WARNING)
    moment = DAY_BEFORE
    for minutes in (0, 1, 2, 4, 8, 16, 30, 30, 30):  # an hour and a half of hanging
        moment += timedelta(minutes=minutes)
        await bot.tick(moment)
    assert digests(bot, NORTE) == []
    assert len(digests(bot, SUR)) == 1 and len(digests(bot, ESTE)) == 1
    hung = [r for r in caplog.records if f"chat {NORTE.id}: timed out" in r.getMessage()]
    assert len(hung) >= 8 and all(r.levelno == logging.WARNING for r in hung)
    no_tracebacks(caplog)
    bot.tg.mend_chat(NORTE.id)
    await bot.tick(moment + timedelta(minutes=30))
    [late] = digests(bot, NORTE)
    assert late.startswith("🗞 Resumen semanal")
    await bot.tick(moment + timedelta(hours=2))
    assert len(digests(bot, NORTE)) == 1  # once
    assert await active(bot, NORTE)  # a timeout is no reason to give a group up


FAULTS = {
    "429": (retry_after(30), "flood control"),
    "502": (server_error(), "network error"),
    "timeout": (timed_out(), "timed out"),
    "403": (forbidden(), "forbidden"),
    "400 not found": (chat_not_found(), "not found"),
    "migrated": (migrated(-1009999999999), "chat migrated to -1009999999999"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_each_expected_telegram_fault_is_one_warning_line(
    bot: Bot, caplog, fault: str
) -> None:
    await add_bot(bot)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"))

    async def no_wait(seconds: float) -> None:
        return None

    bot.runtime.messenger.sleep = no_wait
    error, kind = FAULTS[fault]
    times = 5 if isinstance(error, ApiError) and error.code == 429 else 1
    bot.tg.fail_next("sendMessage", error, times=times)
    caplog.set_level(logging.DEBUG)
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))  # its reply, after the commit, fails
    no_tracebacks(caplog)
    lines = [r for r in caplog.records if r.getMessage().startswith("telegram sendMessage failed")]
    assert lines, [r.getMessage() for r in caplog.records]
    assert all(f"for chat {NORTE.id}: {kind}" in r.getMessage() for r in lines)
    assert all(r.levelno == logging.WARNING for r in lines)
    assert not [r for r in caplog.records if "Rate limit hit after maximum" in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if fault != "migrated":  # a reply's flood control is not waited out: the outbox sends later
        assert len(lines) == 1


async def test_a_bug_keeps_its_traceback(bot: Bot, caplog) -> None:
    await add_bot(bot)
    bot.tg.fail_next("sendMessage", ApiError(400, "Bad Request: can't parse entities: oops"))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))
    [failure] = [r for r in caplog.records if r.exc_info]
    assert failure.levelno == logging.ERROR


async def test_a_welcome_and_a_vote_reminder_that_failed_go_out_on_a_later_tick(bot: Bot) -> None:
    from bot.charter.service import WELCOME_DELAY
    from tests.charter.helpers import write_charter
    from tests.conftest import MARY, seed_group
    from tests.votes.helpers import open_vote, press

    await seed_group(bot, LUIS, JOAO, MARY)
    await write_charter(bot)
    _, vote = await open_vote(bot, "/propose Pintar closes 48h")
    await press(bot, LUIS, vote, 0)
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    await bot.feed(bot.u.chat_member(NORTE, rosa, rosa, "left", "member"))
    deadline = bot.now() + timedelta(hours=48)

    def shown(prefix: str) -> int:
        return sum(1 for m in bot.tg.sent(NORTE.id) if m.text.startswith(prefix))

    bot.clock.advance(WELCOME_DELAY)
    bot.tg.fail_chat(NORTE.id, server_error())
    await bot.tick(deadline - timedelta(hours=5))  # the welcome and the reminder both fail
    assert shown("👋 ¡Te damos la bienvenida") == 0 and shown("⏰ La votación") == 0
    bot.tg.mend_chat(NORTE.id)
    await bot.tick(minutes=1)
    await bot.tick(minutes=1)
    assert shown("👋 ¡Te damos la bienvenida") == 1 and shown("⏰ La votación") == 1, [
        m.text[:40] for m in bot.tg.sent(NORTE.id)
    ]
