"""Backers kept informed (issue 23): when a commitment a passed proposal became is done,
dropped, re-planned or overdue, those who agreed are told in one reply under the result —
edited in place for the rest of the day, a new reply the next day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.commitments.models import Commitment
from bot.votes.models import BackersLine, BackersNote, Decision
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, seed_group
from tests.telegram_double import Sent, bad_request, forbidden, retry_after, server_error
from tests.votes.test_to_commitment import passed, turn_into

UPDATE = "Novedades sobre “Pintar el mural”"


async def committed(bot: Bot) -> tuple[Sent, Sent]:
    """A proposal Ana and Luis agreed to passes and Luis turns it into a commitment: the
    result and the commitment's card."""
    await seed_group(bot, LUIS, JOAO)
    result = await passed(bot)
    await bot.feed(turn_into(bot, LUIS, result))
    return result, bot.tg.last(NORTE.id)


def done_press(bot: Bot, user, card: Sent, update_id: int | None = None) -> dict:
    data = next(d for row in card.buttons for t, d in row if "Hecho" in t)
    update = bot.u.callback(user, bot.tg.message_json(NORTE.id, card.message_id), data)
    if update_id is not None:
        update["update_id"] = update_id
    return update


def notes(bot: Bot) -> list[Sent]:
    return [m for m in bot.tg.sent(NORTE.id) if "Novedades sobre" in m.text]


async def test_the_backers_get_one_reply_under_the_result_edited_the_same_day(bot: Bot) -> None:
    result, card = await committed(bot)
    decision = await bot.scalar(select(Decision))
    assert decision.message_id == result.message_id  # the result is recorded

    press = done_press(bot, LUIS, card)
    await bot.feed(press)
    await bot.feed(press)  # the same update again: nothing more
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert note.reply_to == result.message_id
    assert UPDATE in note.text and "#1 Pintar el mural: hecho por Luis" in note.text
    # the two who agreed are mentioned (few: they are notified)
    assert "Para quienes estuvieron de acuerdo: Ana, Luis" in note.text
    assert f"tg://user?id={ANA.id}" in note.html and f"tg://user?id={LUIS.id}" in note.html
    assert await bot.scalar(select(func.count()).select_from(BackersNote)) == 1

    # a tick with nothing new sends nothing and edits nothing
    edits = len(bot.tg.calls_of("editMessageText"))
    await bot.tick(seconds=30)
    assert len(notes(bot)) == 1 and len(bot.tg.calls_of("editMessageText")) == edits


async def test_a_second_change_that_day_edits_and_the_next_day_is_a_new_reply(bot: Bot) -> None:
    result, card = await committed(bot)
    number = (await bot.scalar(select(Commitment))).number
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment {number} due viernes 18:00"))
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert "#1 Pintar el mural se reprogramó para" in note.text and "vie, 4 dic" in note.text

    edits = len(bot.tg.calls_of("editMessageText"))
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment {number} due sábado 10:00"))
    await bot.tick(seconds=1)
    [note] = notes(bot)  # the same message, edited: one line per commitment, its latest state
    assert len(bot.tg.calls_of("editMessageText")) == edits + 1
    assert "sáb, 5 dic" in note.text and "vie, 4 dic" not in note.text
    assert note.reply_to == result.message_id

    await bot.tick(hours=24)  # the next day, it is done: a new reply
    await bot.feed(done_press(bot, LUIS, card))
    await bot.tick(seconds=1)
    first, second = notes(bot)
    assert "sáb, 5 dic" in first.text  # yesterday's reply is left as it was
    assert "hecho por Luis" in second.text and "reprogramó" not in second.text
    assert second.reply_to == result.message_id
    assert await bot.scalar(select(func.count()).select_from(BackersNote)) == 2


