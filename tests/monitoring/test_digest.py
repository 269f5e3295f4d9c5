"""The weekly digest: its facts, its schedule, and exactly once whatever happens."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from bot.core.clock import FrozenClock
from bot.monitoring import facts, service
from bot.monitoring.models import Digest, Recognition
from bot.monitoring.status import status as status_now
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, Database, seed_group, start_bot
from tests.telegram_double import retry_after
from tests.updates import private_chat

BOGOTA = ZoneInfo("America/Bogota")
WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def digests(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🗞")]


async def schedule_soon(bot: Bot, hours: int = 3) -> datetime:
    """Schedule the digest a few hours from now (the tests run on any day): its due moment."""
    local = (bot.now() + timedelta(hours=hours)).astimezone(BOGOTA)
    await bot.feed(
        bot.u.command(NORTE, ANA, f"/digest weekly {WEEKDAYS_EN[local.weekday()]} {local:%H:%M}")
    )
    return local.replace(second=0, microsecond=0).astimezone(UTC)


async def tick(bot: Bot, moment: datetime) -> None:
    await bot.tick(moment)


# -- schedule math, as plain values ----------------------------------------------------------


def test_the_last_due_moment_in_the_group_time_zone() -> None:
    wednesday = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)  # 12:00 in Bogotá
    assert service.last_due(wednesday, "America/Bogota", 0, 9 * 60) == datetime(
        2026, 11, 30, 14, 0, tzinfo=UTC
    )
    monday_early = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)  # 08:00, before 09:00
    assert service.last_due(monday_early, "America/Bogota", 0, 9 * 60) == datetime(
        2026, 11, 23, 14, 0, tzinfo=UTC
    )
    assert service.period_of(datetime(2026, 11, 30, 14, 0, tzinfo=UTC), "America/Bogota") == (
        "2026-W49"
    )
    # Madrid changes to summer time on 29 March 2026: Monday 30 March 09:00 is 07:00 UTC
    assert service.last_due(
        datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "Europe/Madrid", 0, 9 * 60
    ) == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["monday", "09:00"], (0, 540)),
        (["viernes", "18hs"], (4, 1080)),
        (["segunda", "7h30"], (0, 450)),
    ],
)
def test_schedules_people_type(words: list[str], expected: tuple[int, int]) -> None:
    assert service.parse_schedule(words) == expected


async def test_the_schedule_commands(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/digest"))
    assert bot.tg.last(NORTE.id).text.startswith(
        "El resumen semanal sale cada lunes a las 09:00, con un gráfico."
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/digest off"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/digest weekly viernes 18:30"))
    assert bot.tg.last(NORTE.id).text.startswith("El resumen semanal sale cada viernes a las 18:30")
    await bot.feed(bot.u.command(NORTE, ANA, "/digest weekly someday 25:00"))
    assert bot.tg.last(NORTE.id).text == (
        "Escribe el día y la hora, así: /digest weekly monday 09:00"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/digest chart off"))
    assert "gráfico" not in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, ANA, "/digest off"))
    assert bot.tg.last(NORTE.id).text.startswith("El resumen semanal está apagado.")
    await tick(bot, bot.now() + timedelta(days=8))
    assert digests(bot) == []


# -- what it says ------------------------------------------------------------------------------


async def a_week_of_activity(bot: Bot) -> datetime:
    due = await schedule_soon(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals Recuperar la plaza"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    rules = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, rules.message_id), rules.button_data[0])
    )
    # a meeting in half an hour (over before the digest), and one next week
    soon = (bot.now() + timedelta(minutes=30)).astimezone(BOGOTA)
    later = soon + timedelta(days=5)
    await bot.feed(
        bot.u.command(NORTE, MARY, f"/meeting Minga de limpieza | {soon:%Y-%m-%d %H:%M}")
    )
    poll = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/meeting confirm 1",
            reply_to=bot.tg.message_json(NORTE.id, poll.message_id),
        )
    )
    await bot.feed(bot.u.command(NORTE, MARY, f"/meeting Asamblea | {later:%Y-%m-%d %H:%M}"))
    poll = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/meeting confirm 1",
            reply_to=bot.tg.message_json(NORTE.id, poll.message_id),
        )
    )
    await tick(bot, soon.astimezone(UTC) + timedelta(hours=2, minutes=1))  # attendance prompt
    prompt = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🙌")][-1]
    await bot.feed(
        bot.u.callback(
            JOAO, bot.tg.message_json(NORTE.id, prompt.message_id), prompt.button_data[0]
        )
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/notice Traer guantes el sábado"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize @joao_sp por traer las herramientas"))
    await bot.feed(bot.u.command(private_chat(MARY), MARY, "/profile"))
    await bot.feed(bot.u.message(private_chat(MARY), MARY, "Red de vecinas"))
    return due


async def test_a_week_of_activity_then_the_digest(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await a_week_of_activity(bot)
    await tick(bot, due - timedelta(minutes=1))
    assert digests(bot) == []
    await tick(bot, due)
    [sent] = digests(bot)
    text = sent.text
    assert text.startswith("🗞 Resumen semanal\n")
    assert "(con retraso" not in text
    assert "📅 Reuniones realizadas\n• Minga de limpieza — " in text and "· 1 asistió" in text
    assert "🗓 Próximos 7 días\n• Asamblea — " in text
    assert (
        "👀 Avisos que no todas las personas vieron\n"
        "• Traer guantes el sábado — falta que 3 lo vean"
    ) in text
    assert "📜 1 de 4 aceptó la versión 1 de las reglas del chat." in text
    assert "🗺 1 perfil de actor nuevo esta semana." in text
    assert "🗺 Todavía nadie de: " in text
    assert "🙌 Agradecimientos\n• João, de parte de Luis: por traer las herramientas" in text
    assert "• Por estar y hacer: João" in text
    assert len(text) <= 4096


async def test_a_quiet_week_in_portuguese(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, "/language pt"))
    due = await schedule_soon(bot)
    await tick(bot, due)
    [sent] = digests(bot)
    assert sent.text == (
        "🗞 Resumo semanal\nUma semana tranquila: sem reuniões, avisos nem novidades."
    )


async def test_digest_now_and_recognition_errors(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize @ana_barrio por la paciencia"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert bot.tg.last(NORTE.id).text.endswith(
        "🙌 Agradecimientos\n• Ana, de parte de Luis: por la paciencia"
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize @luis_o por mí"))
    assert bot.tg.last(NORTE.id).text == "Agradecerte a ti no cuenta 🙂 Menciona a otra persona."
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize"))
    assert bot.tg.last(NORTE.id).text.startswith("Nombra a la persona y di por qué:")
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize @ana_barrio"))
    assert bot.tg.last(NORTE.id).text.startswith("Cuenta por qué, para que el grupo lo sepa:")
    assert await bot.scalar(select(func.count()).select_from(Recognition)) == 1
    assert await bot.scalar(select(func.count()).select_from(Digest)) == 0  # /digest now is extra


# -- reliability ---------------------------------------------------------------------------------


async def test_exactly_once_across_ticks_and_a_restart(
    engine, database: Database, clock: FrozenClock
) -> None:
    bot = await start_bot(engine, database.url, clock)
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)
    await tick(bot, due)
    await tick(bot, due + timedelta(minutes=1))
    await bot.app.shutdown()
    again = await start_bot(
        engine, database.url, clock
    )  # a restart: a new process, the same database
    try:
        await tick(again, due + timedelta(minutes=2))
        assert again.tg.sent(NORTE.id) == []
    finally:
        await again.app.shutdown()
    assert len(digests(bot)) == 1
    assert await bot.scalar(select(func.count()).select_from(Digest)) == 1


async def test_two_processes_racing_send_one_digest(
    engine, database: Database, clock: FrozenClock
) -> None:
    first = await start_bot(database.engine(), database.url, clock)
    await seed_group(first, LUIS, JOAO, MARY)
    due = await schedule_soon(first)
    second = await start_bot(database.engine(), database.url, clock)
    second.group(NORTE)
    try:
        await asyncio.gather(tick(first, due), tick(second, due), tick(first, due))
        assert len(digests(first)) + len(digests(second)) == 1
    finally:
        for bot in (first, second):
            await bot.app.shutdown()
            await bot.engine.dispose()


async def test_a_digest_missed_while_down_is_sent_late_within_a_day(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)
    await tick(bot, due + timedelta(hours=5))
    [sent] = digests(bot)
    assert sent.text.startswith(
        "🗞 Resumen semanal (con retraso: estaba sin conexión cuando tocaba)"
    )
    assert await bot.scalar(select(Digest.late)) is True


async def test_a_digest_more_than_a_day_late_is_skipped(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)
    await tick(bot, due + timedelta(days=1, minutes=1))
    assert digests(bot) == []


async def test_the_digest_waits_for_quiet_hours(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)
    local = due.astimezone(BOGOTA)
    end = local + timedelta(hours=2)
    await bot.feed(
        bot.u.command(NORTE, ANA, f"/rules quiet {local - timedelta(hours=1):%H:%M}-{end:%H:%M}")
    )
    await tick(bot, due)
    await tick(bot, due + timedelta(hours=1))
    assert digests(bot) == []
    await tick(bot, end.astimezone(UTC))
    assert len(digests(bot)) == 1


async def test_flood_control_delays_and_never_drops(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)

    async def no_wait(seconds: float) -> None:
        return None

    bot.runtime.messenger.sleep = no_wait
    bot.tg.fail_next("sendMessage", retry_after(60), times=4)
    await tick(bot, due)
    assert digests(bot) == []
    await tick(bot, due + timedelta(minutes=1))
    assert len(digests(bot)) == 1


async def test_a_group_that_removed_the_bot_is_skipped_and_marked_inactive(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    due = await schedule_soon(bot)
    bot.tg.remove_bot(NORTE.id)  # removed, and the bot missed the update that said so
    await tick(bot, due)
    from bot.groups.models import Group

    assert await bot.scalar(select(Group.active)) is False
    await tick(bot, due + timedelta(minutes=1))
    assert len(bot.tg.calls_of("sendMessage")) > 0
    assert digests(bot) == []


# -- speed ---------------------------------------------------------------------------------------


async def test_the_facts_take_a_fixed_number_of_queries(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals La plaza"))

    async def queries_for_digest() -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with bot.db() as session:
                group_id = (await session.execute(select(Membership.group_id))).scalars().first()
                now = bot.now()
                await facts.collect(
                    session, [group_id], now - timedelta(days=7), now + timedelta(days=1)
                )
        finally:
            event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    from bot.groups.models import Membership

    small = await queries_for_digest()
    for n in range(25):  # many more members, notices and thank-yous
        from tests.updates import TUser

        person = TUser(5000 + n, f"Vecina {n}", f"vecina_{n}", "es")
        await bot.feed(bot.u.message(NORTE, person, "hola"))
    for text in ("uno", "dos", "tres"):
        await bot.feed(bot.u.command(NORTE, ANA, f"/notice Aviso {text}"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/recognize @vecina_3 por todo"))
    assert await queries_for_digest() == small


# -- commitments in the digest, the chart and /status ----------------------------------------


async def commitments_week(bot: Bot) -> datetime:
    from bot.commitments.changes import mark_done
    from bot.commitments.creating import create_commitment
    from bot.groups.models import Group

    due = await schedule_soon(bot)
    now = bot.now()
    async with bot.db() as session:
        group_id = await session.scalar(select(Group.id))
        done = await create_commitment(
            session,
            group_id,
            "Pintar el mural",
            [LUIS.id, JOAO.id],
            now + timedelta(hours=1),
            [],
            ANA.id,
            now=now,
        )
        await mark_done(session, done, LUIS.id, now + timedelta(minutes=5))
        late = now - timedelta(days=3, hours=1)
        await create_commitment(
            session, group_id, "Pedir luminarias", [MARY.id], late, [], ANA.id,
            now=now - timedelta(days=10),
        )  # fmt: skip
        await create_commitment(
            session, group_id, "Comprar semillas", [JOAO.id], now + timedelta(days=4), [], ANA.id,
            now=now,
        )  # fmt: skip
    return due


async def test_commitments_in_the_digest_with_a_chart(bot: Bot) -> None:
    import io

    from matplotlib.image import imread

    await seed_group(bot, LUIS, JOAO, MARY)
    due = await commitments_week(bot)
    await tick(bot, due)
    [sent] = digests(bot)
    assert "✅ Compromisos cumplidos\n• #1 Pintar el mural — Luis, João" in sent.text
    assert "⏰ Vencidos\n• #2 Pedir luminarias — Mary · 3 días de atraso" in sent.text
    assert "📌 Vencen en los próximos 7 días\n• #3 Comprar semillas — João · " in sent.text
    assert "• Por estar y hacer: Luis, João" in sent.text
    chart = bot.tg.last(NORTE.id)
    assert chart.text == "Compromisos, últimas 8 semanas"
    _, png = chart.document
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = imread(io.BytesIO(png), format="png")
    assert image.shape[0] > 100 and image.shape[1] > 100


async def test_long_commitment_sections_list_ten_and_count_the_rest(bot: Bot) -> None:
    """Each kind of commitment lists its first ten by due date, then how many more; the owners
    of a done one not listed are thanked all the same."""
    from bot.commitments.models import DONE, OPEN, Commitment, CommitmentOwner
    from bot.groups.models import Group

    await seed_group(bot, LUIS, JOAO, MARY)
    now, hour = bot.now(), timedelta(hours=1)
    plans = (  # (status, due in hours from now, owners: person → accepted), 13 of each kind
        [(DONE, -150 + n, {LUIS.id: True}) for n in range(12)] + [(DONE, -100, {JOAO.id: True})]
        + [(OPEN, -90 + n, {MARY.id: True, LUIS.id: False}) for n in range(13)]
        + [(OPEN, 10 + n, {MARY.id: False, LUIS.id: False, JOAO.id: False, ANA.id: False})
           for n in range(12)] + [(OPEN, 10, {})]
        + [(OPEN, 50 + n, {LUIS.id: True}) for n in range(13)]
    )  # fmt: skip
    async with bot.db() as session:
        gid = await session.scalar(select(Group.id))
        for number, (status, due, owners) in enumerate(plans, start=1):
            due_at = now + due * hour
            commitment = Commitment(
                group_id=gid, number=number, text=f"Tarea <{number}>", status=status,
                due_at=due_at, done_at=now - hour if status == DONE else None,
                created_at=now - 10 * 24 * hour,
            )  # fmt: skip
            session.add(commitment)
            await session.flush()
            for person, accepted in owners.items():
                session.add(
                    CommitmentOwner(
                        commitment_id=commitment.id, person_id=person,
                        accepted_at=now - 24 * hour if accepted else None,
                    )
                )  # fmt: skip
                await session.flush()  # owners in the order they were added
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    text = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🗞")][-1].text
    sections = {part.split("\n")[0]: part.split("\n")[1:] for part in text.split("\n\n")}
    # the moments of those waiting and due depend on the day the test runs: cut off
    shown = {title: [line.split(" · ")[0] for line in lines] for title, lines in sections.items()}
    assert shown["✅ Compromisos cumplidos"] == [
        *(f"• #{n} Tarea <{n}> — Luis" for n in range(1, 11)),
        "…y 3 más",
    ]
    assert shown["⏰ Vencidos"] == [*(f"• #{n} Tarea <{n}> — Mary" for n in range(14, 24)),
                                    "…y 3 más"]  # fmt: skip
    assert sections["⏰ Vencidos"][0].endswith(" · 3 días de atraso")  # 90 hours
    waiting = "⏳ esperando que Mary, Luis, João, +1 acepten"
    assert shown["⏳ Esperando que alguien acepte"] == [
        f"• #27 Tarea <27> — {waiting}",
        "• #39 Tarea <39> — ⏳ nadie lo tomó todavía",  # due with #27, after it by number
        *(f"• #{n} Tarea <{n}> — {waiting}" for n in range(28, 36)),
        "…y 3 más",
    ]
    assert sections["⏳ Esperando que alguien acepte"][1] == (
        "• #39 Tarea <39> — ⏳ nadie lo tomó todavía"
        + sections["⏳ Esperando que alguien acepte"][0].removeprefix(
            f"• #27 Tarea <27> — {waiting}"
        )
    )
    assert shown["📌 Vencen en los próximos 7 días"] == [
        *(f"• #{n} Tarea <{n}> — Luis" for n in range(40, 50)),
        "…y 3 más",
    ]
    assert shown["🙌 Agradecimientos"] == ["• Por estar y hacer: Luis, João"]  # #13's João too


async def test_no_chart_when_the_group_turned_it_off_or_has_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert bot.tg.calls_of("sendPhoto") == []  # nothing to draw
    await commitments_week(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest chart off"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert bot.tg.calls_of("sendPhoto") == []
    await bot.feed(bot.u.command(NORTE, ANA, "/digest chart on"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert len(bot.tg.calls_of("sendPhoto")) == 1


async def test_status_now(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/status"))
    assert bot.tg.last(NORTE.id).text == (
        "📊 Situación hoy\n🗳 No hay votaciones abiertas.\n"
        "⏰ Ningún compromiso vencido · 📌 nada vence en los próximos 7 días\n"
        "📅 No hay reuniones programadas.\n✅ Ningún compromiso vencía en los últimos 30 días."
    )
    await commitments_week(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/status"))
    shown = bot.tg.last(NORTE.id).text
    assert "⏰ 1 compromiso vencido · 📌 1 vence en los próximos 7 días" in shown
    assert "✅ Cumplimiento de lo que vencía en los últimos 30 días: 0%" in shown


async def test_status_reads_what_the_digest_facts_say_in_one_statement(bot: Bot) -> None:
    """/status's one statement agrees with the digest's facts and completion_rate, at moments
    before, during and after the commitments' due dates and the meetings."""
    from bot.commitments.models import BLOCKED, DONE, DROPPED, OPEN, Commitment, CommitmentOwner
    from bot.commitments.service import completion_rate
    from bot.groups.models import Group
    from bot.meetings.models import CANCELLED, CONFIRMED, HELD, POLLING, Meeting
    from bot.monitoring.views import MeetingComing
    from bot.votes.models import Vote

    await seed_group(bot, LUIS, JOAO, MARY)
    now, hour = bot.now(), timedelta(hours=1)
    async with bot.db() as session:
        gid = await session.scalar(select(Group.id))
        plans = [  # (status, due in hours from now, owners: person → accepted)
            (OPEN, -30, {LUIS.id: True}),
            (OPEN, -50, {JOAO.id: False}),  # nobody accepted: waiting, never overdue
            (OPEN, 20, {MARY.id: True, JOAO.id: False}),
            (OPEN, 100, {}),
            (BLOCKED, 5, {LUIS.id: True}),
            (BLOCKED, -200, {MARY.id: True}),
            (DONE, -10, {LUIS.id: True}),
            (DONE, -400, {}),
            (DROPPED, -20, {JOAO.id: True}),
            (OPEN, None, {MARY.id: True}),
            (OPEN, 24 * 9, {LUIS.id: True}),
            (OPEN, -24 * 40, {LUIS.id: True}),
        ]
        for number, (status, due, owners) in enumerate(plans, start=1):
            due_at = None if due is None else now + due * hour
            done_at = due_at if status == DONE else None
            commitment = Commitment(
                group_id=gid, number=number, text=f"Tarea {number}", status=status,
                due_at=due_at, done_at=done_at, created_at=now - 50 * 24 * hour,
            )  # fmt: skip
            session.add(commitment)
            await session.flush()
            for person, accepted in owners.items():
                session.add(
                    CommitmentOwner(
                        commitment_id=commitment.id, person_id=person,
                        accepted_at=now - 60 * 24 * hour if accepted else None,
                    )
                )  # fmt: skip
        for title, status, at in (
            ("Asamblea", CONFIRMED, 30),
            ("Antes", CONFIRMED, 10),
            ("Otra a la vez", CONFIRMED, 10),
            ("Sin confirmar", POLLING, 2),
            ("Cancelada", CANCELLED, 3),
            ("Hecha", HELD, -5),
            ("Lejana", CONFIRMED, 24 * 8),
        ):
            session.add(
                Meeting(group_id=gid, title=title, status=status, starts_at=now + at * hour)
            )
        for closes, closed in ((48, None), (72, None), (-24, now - 24 * hour)):
            session.add(
                Vote(
                    group_id=gid, kind="poll", question="¿?", options=["a", "b"],
                    closes_at=now + closes * hour, closed_at=closed,
                )
            )  # fmt: skip
    moments = [now + h * hour for h in (-24 * 45, -60, -12, 0, 6, 11, 21, 31, 24 * 7, 24 * 12)]
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    seen = {}
    for moment in moments:
        async with bot.db() as session:
            facts_now = (await facts.collect(session, [gid], moment - service.WEEK, moment))[gid]
            rate = await completion_rate(session, gid, moment - timedelta(days=30), moment)
            event.listen(bot.engine.sync_engine, "before_cursor_execute", count)
            try:
                shown = await status_now(session, gid, moment)
            finally:
                event.remove(bot.engine.sync_engine, "before_cursor_execute", count)
        assert shown == service.StatusNow(
            open_votes=len(facts_now.open_votes),
            overdue=facts_now.overdue_count,
            due_soon=facts_now.due_next_count,
            waiting=facts_now.waiting_count,
            next_meeting=facts_now.meetings_coming[0] if facts_now.meetings_coming else None,
            completion=rate,
        ), moment
        for kind in ("overdue", "due_next", "waiting"):  # all listed: fewer than MAX_LINES
            assert len(getattr(facts_now, kind)) == getattr(facts_now, f"{kind}_count"), moment
        seen[moment] = shown
    assert len(statements) == len(moments)  # one statement each
    assert seen[now] == service.StatusNow(
        open_votes=2,
        overdue=3,  # #1, #6 and #12 (weeks late); #2 is nobody's yet
        due_soon=2,  # #3 and #5
        waiting=2,  # #2 and #4
        next_meeting=MeetingComing("Antes", now + 10 * hour),
        completion=0.5,  # #7 and #8 done of #1, #6, #7 and #8
    )


