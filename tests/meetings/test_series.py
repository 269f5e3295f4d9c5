"""Repeating meetings: `/meeting weekly thursday 19:00 | …` confirms each next occurrence."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from sqlalchemy import func, select

from bot.core.db import as_utc
from bot.core.i18n import translator
from bot.meetings.models import Meeting, MeetingSeries, MeetingSlot
from bot.meetings.recurrence import Kind, Rule, next_after, parse_rule
from tests.conftest import ANA, LUIS, NORTE, Bot, seed_group, start_bot
from tests.telegram_double import timed_out

# the tests start on Wednesday 2 December 2026, 10:00 in Bogotá (UTC-5, no daylight saving)
WEEKLY = "/meeting weekly thursday 19:00 | Asamblea barrial @ Club Social"
THU = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)  # Thursday 3 December, 19:00 in Bogotá


async def occurrences(bot: Bot) -> list[datetime]:
    starts = await bot.scalars(select(Meeting.starts_at).order_by(Meeting.starts_at))
    return [as_utc(s) for s in starts]


def announcements(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if m.document is not None]


async def test_a_weekly_meeting_is_confirmed_and_announced(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    announcement = bot.tg.last(NORTE.id)
    assert announcement.text.startswith(
        "📣 Asamblea barrial está confirmada.\n🗓 jue, 3 dic, 19:00 (hora de Bogotá)\n"
        "📍 Club Social\n"
    )
    assert announcement.text.endswith("🔁 Se repite (semanal: jueves, 19:00) hasta /meeting stop.")
    filename, content = announcement.document
    assert filename == "meeting.ics"
    assert icalendar.Calendar.from_ical(content).walk("VEVENT")[0].decoded("DTSTART") == THU
    meeting = (await bot.scalars(select(Meeting)))[0]
    assert meeting.status == "confirmed" and meeting.announce_message_id == announcement.message_id
    slot = await bot.scalar(select(MeetingSlot).where(MeetingSlot.id == meeting.confirmed_slot_id))
    assert slot.place == "Club Social" and as_utc(slot.starts_at) == THU

    await bot.tick()  # announced already: nothing more
    assert len(announcements(bot)) == 1
    await bot.feed(bot.u.command(NORTE, ANA, "/meetings"))
    listed = bot.tg.last(NORTE.id).text
    assert "• Asamblea barrial — jue, 3 dic, 19:00" in listed
    assert listed.endswith(
        "🔁 Reuniones periódicas\n1. Asamblea barrial — semanal: jueves, 19:00 · 📍 Club Social"
    )


async def test_the_next_is_made_once_when_the_previous_has_started(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await bot.tick(THU - timedelta(minutes=1))
    assert await occurrences(bot) == [THU]
    await bot.tick(THU)  # it starts: the next Thursday is confirmed and announced
    await bot.tick(THU + timedelta(minutes=1))
    assert await occurrences(bot) == [THU, THU + timedelta(days=7)]
    assert len(announcements(bot)) == 2
    assert announcements(bot)[-1].text.startswith(
        "📣 Asamblea barrial está confirmada.\n🗓 jue, 10 dic, 19:00"
    )
    # the first one went on as any confirmed meeting: over, its attendance was asked
    await bot.tick(THU + timedelta(hours=2))
    assert bot.tg.last(NORTE.id).text.startswith("🙌 Terminó Asamblea barrial.")
    statuses = await bot.scalars(select(Meeting.status).order_by(Meeting.starts_at))
    assert statuses == ["held", "confirmed"]


async def test_two_processes_make_and_announce_the_next_once(bot: Bot, engine, database) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    other = await start_bot(engine, database.url, bot.clock)
    try:
        bot.clock.set(THU + timedelta(minutes=5))
        await asyncio.gather(
            bot.runtime.scheduler.tick(bot.runtime), other.runtime.scheduler.tick(other.runtime)
        )
        await asyncio.gather(
            bot.runtime.scheduler.tick(bot.runtime), other.runtime.scheduler.tick(other.runtime)
        )
        assert await occurrences(bot) == [THU, THU + timedelta(days=7)]
        assert len(announcements(bot)) + len(announcements(other)) == 2
    finally:
        await other.app.shutdown()


async def test_after_downtime_the_next_is_the_one_still_to_come(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await bot.tick(THU + timedelta(days=15))  # down for two weeks: no past meetings made
    assert await occurrences(bot) == [THU, THU + timedelta(days=21)]


async def test_monthly_first_saturday_across_the_month(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting mensual primer sábado 10:00 | Asamblea"))
    first = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # Saturday 5 December, 10:00
    assert await occurrences(bot) == [first]
    assert bot.tg.last(NORTE.id).text.endswith(
        "🔁 Se repite (mensual: primer sábado, 10:00) hasta /meeting stop."
    )
    await bot.tick(first + timedelta(minutes=1))
    assert await occurrences(bot) == [first, datetime(2027, 1, 2, 15, 0, tzinfo=UTC)]


async def test_every_other_week_in_portuguese(bot: Bot) -> None:
    await seed_group(bot, language="pt_BR")
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting quinzenal quinta 19h | Assembleia"))
    assert bot.tg.last(NORTE.id).text.endswith(
        "🔁 Ela se repete (quinzenal: quinta-feira, 19:00) até /meeting stop."
    )
    await bot.tick(THU)
    assert await occurrences(bot) == [THU, THU + timedelta(days=14)]


async def test_bad_repetitions_get_one_sentence_and_an_example(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting mensual 31 19:00 | Asamblea"))
    assert bot.tg.last(NORTE.id).text == (
        "No todos los meses tienen día 31: elige un día hasta el 28, o “último” y un día de la "
        "semana, así: /meeting mensual último viernes 19:00 | Asamblea barrial"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting weekly 19:00 | Asamblea"))
    assert bot.tg.last(NORTE.id).text.startswith("No entendí cuándo se repite.")
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting weekly thursday 19:00"))
    assert bot.tg.last(NORTE.id).text.startswith("Escribe el título de la reunión después de |")
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting semanal jueves 23:00 | Asamblea"))
    assert bot.tg.last(NORTE.id).text == (
        "Las 23:00 están dentro de las horas de silencio del grupo (22:00-08:00): elige una "
        "hora fuera de ese horario, así: /meeting semanal jueves 19:00 | Asamblea barrial"
    )
    await bot.feed(bot.u.command(NORTE, LUIS, WEEKLY))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    await bot.feed(bot.u.command(NORTE, LUIS, "/meeting stop"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    assert await bot.scalar(select(func.count()).select_from(MeetingSeries)) == 0
    assert await bot.scalar(select(func.count()).select_from(Meeting)) == 0
    # a title that merely starts with the word stays an ordinary date poll
    await bot.feed(bot.u.command(NORTE, LUIS, "/meeting Mensual de finanzas | 2027-01-14 19:00"))
    assert bot.tg.last(NORTE.id).text.startswith("📅 Mensual de finanzas — ¿cuándo puedes venir?")


async def test_stop_keeps_the_announced_one_and_makes_no_more(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting stop"))
    assert bot.tg.last(NORTE.id).text.startswith("Aquí no se repite ninguna reunión.")
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting monthly 15 19:00 | Finanzas"))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting stop"))  # two: which?
    assert bot.tg.last(NORTE.id).text == (
        "Indica qué reunión periódica detener, por su número: /meeting stop 2\n"
        "1. Asamblea barrial — semanal: jueves, 19:00 · 📍 Club Social\n"
        "2. Finanzas — mensual: día 15, 19:00"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting stop 1"))
    assert bot.tg.last(NORTE.id).text == (
        "🔁 Asamblea barrial ya no se repetirá.\n"
        "La que ya se anunció, jue, 3 dic, 19:00, se mantiene; para cancelarla: /meeting cancel"
    )
    update = bot.u.command(NORTE, ANA, "/meeting stop 1")
    await bot.feed(update, update)  # again, and the same update twice
    assert (
        bot.tg.last(NORTE.id).text
        == "Indica qué reunión periódica detener, por su número: /meeting stop 2"
    )
    await bot.tick(THU + timedelta(minutes=1))
    weekly = await bot.scalars(select(Meeting.starts_at).where(Meeting.title == "Asamblea barrial"))
    assert [as_utc(s) for s in weekly] == [THU]  # the announced one stays; no more
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting stop"))  # one left: that one
    assert bot.tg.last(NORTE.id).text.startswith("🔁 Finanzas ya no se repetirá.")


async def test_a_cancelled_occurrence_does_not_stop_the_series(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting cancel"))
    assert bot.tg.last(NORTE.id).text.startswith("❌ Asamblea barrial se canceló.")
    await bot.tick(THU)
    assert await occurrences(bot) == [THU, THU + timedelta(days=7)]


async def test_daylight_saving_keeps_the_local_time(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/timezone America/Santiago"))
    # Santiago is UTC-3 until Saturday 3 April 2027 at 24:00, then UTC-4
    bot.clock.set(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    first = datetime(2027, 4, 1, 22, 0, tzinfo=UTC)  # Thursday 1 April, 19:00 UTC-3
    assert await occurrences(bot) == [first]
    await bot.tick(first)
    assert await occurrences(bot) == [first, datetime(2027, 4, 8, 23, 0, tzinfo=UTC)]
    assert "🗓 jue, 8 abr, 19:00" in announcements(bot)[-1].text


def test_the_rules_dates() -> None:
    now = datetime(2027, 1, 30, 12, 0, tzinfo=UTC)
    last_friday = parse_rule("monthly last friday 7pm")
    assert last_friday == Rule(Kind.MONTHLY_NTH, time(19, 0), weekday=4, nth=-1)
    assert next_after(last_friday, now, "UTC") == datetime(2027, 2, 26, 19, 0, tzinfo=UTC)
    day = parse_rule("mensal dia 28 às 18h")
    assert next_after(day, now, "UTC") == datetime(2027, 2, 28, 18, 0, tzinfo=UTC)
    every_other = parse_rule("quincenal jueves 19:00")
    anchor = date(2027, 1, 28)
    assert next_after(every_other, now, "UTC", anchor) == datetime(2027, 2, 11, 19, tzinfo=UTC)
    assert parse_rule("mensal segunda segunda 19h").nth == 2  # the second Monday


async def test_an_announcement_that_fails_goes_at_a_later_tick(bot: Bot) -> None:
    await seed_group(bot)
    bot.tg.fail_next("sendDocument", timed_out())
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    assert announcements(bot) == []
    assert await occurrences(bot) == [THU]  # confirmed all the same: reminders will go
    await bot.tick(seconds=10)  # its retry waits a minute
    assert announcements(bot) == []
    await bot.tick(minutes=2)
    await bot.tick(minutes=3)
    assert len(announcements(bot)) == 1
    assert await bot.scalar(select(Meeting.announce_message_id)) is not None


async def test_the_next_announcement_waits_for_the_quiet_hours(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await bot.tick(THU + timedelta(hours=4))  # the bot was down until 23:00: quiet
    assert await occurrences(bot) == [THU, THU + timedelta(days=7)]
    assert len(announcements(bot)) == 1
    await bot.tick(THU + timedelta(hours=13))  # Friday 08:00
    assert len(announcements(bot)) == 2


async def test_the_same_series_twice_is_refused(bot: Bot) -> None:
    await seed_group(bot)
    update = bot.u.command(NORTE, ANA, WEEKLY)
    await bot.feed(update, update)  # Telegram sends it again: nothing more
    assert len(announcements(bot)) == 1
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    assert bot.tg.last(NORTE.id).text == "“Asamblea barrial” ya se repite así: mira /meetings"
    assert await bot.scalar(select(func.count()).select_from(MeetingSeries)) == 1
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting stop asamblea"))
    assert bot.tg.last(NORTE.id).text == (
        "Indica qué reunión periódica detener, por su número: /meeting stop 1"
    )


async def test_a_new_process_carries_the_series_on(bot: Bot, engine, database) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    restarted = await start_bot(engine, database.url, bot.clock)  # nothing kept in memory
    try:
        await restarted.tick(THU + timedelta(minutes=1))
        assert await occurrences(bot) == [THU, THU + timedelta(days=7)]
        assert len(announcements(restarted)) == 1 and len(announcements(bot)) == 1
    finally:
        await restarted.app.shutdown()


def test_help_shows_a_repeating_meeting() -> None:
    from bot.meetings import HELP

    assert HELP.details is not None
    lines = HELP.details(translator("pt_BR"))
    assert "Uma reunião que se repete (só a coordenação), até /meeting stop:" in lines
    assert "/meeting mensal primeiro sábado 10:00 | Assembleia do bairro" in lines


async def test_two_coordinators_stop_it_at_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, admins=((LUIS, "administrator"),))
    await bot.feed(bot.u.command(NORTE, ANA, WEEKLY))
    await asyncio.gather(
        bot.feed(bot.u.command(NORTE, ANA, "/meeting stop")),
        bot.feed(bot.u.command(NORTE, LUIS, "/meeting stop")),
    )
    texts = [m.text for m in bot.tg.sent(NORTE.id)[-2:]]
    assert sum(t.startswith("🔁 Asamblea barrial ya no se repetirá.") for t in texts) == 1
    assert await bot.scalar(select(func.count()).where(MeetingSeries.stopped_at.is_not(None))) == 1