async def test_overdue_from_the_scheduler_tick(bot: Bot) -> None:
    _, _card = await committed(bot)
    number = (await bot.scalar(select(Commitment))).number
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment {number} due mañana 18:00"))
    await bot.tick(seconds=1)
    assert "reprogramó" in notes(bot)[0].text
    await bot.tick(hours=40)  # past the due date: the overdue reminder, and the backers' line
    await bot.tick(seconds=1)
    assert len(notes(bot)) == 2  # another day: a new reply
    assert "está atrasado" in notes(bot)[-1].text
    line = await bot.scalar(select(BackersLine).order_by(BackersLine.id.desc()))
    assert line.change == "overdue"


async def test_the_result_message_gone_the_note_goes_without_reply(bot: Bot) -> None:
    _, card = await committed(bot)
    await bot.feed(done_press(bot, LUIS, card))
    bot.tg.fail_next("sendMessage", bad_request("message to be replied not found"))
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert note.reply_to is None
    assert (await bot.scalar(select(BackersNote))).due_at is None


async def test_flood_control_and_server_errors_wait_and_try_again(bot: Bot) -> None:
    _, card = await committed(bot)
    await bot.feed(done_press(bot, LUIS, card))
    bot.tg.fail_next("sendMessage", retry_after(30))
    await bot.tick(seconds=1)
    assert notes(bot) == []
    await bot.tick(seconds=10)  # before the wait is over: nothing
    assert notes(bot) == []
    bot.tg.fail_next("sendMessage", server_error())
    await bot.tick(seconds=30)
    assert notes(bot) == []
    await bot.tick(seconds=20)  # after the backoff
    assert len(notes(bot)) == 1


async def test_a_group_that_removed_the_bot_is_given_up(bot: Bot) -> None:
    _, card = await committed(bot)
    await bot.feed(done_press(bot, LUIS, card))
    bot.tg.fail_next("sendMessage", forbidden())
    await bot.tick(seconds=1)
    assert notes(bot) == []
    note = await bot.scalar(select(BackersNote))
    assert note.due_at is None and note.message_id is None


async def test_two_ticks_at_once_send_one_note(bot: Bot) -> None:
    import asyncio

    _, card = await committed(bot)
    await bot.feed(done_press(bot, LUIS, card))
    bot.clock.advance(timedelta(seconds=1))
    from bot.core.runtime import runtime_of
    from bot.votes import backers_delivery

    runtime = runtime_of(bot.app)
    now = bot.now()
    [note_id] = await bot.scalars(select(BackersNote.id))
    await asyncio.gather(
        backers_delivery.show(runtime, note_id, now), backers_delivery.show(runtime, note_id, now)
    )
    assert len(notes(bot)) == 1