async def test_votes_and_decisions_in_the_digest(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/propose Pintar el mural el sábado"))
    proposal = bot.tg.last(NORTE.id)
    proposal_json = bot.tg.message_json(NORTE.id, proposal.message_id)
    agree = proposal.button_data[0]
    await bot.feed(bot.u.callback(JOAO, proposal_json, agree))
    await bot.feed(bot.u.callback(MARY, proposal_json, agree))
    await bot.feed(bot.u.command(NORTE, ANA, "/close", reply_to=proposal_json))
    await bot.feed(bot.u.command(NORTE, LUIS, "/poll ¿Dónde hacemos la feria? | Plaza | Escuela"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    [sent] = digests(bot)
    assert "🗳 Decisiones\n• #1 Pintar el mural el sábado — aprobada" in sent.text
    assert "🗳 Votaciones abiertas\n• ¿Dónde hacemos la feria? — cierra: " in sent.text
    assert "· faltan 4 por votar" in sent.text
    assert "• Por estar y hacer: " in sent.text and "João" in sent.text and "Mary" in sent.text
    await bot.feed(bot.u.command(NORTE, LUIS, "/status"))
    assert "🗳 1 votación abierta" in bot.tg.last(NORTE.id).text


async def test_a_nudge_when_a_few_carry_the_conversation(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert "⚖️" not in digests(bot)[-1].text  # three members said one thing each
    for n in range(15):
        await bot.feed(bot.u.message(NORTE, LUIS, f"mensaje {n}"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    assert (
        "⚖️ Pocas personas llevaron la conversación esta semana. ¿A quién más podemos escuchar?"
        in digests(bot)[-1].text
    )


async def test_a_week_of_activity_in_portuguese(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, ANA, "/language pt"))
    due = await a_week_of_activity(bot)
    await tick(bot, due)
    [sent] = digests(bot)
    text = sent.text
    assert text.startswith("🗞 Resumo semanal\n")
    assert "📅 Reuniões realizadas\n• Minga de limpieza — " in text and "· 1 presente" in text
    assert "🗓 Próximos 7 dias\n• Asamblea — " in text
    assert "👀 Avisos que nem todo mundo viu\n• Traer guantes el sábado — 3 ainda não viram" in text
    assert "📜 1 de 4 aceitou a versão 1 das regras do chat." in text
    assert "🙌 Agradecimentos\n• João, da parte de Luis: por traer las herramientas" in text


async def test_the_chart_never_counts_a_commitment_nobody_accepted_as_overdue(bot: Bot) -> None:
    # issue 17: "waiting for Raúl to accept" is nobody's lateness, in the chart's red bar too
    from bot.commitments.creating import create_commitment
    from bot.commitments.grammar import OwnerSpec
    from bot.groups.models import Group
    from bot.monitoring.service import WeekBar, chart_weeks

    await seed_group(bot, LUIS, MARY)
    now = bot.now()
    async with bot.db() as session:
        group_id = await session.scalar(select(Group.id))
        for text, owner in (
            ("Pedir luminarias", OwnerSpec(MARY.id, accepted=False)),
            ("Barrer", LUIS.id),
        ):
            await create_commitment(
                session, group_id, text, [owner], now - timedelta(days=2), [], ANA.id,
                now=now - timedelta(days=9),
            )  # fmt: skip
        bars = await chart_weeks(session, group_id, now)
    # this week: Luis's is late; Mary's, never accepted, is open; a week ago both were open
    assert bars[-1] == WeekBar(done=0, open=1, overdue=1)
    assert bars[-2] == WeekBar(done=0, open=2, overdue=0)
