"""Reminders: 24 h before the due date and once overdue, outside quiet hours, exactly once,
in private to owners who started the bot, else a mention in the group."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.commitments import changes, creating
from bot.commitments.grammar import OwnerSpec
from bot.commitments.models import Commitment, Reminder
from bot.commitments.reminders import channel
from bot.groups.models import Group, Person
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, next_local, seed_group, start_bot
from tests.telegram_double import bad_request, chat_not_found
from tests.updates import private_chat

DUE = datetime(2030, 3, 15, 23, 0, tzinfo=UTC)  # Friday 15 March 2030, 18:00 in Bogotá
SOON = DUE - timedelta(hours=24)


async def make(bot: Bot, owners: list, due: datetime = DUE) -> Commitment:
    async with bot.db() as session:
        gid = await session.scalar(select(Group.id).where(Group.chat_id == NORTE.id))
        return await creating.create_commitment(
            session, gid, "Repartir volantes", owners, due, [], ANA.id, now=bot.now()
        )


async def tick(bot: Bot, at: datetime) -> None:
    await bot.tick(at)


async def start_privately(bot: Bot, user) -> None:
    await bot.feed(bot.u.command(private_chat(user), user, "/start"))


async def channels(bot: Bot) -> list[tuple[str, str]]:
    rows = await bot.scalars(select(Reminder).order_by(Reminder.id))
    return [(r.kind, r.channel) for r in rows]


async def test_private_for_who_started_the_bot_and_a_mention_for_the_rest(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await start_privately(bot, LUIS)
    assert await bot.scalar(select(Person.has_private_chat).where(Person.id == LUIS.id))
    await make(bot, [LUIS.id, JOAO.id])
    private_before = len(bot.tg.sent(LUIS.id))
    group_before = len(bot.tg.sent(NORTE.id))

    await tick(bot, SOON - timedelta(minutes=1))
    assert len(bot.tg.sent(NORTE.id)) == group_before

    await tick(bot, SOON)
    [private] = bot.tg.sent(LUIS.id)[private_before:]
    assert private.text == (
        "🏘 Vecinos del Barrio Norte\n"
        "⏰ Recordatorio: #1 “Repartir volantes” vence vie, 15 mar, 18:00."
    )
    [mention] = bot.tg.sent(NORTE.id)[group_before:]
    assert mention.text == "João: ⏰ Recordatorio: #1 “Repartir volantes” vence vie, 15 mar, 18:00."
    assert f'<a href="tg://user?id={JOAO.id}">João</a>' in mention.html

    # exactly once: later ticks, two at once, and a restarted bot send nothing more
    await tick(bot, SOON + timedelta(hours=1))
    await asyncio.gather(tick(bot, SOON + timedelta(hours=2)), tick(bot, SOON + timedelta(hours=2)))
    again = await start_bot(bot.engine, str(bot.engine.url), bot.clock)
    try:
        await again.tick(SOON + timedelta(hours=3))
        assert again.tg.calls_of("sendMessage") == []
    finally:
        await again.app.shutdown()
    assert len(bot.tg.sent(NORTE.id)) == group_before + 1
    assert len(bot.tg.sent(LUIS.id)) == private_before + 1

    # overdue: once
    await tick(bot, DUE + timedelta(minutes=1))
    await tick(bot, DUE + timedelta(days=2))
    overdue = bot.tg.sent(NORTE.id)[-1]
    assert overdue.text.startswith(
        "João: ⌛ #1 “Repartir volantes” vencía vie, 15 mar, 18:00. ¿Cómo va?"
    )
    assert len(bot.tg.sent(NORTE.id)) == group_before + 2
    assert len(bot.tg.sent(LUIS.id)) == private_before + 2
    assert await channels(bot) == [("soon", "mixed"), ("overdue", "mixed")]


async def test_quiet_hours_delay_a_reminder(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    due = datetime(2030, 3, 16, 4, 0, tzinfo=UTC)  # 23:00 in Bogotá: inside the quiet hours
    await make(bot, [JOAO.id], due)
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, due - timedelta(hours=24))
    await tick(bot, due - timedelta(hours=16, minutes=1))  # 07:59 in Bogotá
    assert len(bot.tg.sent(NORTE.id)) == before
    await tick(bot, due - timedelta(hours=15))  # 08:00 in Bogotá, the day of the due date
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    assert "⏰" in bot.tg.last(NORTE.id).text


async def test_a_reminder_due_as_the_quiet_hours_begin_waits_until_half_past_seven(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-07:30"))
    assert bot.tg.last(NORTE.id).text.startswith("🌙 Horas de silencio: 22:00-07:30.")
    reminder_at = next_local(bot.now() + timedelta(days=1), "America/Bogota", 22, 0)
    await make(bot, [JOAO.id], reminder_at + timedelta(hours=24))  # due at 22:00 the next day
    before = len(bot.tg.sent(NORTE.id))

    def reminders() -> list[str]:  # (a weekly digest held by the quiet hours may come too)
        return [m.text for m in bot.tg.sent(NORTE.id)[before:] if "“Repartir volantes”" in m.text]

    await tick(bot, reminder_at)  # 22:00 exactly: the quiet hours have begun
    await tick(bot, next_local(reminder_at, "America/Bogota", 7, 29))
    assert bot.tg.sent(NORTE.id)[before:] == []  # nothing at all during the quiet hours
    await tick(bot, next_local(reminder_at, "America/Bogota", 7, 30))
    [reminder] = reminders()
    assert reminder.startswith("João: ⏰ Recordatorio: #1 “Repartir volantes” vence ")


async def test_a_private_chat_not_found_falls_back_to_the_group(bot: Bot, caplog) -> None:
    """A deleted account: Telegram answers "chat not found" for the private chat; the
    group's reminder names the owner, and the others' reminders are not held back."""
    await seed_group(bot, LUIS, JOAO)
    await start_privately(bot, LUIS)
    await make(bot, [LUIS.id])
    bot.tg.fail_chat(LUIS.id, chat_not_found())
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, SOON)
    [mention] = bot.tg.sent(NORTE.id)[before:]
    assert mention.text.startswith("Luis: ⏰ Recordatorio: #1")
    assert await channels(bot) == [("soon", "group")]
    assert [r for r in caplog.records if r.exc_info] == []


async def test_a_blocked_private_reminder_falls_back_to_the_group(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await start_privately(bot, LUIS)
    await make(bot, [LUIS.id])
    bot.tg.remove_bot(LUIS.id)  # Luis blocked the bot: Telegram answers 403
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, SOON)
    [mention] = bot.tg.sent(NORTE.id)[before:]
    assert mention.text.startswith("Luis: ⏰ Recordatorio: #1")
    assert await channels(bot) == [("soon", "group")]
    # from now on the group it is, without trying the private chat again
    assert not await bot.scalar(select(Person.has_private_chat).where(Person.id == LUIS.id))
    tried = len(bot.tg.calls_of("sendMessage"))
    await tick(bot, DUE)
    assert [c.params["chat_id"] for c in bot.tg.calls_of("sendMessage")[tried:]] == [NORTE.id]


async def test_owners_who_left_are_not_mentioned_and_pending_ones_not_reminded(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await make(bot, [LUIS.id, JOAO.id, OwnerSpec(ANA.id, accepted=False)])
    await bot.feed(bot.u.chat_member(NORTE, JOAO, JOAO, "member", "left"))
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, SOON)
    [mention] = bot.tg.sent(NORTE.id)[before:]
    assert mention.text.startswith("Luis: ⏰")
    # nobody left to tell: nothing is sent, and it is not tried again
    await bot.feed(bot.u.chat_member(NORTE, LUIS, LUIS, "member", "left"))
    await tick(bot, DUE)
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    assert await channels(bot) == [("soon", "group"), ("overdue", "none")]


async def test_a_new_due_date_gets_new_reminders_and_a_closed_one_none(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    found = await make(bot, [LUIS.id])
    await tick(bot, SOON)
    later = DUE + timedelta(days=7)
    async with bot.db() as session:
        current = await session.get(Commitment, found.id)
        await changes.set_due(session, current, later, ANA.id, SOON)
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, DUE + timedelta(hours=1))  # the old date passes: not overdue any more
    assert len(bot.tg.sent(NORTE.id)) == before
    await tick(bot, later - timedelta(hours=24))
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    async with bot.db() as session:
        current = await session.get(Commitment, found.id)
        await changes.mark_done(session, current, LUIS.id, later - timedelta(hours=1))
    await tick(bot, later + timedelta(hours=1))
    assert len(bot.tg.sent(NORTE.id)) == before + 1


async def test_a_commitment_made_the_day_before_gets_only_the_overdue_reminder(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    now = bot.now()
    await make(bot, [LUIS.id], now + timedelta(hours=5))

    def reminders() -> list[str]:  # (a weekly digest may fall in these hours too)
        return [m.text for m in bot.tg.sent(NORTE.id) if "“Repartir volantes”" in m.text]

    await tick(bot, now + timedelta(hours=1))
    assert reminders() == []
    await tick(bot, now + timedelta(hours=6))
    [overdue] = reminders()
    assert overdue.startswith("Luis: ⌛ #1")


async def test_reminders_due_together_share_one_group_message(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await make(bot, [LUIS.id])
    await make(bot, [JOAO.id, LUIS.id])
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, SOON)
    [message] = bot.tg.sent(NORTE.id)[before:]
    assert message.text.splitlines() == [
        "• Luis: ⏰ Recordatorio: #1 “Repartir volantes” vence vie, 15 mar, 18:00.",
        "• João, Luis: ⏰ Recordatorio: #2 “Repartir volantes” vence vie, 15 mar, 18:00.",
    ]
    assert await channels(bot) == [("soon", "group"), ("soon", "group")]


async def test_a_failed_send_is_tried_again_at_the_next_tick(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await make(bot, [LUIS.id])
    before = len(bot.tg.sent(NORTE.id))
    bot.tg.fail_next("sendMessage", bad_request("chat not found"))
    await tick(bot, SOON)
    assert len(bot.tg.sent(NORTE.id)) == before
    assert await channels(bot) == []
    await tick(bot, SOON + timedelta(minutes=1))
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    await tick(bot, SOON + timedelta(minutes=2))
    assert len(bot.tg.sent(NORTE.id)) == before + 1


async def test_any_private_update_opens_private_reminders(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)

    async def flag(user) -> bool:
        return await bot.scalar(select(Person.has_private_chat).where(Person.id == user.id))

    assert not await flag(LUIS)  # writing in the group is not enough
    # the profile deep link is handled before /start, and counts all the same
    await bot.feed(bot.u.command(private_chat(LUIS), LUIS, "/start profile"))
    assert await flag(LUIS)
    await bot.feed(bot.u.command(private_chat(JOAO), JOAO, "/help"))
    assert await flag(JOAO)


@pytest.mark.parametrize(
    ("private_ok", "in_group", "group_sent", "expected"),
    [
        (True, True, True, "mixed"),
        (False, True, True, "group"),
        (True, True, False, "private"),  # the group's message failed: what went in private
        (False, True, False, "none"),
        (True, False, False, "private"),
        (False, False, False, "none"),  # nobody to remind: every owner left or is pending
    ],
)
def test_the_channel_a_reminder_went_out_by(
    private_ok: bool, in_group: bool, group_sent: bool, expected: str
) -> None:
    assert channel(private_ok, in_group, group_sent) == expected