async def test_a_commitment_of_no_decision_tells_nobody(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commit comprar pintura"))
    card = bot.tg.last(NORTE.id)
    await bot.feed(done_press(bot, LUIS, card))
    await bot.tick(seconds=1)
    assert notes(bot) == []
    assert await bot.scalar(select(func.count()).select_from(BackersNote)) == 0


async def test_quiet_hours_hold_the_note(bot: Bot) -> None:
    _, card = await committed(bot)
    local = bot.now().astimezone(ZoneInfo("America/Bogota"))
    hour = local.hour
    await bot.feed(bot.u.command(NORTE, ANA, f"/rules quiet {hour:02d}:00-{hour + 2:02d}:00"))
    await bot.feed(done_press(bot, LUIS, card))
    await bot.tick(seconds=1)
    assert notes(bot) == []
    await bot.tick(hours=1)
    assert notes(bot) == []
    await bot.tick(local.replace(hour=hour + 2, minute=0, second=1).astimezone(UTC))
    assert len(notes(bot)) == 1


async def test_a_deleted_note_is_posted_again_on_the_next_change(bot: Bot) -> None:
    _, card = await committed(bot)
    number = (await bot.scalar(select(Commitment))).number
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment {number} due viernes 18:00"))
    await bot.tick(seconds=1)
    await bot.feed(done_press(bot, LUIS, card))
    bot.tg.fail_next("editMessageText", bad_request("message to edit not found"))
    await bot.tick(seconds=1)
    _, second = notes(bot)
    assert "hecho por Luis" in second.text
    assert (await bot.scalar(select(BackersNote))).message_id == second.message_id


def test_many_backers_are_named_without_a_notification() -> None:
    from bot.core.i18n import translator
    from bot.core.moments import Local
    from bot.votes.backers_render import NoteLine, NoteView, Someone, note_text

    people = tuple(Someone(i, f"Persona{i}", None) for i in range(1, 13))
    view = NoteView(7, "Pintar <el> mural", (NoteLine(3, "Comprar", "dropped", None, ()),), people)
    text = note_text(
        translator("en"), view, Local("America/Bogota", datetime(2026, 12, 2, 15, tzinfo=UTC))
    )
    assert "Update on “Pintar &lt;el&gt; mural”</b> (decision #7)" in text
    assert "🗑 #3 Comprar was dropped" in text
    assert "tg://user" not in text  # twelve backers: named, not pinged
    assert "Persona10 and 2 more" in text and "Persona11" not in text
    few = NoteView(7, "Mural", (), people[:2])
    assert "tg://user?id=1" in note_text(
        translator("pt_BR"), few, Local("UTC", datetime(2026, 12, 2, 15, tzinfo=UTC))
    )


async def test_two_done_presses_at_once_make_one_line_and_one_note(bot: Bot) -> None:
    import asyncio

    _, card = await committed(bot)
    await asyncio.gather(
        bot.feed(done_press(bot, LUIS, card)), bot.feed(done_press(bot, ANA, card))
    )
    await bot.tick(seconds=1)
    assert len(notes(bot)) == 1
    assert await bot.scalar(select(func.count()).select_from(BackersLine)) == 1


async def test_flood_control_on_an_edit_waits_for_the_next_tick(bot: Bot) -> None:
    _, card = await committed(bot)
    number = (await bot.scalar(select(Commitment))).number
    await bot.feed(bot.u.command(NORTE, LUIS, f"/commitment {number} due viernes 18:00"))
    await bot.tick(seconds=1)
    await bot.feed(done_press(bot, LUIS, card))
    bot.tg.fail_next("editMessageText", retry_after(20))
    await bot.tick(seconds=1)
    [note] = notes(bot)
    assert "hecho" not in note.text
    await bot.tick(seconds=25)
    [note] = notes(bot)
    assert "hecho por Luis" in note.text


async def test_a_review_s_re_plan_stays_the_decision_s_and_its_backers_hear_of_it(
    bot: Bot,
) -> None:
    await committed(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1 due mañana 18:00"))
    await bot.tick(hours=24 * 10)  # ten days late: the overdue line, and a review opens
    await bot.tick(minutes=1)
    [review] = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🔁 Revisemos")]
    [[(_, data)]] = review.buttons
    await bot.feed(bot.u.callback(ANA, bot.tg.message_json(NORTE.id, review.message_id), data))
    prompt = bot.tg.last(NORTE.id)
    assert prompt.text.startswith("🔁 Replanificar #1")
    before = len(notes(bot))
    await bot.feed(
        bot.u.message(
            NORTE, ANA, "sábado 10:00", reply_to=bot.tg.message_json(NORTE.id, prompt.message_id)
        )
    )
    again = await bot.scalar(select(Commitment).where(Commitment.number == 2))
    original = await bot.scalar(select(Commitment).where(Commitment.number == 1))
    assert (again.source_kind, again.source_id) == (original.source_kind, original.source_id)
    await bot.tick(seconds=1)
    # the day's reply (it told the overdue) is edited: the new attempt is re-planned
    assert len(notes(bot)) == before
    assert "#2 Pintar el mural se reprogramó para" in notes(bot)[-1].text
    assert "#1 Pintar el mural está atrasado" in notes(bot)[-1].text
    # the decision's commitments (the Mini App's decision log, the digest) include the attempt
    from bot.votes.decisions import commitments_of_votes

    async with bot.db() as session:
        produced = await commitments_of_votes(session, [original.source_id])
    assert [c.number for c in produced[original.source_id]] == [1, 2]
