"""Meetings: a slot poll, confirmation with a calendar file, reminders, attendance, minutes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import func, select

from bot.commitments.models import Commitment
from bot.meetings.models import Attendance, Meeting, MeetingSlot, Minutes, SlotAnswer
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.votes.helpers import yesterday_typed

# Thursday 13 and Saturday 15 March 2031, in Bogotá (UTC-5)
THU = "2031-03-13 19:00"
SAT = "15/03/2031 10hs"
THU_UTC = datetime(2031, 3, 14, 0, 0, tzinfo=UTC)
SAT_UTC = datetime(2031, 3, 15, 15, 0, tzinfo=UTC)
REQUEST = f"/meeting Asamblea de barrio | {THU} @ Club Social | {SAT} @ Plaza San Martín"


async def open_poll(bot: Bot, request: str = REQUEST):
    await bot.feed(bot.u.command(NORTE, LUIS, request))
    poll = bot.tg.last(NORTE.id)
    return poll, bot.tg.message_json(NORTE.id, poll.message_id)


async def slot_ids(bot: Bot) -> list[int]:
    return await bot.scalars(select(MeetingSlot.id).order_by(MeetingSlot.position))


async def test_a_meeting_poll_echoes_each_slot_in_full(bot: Bot) -> None:
    await seed_group(bot)
    poll, _ = await open_poll(bot)
    assert poll.text.startswith("📅 Asamblea de barrio — ¿cuándo puedes venir?")
    assert "1. jue, 13 mar 2031, 19:00 · 📍 Club Social" in poll.text
    assert "2. sáb, 15 mar 2031, 10:00 · 📍 Plaza San Martín" in poll.text
    first, second = await slot_ids(bot)
    assert poll.button_data == [
        f"mtg:ans:{first}:y", f"mtg:ans:{first}:m", f"mtg:ans:{first}:n",
        f"mtg:ans:{second}:y", f"mtg:ans:{second}:m", f"mtg:ans:{second}:n",
    ]  # fmt: skip
    starts = await bot.scalars(select(MeetingSlot.starts_at).order_by(MeetingSlot.position))
    assert [s.replace(tzinfo=UTC) if s.tzinfo is None else s for s in starts] == [THU_UTC, SAT_UTC]
    assert await bot.scalar(select(Meeting.poll_message_id)) == poll.message_id


async def test_answers_are_tallied_in_place_with_the_best_slot(bot: Bot) -> None:
    await seed_group(bot)
    poll, message = await open_poll(bot)
    first, second = await slot_ids(bot)
    await bot.feed(bot.u.callback(ANA, message, f"mtg:ans:{first}:m"))
    assert bot.tg.toasts()[-1] == "Guardado: 🤔 para la opción 1."
    await asyncio.gather(
        bot.feed(bot.u.callback(LUIS, message, f"mtg:ans:{second}:y")),
        bot.feed(bot.u.callback(JOAO, message, f"mtg:ans:{second}:y")),
    )
    await bot.feed(bot.u.callback(MARY, message, f"mtg:ans:{first}:n"))
    assert "✅ 0 · 🤔 1 · ❌ 1 — Ana (🤔)" in poll.text
    assert "✅ 2 · 🤔 0 · ❌ 0 — " in poll.text
    assert poll.text.endswith("⭐ La mejor hasta ahora: opción 2")
    assert poll.button_data  # still open

    edits = poll.edits
    await bot.feed(bot.u.callback(LUIS, message, f"mtg:ans:{second}:y"))  # the same again
    assert bot.tg.toasts()[-1] == "Ya habías respondido eso."
    assert poll.edits == edits
    await bot.feed(bot.u.callback(LUIS, message, f"mtg:ans:{second}:n"))  # changes his mind
    assert "✅ 1 · 🤔 0 · ❌ 1" in poll.text
    assert await bot.scalar(select(func.count()).select_from(SlotAnswer)) == 4

    for forged in (f"mtg:ans:{first}:x", "mtg:ans:99999:y", f"mtg:ans:{first}"):
        await bot.feed(bot.u.callback(LUIS, message, forged))
        assert bot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."


async def test_confirming_sends_a_calendar_file_with_the_right_instant(bot: Bot) -> None:
    await seed_group(bot)
    poll, message = await open_poll(bot)
    first, _ = await slot_ids(bot)
    await bot.feed(bot.u.callback(JOAO, message, f"mtg:ans:{first}:y"))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm 1", reply_to=message))

    assert (
        poll.text
        == "📅 Asamblea de barrio — confirmada: 1. jue, 13 mar 2031, 19:00 · 📍 Club Social"
    )
    assert poll.markup is None
    announcement = bot.tg.last(NORTE.id)
    assert announcement.text.startswith(  # the group's zone named once, here
        "📣 Asamblea de barrio está confirmada.\n🗓 jue, 13 mar 2031, 19:00 (hora de Bogotá)\n"
    )
    assert "Les recordaré 1 día · 1 hora antes." in announcement.text
    filename, content = announcement.document
    assert filename == "meeting.ics"
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == THU_UTC
    assert event.decoded("DTEND") == THU_UTC + timedelta(hours=2)
    assert str(event.get("SUMMARY")) == "Asamblea de barrio"
    assert str(event.get("LOCATION")) == "Club Social"
    assert await bot.scalar(select(Meeting.announce_message_id)) == announcement.message_id

    await bot.feed(bot.u.callback(LUIS, message, f"mtg:ans:{first}:y"))
    assert bot.tg.toasts()[-1] == "Esta consulta de fechas está cerrada."
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm 2", reply_to=message))
    assert bot.tg.last(NORTE.id).text == "Esa reunión ya está confirmada."


async def test_confirming_is_for_coordinators_and_existing_options(bot: Bot) -> None:
    await seed_group(bot)
    _, message = await open_poll(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/meeting confirm 1", reply_to=message))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm 3", reply_to=message))
    assert bot.tg.last(NORTE.id).text == (
        "No existe la opción 3. Elige del 1 al 2: /meeting confirm 1"
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm", reply_to=message))
    assert bot.tg.last(NORTE.id).text.startswith("Indica qué opción, respondiendo al mensaje")
    await open_poll(bot, "/meeting Otra | 2031-04-01 18:00")
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm 1"))  # two polls: which?
    assert bot.tg.last(NORTE.id).text == (
        "Responde al mensaje de la reunión con el comando, por ejemplo: /meeting confirm 1"
    )
    assert await bot.scalar(select(func.count()).where(Meeting.status == "confirmed")) == 0


async def test_bad_slots_are_quoted_with_examples(bot: Bot) -> None:
    await seed_group(bot)
    examples = "jueves 19:00 @ Club Social · 15/12 10:00 · el sábado a las 10"
    cases = {
        "/meeting Asamblea | el día que podamos": (
            f"No entendí la fecha “el día que podamos”. Escríbela como alguna de estas: {examples}"
        ),
        "/meeting Asamblea | 01/01/2020 10:00": (
            "“01/01/2020 10:00” ya pasó. Elige una fecha que todavía no haya pasado."
        ),
        f"/meeting Asamblea | {THU} | 13/03/2031 19hs": (
            "“13/03/2031 19hs” es el mismo momento que otra opción."
        ),
        "/meeting Asamblea": "Escribe un título y al menos una fecha, separados por |, así: "
        "/meeting Asamblea de barrio | jueves 19:00 @ Club Social | sábado 10hs @ Plaza",
        "/meeting Asamblea | " + " | ".join(f"2031-05-{d:02d} 10:00" for d in range(1, 12)): (
            "Son 11 opciones; el máximo es 10. Deja las más probables."
        ),
    }
    typed, with_year = yesterday_typed(bot)  # without its year: more than 11 months ahead
    cases[f"/meeting Asamblea | {typed} 19:00 @ Club"] = (
        f"“{typed} 19:00” queda a más de 11 meses. Si es esa la fecha, escribe también el año, "
        f"así: {with_year}"
    )
    for command, answer in cases.items():
        await bot.feed(bot.u.command(NORTE, LUIS, command))
        assert bot.tg.last(NORTE.id).text == answer
    assert await bot.scalar(select(func.count()).select_from(Meeting)) == 0


async def confirmed_meeting(bot: Bot) -> dict:
    _, message = await open_poll(bot)
    first, _ = await slot_ids(bot)
    await bot.feed(bot.u.callback(JOAO, message, f"mtg:ans:{first}:y"))
    await bot.feed(bot.u.callback(MARY, message, f"mtg:ans:{first}:m"))
    await bot.feed(bot.u.callback(LUIS, message, f"mtg:ans:{first}:n"))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting confirm 1", reply_to=message))
    return message


async def tick(bot: Bot, moment: datetime) -> None:
    await bot.tick(moment)


async def test_reminders_go_24h_and_1h_before_once_each(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, THU_UTC - timedelta(hours=25))
    assert len(bot.tg.sent(NORTE.id)) == before
    await tick(bot, THU_UTC - timedelta(hours=24))
    await tick(bot, THU_UTC - timedelta(hours=23))  # again: nothing more
    [day_before] = bot.tg.sent(NORTE.id)[before:]
    assert day_before.text.startswith(
        "⏰ Recordatorio: Asamblea de barrio\n🗓 jue, 13 mar, 19:00"  # in 2031 by then: no year
    )
    assert "📍 Club Social" in day_before.text
    assert f'<a href="tg://user?id={JOAO.id}">João</a>' in day_before.html
    assert "Mary" in day_before.text and "Luis" not in day_before.text

    await tick(bot, THU_UTC - timedelta(minutes=59))
    await tick(bot, THU_UTC - timedelta(minutes=30))
    assert len(bot.tg.sent(NORTE.id)) == before + 2


async def test_after_downtime_only_the_latest_reminder_goes(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, THU_UTC - timedelta(minutes=40))  # the bot was down for a day
    await tick(bot, THU_UTC - timedelta(minutes=39))
    assert len(bot.tg.sent(NORTE.id)) == before + 1


async def test_a_reminder_waits_for_quiet_hours_to_end(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting reminders 1h"))
    assert bot.tg.last(NORTE.id).text == "Recordatorios de reuniones: 1 hora antes."
    await open_poll(bot, "/meeting Desayuno | 15/03/2031 08:30 @ Comedor")
    poll = bot.tg.last(NORTE.id)
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            "/meeting confirm 1",
            reply_to=bot.tg.message_json(NORTE.id, poll.message_id),
        )
    )
    starts = datetime(2031, 3, 15, 13, 30, tzinfo=UTC)  # 08:30 in Bogotá
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, starts - timedelta(hours=1))  # 07:30: quiet
    assert len(bot.tg.sent(NORTE.id)) == before
    await tick(bot, starts - timedelta(minutes=30))  # 08:00
    await tick(bot, starts - timedelta(minutes=29))
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    assert bot.tg.last(NORTE.id).text.startswith("⏰ Recordatorio: Desayuno")


async def test_a_cancelled_meeting_sends_no_reminders(bot: Bot) -> None:
    await seed_group(bot)
    message = await confirmed_meeting(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/meeting cancel", reply_to=message))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting cancel", reply_to=message))
    assert bot.tg.last(NORTE.id).text == (
        "❌ Asamblea de barrio se canceló. Sus recordatorios quedan apagados."
    )
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, THU_UTC - timedelta(hours=1))
    await tick(bot, THU_UTC + timedelta(hours=3))
    assert len(bot.tg.sent(NORTE.id)) == before
    await bot.feed(bot.u.command(NORTE, ANA, "/meetings"))
    assert bot.tg.last(NORTE.id).text.startswith("No hay reuniones próximas.")


async def test_attendance_after_the_meeting_and_minutes(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    announcement = bot.tg.last(NORTE.id)
    await tick(bot, THU_UTC + timedelta(hours=1))  # still going on
    before = len(bot.tg.sent(NORTE.id))
    await tick(bot, THU_UTC + timedelta(hours=2))
    await tick(bot, THU_UTC + timedelta(hours=3))
    [prompt] = bot.tg.sent(NORTE.id)[before:]
    assert prompt.text == "🙌 Terminó Asamblea de barrio. Si estuviste, toca el botón."
    message = bot.tg.message_json(NORTE.id, prompt.message_id)
    [data] = prompt.button_data
    await bot.feed(bot.u.callback(JOAO, message, data))
    assert bot.tg.toasts()[-1] == "¡Gracias por venir!"
    await bot.feed(bot.u.callback(JOAO, message, data))
    assert bot.tg.toasts()[-1] == "Ya estás en la lista."
    await bot.feed(bot.u.callback(LUIS, message, data))
    assert await bot.scalar(select(func.count()).select_from(Attendance)) == 2
    assert await bot.scalar(select(Meeting.status)) == "held"

    await bot.feed(bot.u.command(NORTE, MARY, "/meeting attendance"))
    listing = bot.tg.last(NORTE.id).text
    assert listing.startswith(
        "🙌 Asamblea de barrio: asistieron 2 personas (de 2 que respondieron ✅ o 🤔)."
    )
    assert "• João\n• Luis" in listing

    minutes_text = (
        "/minutes Reunión tranquila.\nAcordado: pintar la plaza el sábado\n"
        "Agreed: pedir luminarias al municipio\nTarea: comprar pintura\nnotas sueltas"
    )
    await bot.feed(
        bot.u.command(
            NORTE,
            ANA,
            minutes_text,
            reply_to=bot.tg.message_json(NORTE.id, announcement.message_id),
        )
    )
    receipt = bot.tg.last(NORTE.id)
    assert receipt.text == (
        "📝 Acta de Asamblea de barrio guardada: 2 acuerdos y 1 tarea.\n"
        "En el registro de decisiones como #1, #2: /decisions\n"
        "Toma una tarea con su botón: se vuelve tu compromiso."
    )
    saved = await bot.scalar(select(Minutes))
    assert saved.agreed == ["pintar la plaza el sábado", "pedir luminarias al municipio"]
    assert saved.todo == ["comprar pintura"]

    # a member takes the task: it becomes their commitment, linked to the minutes, once
    [[(label, data)]] = receipt.buttons
    assert label == "➕ comprar pintura"
    receipt_json = bot.tg.message_json(NORTE.id, receipt.message_id)
    await asyncio.gather(
        bot.feed(bot.u.callback(LUIS, receipt_json, data)),
        bot.feed(bot.u.callback(MARY, receipt_json, data)),
    )
    commitment = await bot.scalar(select(Commitment))
    assert (commitment.text, commitment.source_kind, commitment.source_id) == (
        "comprar pintura",
        "minutes",
        saved.id,
    )
    assert await bot.scalar(select(func.count()).select_from(Commitment)) == 1
    toasts = bot.tg.toasts()[-2:]
    assert "El compromiso #1 es tuyo. Míralo: /commitment 1" in toasts
    assert receipt.markup is None
    assert "✓ comprar pintura → #1 " in receipt.text

    # the agreements are in the decision log
    await bot.feed(bot.u.command(NORTE, MARY, "/decisions"))
    log = bot.tg.last(NORTE.id).text
    assert "#2 · " in log and "pedir luminarias al municipio — 🤝 acordado en una reunión" in log
    await bot.feed(bot.u.command(NORTE, MARY, "/decision 1"))
    assert bot.tg.last(NORTE.id).text.startswith("Decisión #1 · ")
    assert "pintar la plaza el sábado\n🤝 Acordado en una reunión (ver su acta)." in (
        bot.tg.last(NORTE.id).text
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/minutes"))
    assert bot.tg.last(NORTE.id).text.startswith("Escribe el acta después del comando;")


async def test_minutes_and_attendance_before_any_meeting(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/minutes Acordado: algo"))
    assert bot.tg.last(NORTE.id).text == (
        "Responde al anuncio de la reunión con /minutes y el texto del acta."
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting attendance"))
    assert bot.tg.last(NORTE.id).text.startswith("Todavía no hubo ninguna reunión.")


async def test_coming_meetings_are_listed_with_links(bot: Bot) -> None:
    await seed_group(bot)
    await confirmed_meeting(bot)
    await open_poll(bot, "/meeting Feria | 2031-04-05 10:00 | 2031-04-06 10:00")
    await bot.feed(bot.u.command(NORTE, JOAO, "/meetings"))
    reply = bot.tg.last(NORTE.id)
    assert reply.text == (
        "📅 Próximas reuniones\n• Asamblea de barrio — jue, 13 mar 2031, 19:00\n"
        "• Feria — eligiendo fecha"
    )
    assert 'href="https://t.me/c/1000000001/' in reply.html


async def test_reminder_settings_and_bad_ones(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting reminders 2d 90m"))
    assert bot.tg.last(NORTE.id).text == "Recordatorios de reuniones: 2 días · 90 minutos antes."
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting reminders pronto"))
    assert bot.tg.last(NORTE.id).text == "No entendí “pronto”. Ejemplo: /meeting reminders 24h 1h"
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting reminders 30d"))
    assert bot.tg.last(NORTE.id).text == "Como máximo una semana antes: /meeting reminders 7d 1h"
    await bot.feed(bot.u.command(NORTE, ANA, "/meeting reminders off"))
    assert bot.tg.last(NORTE.id).text == "Los recordatorios de reuniones están apagados."


async def test_daylight_saving_time_in_the_group_zone(bot: Bot) -> None:
    await seed_group(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/timezone Europe/Madrid"))
    # Madrid moves from UTC+1 to UTC+2 at 02:00 on Sunday 30 March 2031
    await open_poll(bot, "/meeting Asamblea | 2031-03-29 10:00 | 2031-03-30 10:00")
    starts = await bot.scalars(select(MeetingSlot.starts_at).order_by(MeetingSlot.position))
    as_utc = [s.replace(tzinfo=UTC) if s.tzinfo is None else s.astimezone(UTC) for s in starts]
    assert as_utc == [
        datetime(2031, 3, 29, 9, 0, tzinfo=UTC),
        datetime(2031, 3, 30, 8, 0, tzinfo=UTC),
    ]
    poll = bot.tg.last(NORTE.id)
    assert "1. sáb, 29 mar 2031, 10:00" in poll.text and "2. dom, 30 mar 2031, 10:00" in poll.text
