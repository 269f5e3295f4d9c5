""" "Try again" reviews: triggers, answers, closing, lessons, re-plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.commitments.changes import block, drop
from bot.commitments.creating import create_commitment
from bot.commitments.models import Commitment
from bot.meetings.models import Meeting
from bot.reviews.models import Attempt, Review, ReviewAnswer, ReviewSubject
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, frozen_start, seed_group, start_bot

# an hour after each test's clock starts: what the tests set up happens before it
NOW = frozen_start() + timedelta(hours=1)


async def commitment(
    bot: Bot, group_id: int, text: str, due: datetime, owners=(LUIS,)
) -> Commitment:
    async with bot.db() as session:
        return await create_commitment(
            session,
            group_id,
            text,
            [o.id for o in owners],
            due,
            [],
            ANA.id,
            now=due - timedelta(days=5),
        )


def reviews(bot: Bot) -> list:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🔁")]


async def tick(bot: Bot, moment: datetime) -> None:
    await bot.tick(moment)


async def test_an_overdue_commitment_opens_a_review_once(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await commitment(bot, group_id, "Comprar semillas", NOW - timedelta(days=2))  # not yet
    await tick(bot, NOW)
    await tick(bot, NOW + timedelta(minutes=1))
    [posted] = reviews(bot)
    assert posted.text.startswith("🔁 Revisemos lo que no salió como se planeó, sin culpas.")
    assert (
        "📌 #1 Pintar el mural — Luis. Vencía " in posted.text
        and "9 días de atraso." in posted.text
    )
    assert "Comprar semillas" not in posted.text
    assert "1. ¿Qué nos frenó?\n2. ¿Qué cambiamos?\n3. ¿Lo intentamos de nuevo?" in posted.text
    assert posted.buttons[0][0][0] == "🔁 Replanificar #1"
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 1


async def test_after_a_restart_the_scheduler_finds_the_overdue_work(
    engine, database, clock
) -> None:
    first = await start_bot(engine, database.url, clock)
    group_id = await seed_group(first, LUIS, JOAO, MARY)
    await commitment(first, group_id, "Pedir luminarias", NOW - timedelta(days=8))
    await first.app.shutdown()
    second = await start_bot(engine, database.url, clock)
    second.group(NORTE)
    try:
        await tick(second, NOW)
        [posted] = [m for m in second.tg.sent(NORTE.id) if m.text.startswith("🔁")]
        assert "Pedir luminarias" in posted.text
    finally:
        await second.app.shutdown()


async def test_dropped_without_a_reason_blocked_and_low_attendance_share_one_daily_message(
    bot: Bot,
) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    dropped = await commitment(bot, group_id, "Feria de trueque", NOW + timedelta(days=3))
    blocked = await commitment(bot, group_id, "Arreglar la bomba", NOW + timedelta(days=3), (JOAO,))
    unsaid = await commitment(bot, group_id, "Rifa del barrio", NOW + timedelta(days=3))
    async with bot.db() as session:
        await drop(
            session, await session.get(Commitment, dropped.id), "no hay permiso", ANA.id, NOW
        )
        # dropped without a word (the bot always asks why; a row changed by hand did not say)
        await session.execute(
            update(Commitment).where(Commitment.id == unsaid.id).values(status="dropped")
        )
        await block(session, await session.get(Commitment, blocked.id), JOAO.id, NOW)
        await session.execute(
            update(Commitment)
            .where(Commitment.id == blocked.id)
            .values(blocked_reason="falta el repuesto", updated_at=NOW - timedelta(days=8))
        )
    # a meeting where 1 of the 4 who said yes came
    async with bot.db() as session:
        meeting = Meeting(
            group_id=group_id, title="Asamblea", status="held",
            starts_at=NOW - timedelta(days=3), ends_at=NOW - timedelta(days=3) + timedelta(hours=2),
        )  # fmt: skip
        session.add(meeting)
        await session.flush()
        from bot.meetings.models import Attendance, MeetingSlot, SlotAnswer

        slot = MeetingSlot(
            meeting_id=meeting.id, position=1, starts_at=meeting.starts_at, ends_at=meeting.ends_at
        )
        session.add(slot)
        await session.flush()
        meeting.confirmed_slot_id = slot.id
        for person in (ANA, LUIS, JOAO, MARY):
            session.add(SlotAnswer(slot_id=slot.id, person_id=person.id, answer="y"))
        session.add(Attendance(meeting_id=meeting.id, person_id=ANA.id))

    await tick(bot, NOW)
    [posted] = reviews(bot)
    assert "Feria de trueque" not in posted.text  # dropped with a reason: a decision
    assert "📌 #3 Rifa del barrio — Luis. Descartado: —" in posted.text
    assert (
        "📌 #2 Arreglar la bomba — João. Trabado desde hace un tiempo: falta el repuesto"
        in posted.text
    )
    assert "📅 Asamblea — " in posted.text
    assert (
        "de las 4 personas que dijeron que sí, vino 1. No vinieron: Luis, João, Mary."
        in posted.text
    )
    assert len(posted.buttons) == 3
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 3

    # something new the same day waits for tomorrow's message
    await commitment(bot, group_id, "Cortar el pasto", NOW - timedelta(days=10))
    await tick(bot, NOW + timedelta(hours=2))
    assert len(reviews(bot)) == 1
    await tick(bot, NOW + timedelta(days=1, minutes=1))
    assert len(reviews(bot)) == 2
    assert "Cortar el pasto" in reviews(bot)[-1].text


async def test_nothing_during_quiet_hours(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    local = NOW.astimezone(__import__("zoneinfo").ZoneInfo("America/Bogota"))
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    await bot.feed(bot.u.command(NORTE, ANA, f"/rules quiet {start:%H:%M}-{end:%H:%M}"))
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await tick(bot, NOW)
    assert reviews(bot) == []
    await tick(bot, end.astimezone(UTC) + timedelta(minutes=1))
    assert len(reviews(bot)) == 1


async def test_answers_closing_and_lessons(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await tick(bot, NOW)
    [posted] = reviews(bot)
    review_json = bot.tg.message_json(NORTE.id, posted.message_id)
    await bot.feed(bot.u.message(NORTE, LUIS, "Llovió toda la semana", reply_to=review_json))
    await bot.feed(bot.u.message(NORTE, LUIS, "Mirar el pronóstico antes", reply_to=review_json))
    await bot.feed(bot.u.message(NORTE, JOAO, "3. Sí, el sábado", reply_to=review_json))
    questions = await bot.scalars(select(ReviewAnswer.question).order_by(ReviewAnswer.id))
    assert questions == [1, 2, 3]

    await bot.feed(bot.u.command(NORTE, LUIS, "/review close aprendimos algo"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/review close", reply_to=review_json))
    assert bot.tg.last(NORTE.id).text == (
        "Ciérrala con lo que el grupo aprendió: "
        "/review close Necesitamos confirmar el lugar dos días antes"
    )
    await bot.feed(
        bot.u.command(
            NORTE, ANA, "/review close Mirar el clima antes de pintar", reply_to=review_json
        )
    )
    learnt = bot.tg.last(NORTE.id).text
    assert learnt.startswith(
        "📚 Lo que aprendimos\nMirar el clima antes de pintar\n\n📌 #1 Pintar el mural"
    )
    assert "1. ¿Qué nos frenó?\n• Luis: Llovió toda la semana" in learnt
    assert "2. ¿Qué cambiamos?\n• Luis: Mirar el pronóstico antes" in learnt
    assert "3. ¿Lo intentamos de nuevo?\n• João: Sí, el sábado" in learnt

    await bot.feed(bot.u.message(NORTE, MARY, "1. Faltó gente", reply_to=review_json))
    assert (
        await bot.scalar(select(ReviewAnswer.late).where(ReviewAnswer.person_id == MARY.id)) is True
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/review close otra vez", reply_to=review_json))
    assert bot.tg.last(NORTE.id).text == "Esa revisión ya está cerrada. Mira /lessons"
    await bot.feed(bot.u.command(NORTE, MARY, "/lessons"))
    lessons = bot.tg.last(NORTE.id).text
    assert lessons.startswith("📚 Aprendizajes\n• ")
    assert "Mirar el clima antes de pintar (4 respuestas)" in lessons


async def test_a_coordinator_reviews_a_card_or_a_meeting_on_demand(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit Pintar el mural by 2031-05-01"))
    card = bot.tg.last(NORTE.id)
    card_json = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.command(NORTE, LUIS, "/review", reply_to=card_json))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=card_json))
    posted = bot.tg.last(NORTE.id)
    assert posted.text.startswith("🔁 Revisemos") and "📌 #1 Pintar el mural — Luis." in posted.text
    other = bot.u.message_json(NORTE, MARY, "¿alguien tiene pintura?")
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=other))
    assert bot.tg.last(NORTE.id).text.startswith(
        "Responde con /review a la tarjeta de un compromiso, a una votación o al mensaje"
    )
    await bot.feed(bot.u.command(NORTE, LUIS, "/propose Pintar el mural"))
    proposal = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=proposal))
    on_vote = bot.tg.last(NORTE.id).text
    assert on_vote.startswith("🔁 Revisemos")
    assert "🗳 Pintar el mural — votaron 0 de 4 (cierre: " in on_vote
    await bot.feed(bot.u.command(NORTE, MARY, "/meeting Asamblea | 2031-03-13 19:00"))
    poll = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    await bot.feed(bot.u.command(NORTE, ANA, "/review", reply_to=poll))
    shown = bot.tg.last(NORTE.id).text
    assert (
        "📅 Asamblea — jue, 13 mar 2031, 19:00: nadie había dicho que sí; no vino nadie." in shown
    )
    assert await bot.scalar(select(func.count()).select_from(Review)) == 3


async def test_try_again_re_plans_a_commitment_with_an_attempt_count(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9), (LUIS, JOAO))
    await tick(bot, NOW)
    [posted] = reviews(bot)
    [[(_, data)]] = posted.buttons
    await bot.feed(bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, posted.message_id), data))
    assert bot.tg.toasts()[-1].startswith("Solo la coordinación")
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, posted.message_id), data))
    prompt = bot.tg.last(NORTE.id)
    assert prompt.text.startswith("🔁 Replanificar #1: responde a este mensaje con la nueva fecha")
    prompt_json = bot.tg.message_json(NORTE.id, prompt.message_id)
    await bot.feed(bot.u.message(NORTE, ANA, "01/01/2020", reply_to=prompt_json))
    assert bot.tg.last(NORTE.id).text.startswith("Esa fecha ya pasó.")
    await bot.feed(bot.u.message(NORTE, ANA, "2031-05-01 18:00 @luis_o", reply_to=prompt_json))
    texts = [m.text for m in bot.tg.sent(NORTE.id)[-2:]]
    assert texts[0] == "🔁 Intento número 2: compromiso #2."
    assert "Pintar el mural" in texts[1]  # the new card
    again = await bot.scalar(select(Commitment).where(Commitment.number == 2))
    assert (again.source_kind, again.text) == ("review", "Pintar el mural")
    attempt = await bot.scalar(select(Attempt))
    assert attempt.attempt == 2 and attempt.new_id == again.id


async def test_try_again_reschedules_a_meeting_with_the_same_title(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    async with bot.db() as session:
        from bot.reviews.facts import MeetingFacts, Why
        from bot.reviews.subjects import NewSubject, add_subjects

        facts = MeetingFacts(
            title="Asamblea", starts_at=NOW, yes=3, came=0, absent=(), why=Why.ATTENDANCE
        )
        await add_subjects(session, [NewSubject(group_id, "meeting:77:attendance", 77, facts)], NOW)
    await tick(bot, NOW)
    [posted] = reviews(bot)
    [[(label, data)]] = posted.buttons
    assert label == "🔁 Nueva fecha para Asamblea"
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, posted.message_id), data))
    prompt_json = bot.tg.message_json(NORTE.id, bot.tg.last(NORTE.id).message_id)
    await bot.feed(
        bot.u.message(NORTE, ANA, "2031-05-01 10:00 | 2031-05-02 10:00", reply_to=prompt_json)
    )
    poll = bot.tg.last(NORTE.id)
    assert poll.text.startswith("📅 Asamblea — ¿cuándo puedes venir?")
    assert len(poll.buttons) == 2


async def test_the_periodic_review_covers_the_period(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await tick(bot, NOW)  # the period starts: nothing to review yet
    assert reviews(bot) == []
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await tick(bot, NOW + timedelta(hours=1))  # the daily review
    await tick(bot, NOW + timedelta(days=31))
    posted = reviews(bot)
    assert len(posted) == 2
    assert posted[-1].text.startswith("🔁 Revisión del período")
    assert "Pintar el mural" in posted[-1].text


async def test_the_digest_mentions_reviews(bot: Bot) -> None:
    group_id = await seed_group(bot, LUIS, JOAO, MARY)
    await commitment(bot, group_id, "Pintar el mural", NOW - timedelta(days=9))
    await tick(bot, NOW)
    await bot.feed(bot.u.command(NORTE, ANA, "/review close Ir con tiempo"))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    # the last digest: the one asked for (the weekly one may have fallen due before it)
    digest = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🗞")][-1]
    assert "🔁 Revisiones: 1 abierta, 1 cerrada. Aprendizajes: /lessons" in digest.text
