"""A commitment a member assigns to someone else waits for their "Acepto": until then it is
nobody's — never their lateness anywhere — they can say "No puedo" (with a reason passed on to
whoever assigned it), they are asked once in private, and once the due date passes with nobody
having accepted it, whoever assigned it and the coordinators are told once (issue 17)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.commitments import creating
from bot.commitments.grammar import OwnerSpec
from bot.commitments.models import Commitment, OwnerAsk, Reminder
from bot.core.db import as_utc
from bot.groups.models import Group, Person
from bot.reviews.models import ReviewSubject
from tests.commitments.helpers import commit, data, events, owners, press, the_commitment
from tests.conftest import ANA, JOAO, LUIS, NORTE, Bot, next_local, seed_group, start_bot
from tests.telegram_double import Sent
from tests.updates import TUser, private_chat

RAUL = TUser(105, "Raúl", "raul_g", "es", last_name="Gómez")
STALE = "Este botón ya no funciona. Envía el comando de nuevo."
NOT_FOR_YOU = "Esto es para las personas a quienes se les ofreció."


async def offered(
    bot: Bot, due: datetime | None, asked: tuple[TUser, ...] = (RAUL,), by: TUser = LUIS
) -> Commitment:
    """`by`, a plain member, asked `asked` to take on "Pedir luminarias", now."""
    async with bot.db() as session:
        gid = await session.scalar(select(Group.id).where(Group.chat_id == NORTE.id))
        return await creating.create_commitment(
            session,
            gid,
            "Pedir luminarias",
            [OwnerSpec(p.id, accepted=False) for p in asked],
            due,
            [],
            by.id,
            now=bot.now(),
        )


async def card_of(bot: Bot, user: TUser = LUIS) -> Sent:
    await bot.feed(bot.u.command(NORTE, user, "/commitment 1"))
    return bot.tg.last(NORTE.id)


async def start_privately(bot: Bot, user: TUser) -> None:
    await bot.feed(bot.u.command(private_chat(user), user, "/start"))


async def press_in_private(bot: Bot, user: TUser, message: Sent, prefix: str) -> str | None:
    as_json = bot.tg.message_json(user.id, message.message_id)
    await bot.feed(bot.u.callback(user, as_json, data(message, prefix)))
    return bot.tg.toasts()[-1]


async def digest_now(bot: Bot) -> str:
    """The digest's text (a chart may follow it)."""
    before = len(bot.tg.sent(NORTE.id))
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))
    return bot.tg.sent(NORTE.id)[before].text


def texts(bot: Bot, chat_id: int, start: int = 0) -> list[str]:
    return [m.text for m in bot.tg.sent(chat_id)[start:]]


# -- the reproduction: Raúl is never shown late ---------------------------------------------


async def test_an_assignment_nobody_accepted_is_never_anyones_lateness(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    card = await commit(bot, LUIS, "/commit Pedir luminarias @raul_g by viernes")
    assert await owners(bot) == {RAUL.id: False}
    assert "⏳ Esperando que Raúl Gómez acepte." in card.text.splitlines()
    due = as_utc((await the_commitment(bot)).due_at)
    assert due is not None
    await bot.tick(due + timedelta(days=11))  # reviews are looked for, reminders go out

    # no automatic review opens on it as Raúl's failure
    assert await bot.scalar(select(func.count()).select_from(ReviewSubject)) == 0
    # the card
    lines = (await card_of(bot)).text.splitlines()
    assert "⏳ Esperando que Raúl Gómez acepte." in lines
    [due_line] = [line for line in lines if line.startswith("📅 Vence")]
    assert due_line.endswith(" · ⌛ nadie lo aceptó")
    # the board: waiting, not overdue
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitments"))
    board = bot.tg.last(NORTE.id).text
    assert "Vencidos" not in board
    assert (
        "⏳ Esperando que alguien acepte\n• #1 Pedir luminarias · ⏳ esperando que Raúl " in board
    )
    # /mine: waiting for him, not overdue on him
    await bot.feed(bot.u.command(NORTE, RAUL, "/mine"))
    mine = bot.tg.last(NORTE.id).text.splitlines()
    assert mine[1].startswith("⏳ #1 Pedir luminarias · esperando que aceptes · ")
    # /status: not overdue, not counted in the completion
    await bot.feed(bot.u.command(NORTE, LUIS, "/status"))
    status = bot.tg.last(NORTE.id).text
    assert "⏰ Ningún compromiso vencido · " in status
    assert "⏳ 1 compromiso esperando que alguien lo acepte" in status
    assert "✅ Ningún compromiso vencía en los últimos 30 días." in status
    # the digest: "esperando que Raúl acepte", never "11 días de atraso"
    digest = await digest_now(bot)
    assert "atraso" not in digest and "⏰ Vencidos" not in digest
    assert (
        "⏳ Esperando que alguien acepte\n"
        "• #1 Pedir luminarias — ⏳ esperando que Raúl Gómez acepte · "
    ) in digest

    # once Raúl accepts it is his, and then it is overdue on him
    await press(bot, RAUL, await card_of(bot), "cmt:ok")
    await bot.feed(bot.u.command(NORTE, LUIS, "/status"))
    assert "⏰ 1 compromiso vencido · " in bot.tg.last(NORTE.id).text
    assert "⏰ Vencidos\n• #1 Pedir luminarias — Raúl Gómez · 11 días de atraso" in (
        await digest_now(bot)
    )


# -- "No puedo" ---------------------------------------------------------------------------


async def test_decline_on_the_card_then_the_reason_as_a_reply(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL, JOAO)
    card = await commit(bot, LUIS, "/commit Pedir luminarias @raul_g @joao_sp by viernes")
    assert [label for label, _ in card.buttons[-1]] == ["👍 Acepto", "🙅 No puedo"]
    decline = data(card, "cmt:no")
    before = len(bot.tg.sent(NORTE.id))

    # someone who was not asked gets a toast and changes nothing
    assert await press(bot, ANA, card, "cmt:no") == NOT_FOR_YOU
    assert await owners(bot) == {RAUL.id: False, JOAO.id: False}

    toast = await press(bot, RAUL, card, "cmt:no")
    assert toast == "Entendido. Si quieres, responde a la tarjeta con el motivo; se lo diré a Luis."
    assert bot.tg.calls_of("answerCallbackQuery")[-1].params.get("show_alert") is True
    assert await owners(bot) == {JOAO.id: False}
    assert ("declined", RAUL.id, None, None) in await events(bot)
    edited = bot.tg.message_json(NORTE.id, card.message_id)  # the same card, edited in place
    lines = edited["text"].splitlines()
    assert "⏳ Esperando que João acepte." in lines
    assert "🙅 Raúl Gómez no puede encargarse." in lines
    assert len(bot.tg.sent(NORTE.id)) == before  # no new message

    # pressing again, from the old card: not for him any more
    assert await press(bot, RAUL, card, "cmt:no") == NOT_FOR_YOU
    # João accepts; his "No puedo" afterwards is told how to hand it over
    assert await press(bot, JOAO, card, "cmt:ok") == "¡Gracias! Ahora es tuyo."
    await bot.feed(bot.u.callback(JOAO, bot.tg.message_json(NORTE.id, card.message_id), decline))
    assert bot.tg.toasts()[-1] == (
        "Ya lo habías aceptado. Para pasárselo a otra persona: /commitment 1 responsable @…"
    )
    assert await owners(bot) == {JOAO.id: True}
    assert [e[0] for e in await events(bot)] == ["created", "declined", "accepted"]

    # the reason, as a reply to the card: shown on it, and Luis (no private chat) is told in
    # the group, once
    as_json = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.message(NORTE, ANA, "yo tampoco puedo", reply_to=as_json))  # chat
    await bot.feed(bot.u.message(NORTE, RAUL, "Estoy de viaje   hasta marzo", reply_to=as_json))
    await bot.feed(bot.u.message(NORTE, RAUL, "de verdad", reply_to=as_json))  # once only
    [told] = texts(bot, NORTE.id, before)
    assert told == (
        "Luis: 🙅 Raúl Gómez no puede encargarse de #1 “Pedir luminarias”: “Estoy de viaje "
        "hasta marzo”. Para dárselo a otra persona: /commitment 1 responsable @…"
    )
    assert f'<a href="tg://user?id={LUIS.id}">Luis</a>' in bot.tg.last(NORTE.id).html
    lines = bot.tg.message_json(NORTE.id, card.message_id)["text"].splitlines()
    assert "🙅 Raúl Gómez no puede encargarse: “Estoy de viaje hasta marzo”" in lines
    await bot.feed(bot.u.command(NORTE, LUIS, "/commitment 1"))
    assert "Raúl Gómez · no puede encargarse: “Estoy de viaje hasta marzo”" in (
        bot.tg.last(NORTE.id).text
    )


async def test_the_reason_goes_privately_to_an_assigner_with_a_private_chat(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    await start_privately(bot, LUIS)
    card = await commit(bot, LUIS, "/commit Pedir luminarias @raul_g")
    await press(bot, RAUL, card, "cmt:no")
    group_before, private_before = len(bot.tg.sent(NORTE.id)), len(bot.tg.sent(LUIS.id))
    as_json = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.message(NORTE, RAUL, "No tengo auto", reply_to=as_json))
    assert len(bot.tg.sent(NORTE.id)) == group_before
    [told] = texts(bot, LUIS.id, private_before)
    assert told == (
        "🏘 Vecinos del Barrio Norte\n🙅 Raúl Gómez no puede encargarse de #1 “Pedir "
        "luminarias”: “No tengo auto”. Para dárselo a otra persona: /commitment 1 responsable @…"
    )
    # nobody owns it now: the card says so, and has no answer buttons any more
    lines = bot.tg.message_json(NORTE.id, card.message_id)["text"].splitlines()
    assert lines[1] == "👥 Nadie lo tomó todavía."
    buttons = bot.tg.messages[(NORTE.id, card.message_id)].button_data
    assert buttons and not any(d.startswith(("cmt:ok:", "cmt:no:")) for d in buttons)


async def test_an_assigner_who_blocked_the_bot_is_told_in_the_group(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    await start_privately(bot, LUIS)
    bot.tg.remove_bot(LUIS.id)  # Telegram answers 403 in Luis's private chat
    card = await commit(bot, LUIS, "/commit Pedir luminarias @raul_g")
    await press(bot, RAUL, card, "cmt:no")
    before = len(bot.tg.sent(NORTE.id))
    as_json = bot.tg.message_json(NORTE.id, card.message_id)
    await bot.feed(bot.u.message(NORTE, RAUL, "No tengo auto", reply_to=as_json))
    [told] = texts(bot, NORTE.id, before)
    assert told.startswith("Luis: 🙅 Raúl Gómez no puede encargarse de #1")
    assert not await bot.scalar(select(Person.has_private_chat).where(Person.id == LUIS.id))


async def test_stale_forged_duplicate_and_simultaneous_declines(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    card = await commit(bot, LUIS, "/commit Pedir luminarias @raul_g")
    message = bot.tg.message_json(NORTE.id, card.message_id)
    # forged: a commitment that does not exist, or junk
    await bot.feed(bot.u.callback(RAUL, message, "cmt:no:99999"))
    assert bot.tg.toasts()[-1] == STALE
    await bot.feed(bot.u.callback(RAUL, message, "cmt:no:abc"))
    assert bot.tg.toasts()[-1] == STALE
    assert await owners(bot) == {RAUL.id: False}

    # two presses at once decline once; the same update delivered again changes nothing
    decline = data(card, "cmt:no")
    first = bot.u.callback(RAUL, message, decline)
    await asyncio.gather(bot.feed(first), bot.feed(bot.u.callback(RAUL, message, decline)))
    await bot.feed(first)
    assert [e[0] for e in await events(bot)] == ["created", "declined"]
    assert sorted(t or "" for t in bot.tg.toasts()[-2:]) == sorted(
        [
            NOT_FOR_YOU,
            "Entendido. Si quieres, responde a la tarjeta con el motivo; se lo diré a Luis.",
        ]
    )
    assert await owners(bot) == {}


# -- the one private question -------------------------------------------------------------


async def test_one_private_question_a_day_after_and_its_buttons(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    await start_privately(bot, RAUL)
    start = bot.now()
    await offered(bot, start + timedelta(days=10))
    card = await card_of(bot)
    private_before = len(bot.tg.sent(RAUL.id))

    await bot.tick(start + timedelta(hours=23, minutes=59))
    assert len(bot.tg.sent(RAUL.id)) == private_before
    await bot.tick(start + timedelta(hours=24))
    [asked] = bot.tg.sent(RAUL.id)[private_before:]
    assert asked.text.startswith(
        "🏘 Vecinos del Barrio Norte\n"
        "🙋 Luis te pidió que te encargues de #1 “Pedir luminarias”. ¿Puedes? Vence "
    )
    assert [label for label, _ in asked.buttons[0]] == ["👍 Acepto", "🙅 No puedo"]

    # once: later ticks, two at once, and a restarted bot send nothing more
    await bot.tick(start + timedelta(hours=25))
    await asyncio.gather(
        bot.tick(start + timedelta(hours=26)), bot.tick(start + timedelta(hours=26))
    )
    again = await start_bot(bot.engine, str(bot.engine.url), bot.clock)
    try:
        await again.tick(start + timedelta(hours=27))
        assert again.tg.calls_of("sendMessage") == []
    finally:
        await again.app.shutdown()
    assert len(bot.tg.sent(RAUL.id)) == private_before + 1
    [row] = await bot.scalars(select(OwnerAsk))
    assert (row.person_id, row.channel, row.message_id) == (RAUL.id, "private", asked.message_id)

    # "No puedo" in private: the question says so, the group's card too
    assert await press_in_private(bot, RAUL, asked, "cmt:no") == "Entendido."
    asked = bot.tg.sent(RAUL.id)[private_before]
    assert asked.text == (
        "🏘 Vecinos del Barrio Norte\n🙅 Entendido: no te encargarás de #1 “Pedir luminarias”. "
        "Si quieres, responde a este mensaje con el motivo y se lo paso a Luis."
    )
    assert asked.buttons == []
    lines = bot.tg.message_json(NORTE.id, card.message_id)["text"].splitlines()
    assert "🙅 Raúl Gómez no puede encargarse." in lines
    # the reason, as a reply in private: Luis (no private chat) is told in the group
    group_before = len(bot.tg.sent(NORTE.id))
    as_json = bot.tg.message_json(RAUL.id, asked.message_id)
    await bot.feed(bot.u.message(private_chat(RAUL), RAUL, "Me operan", reply_to=as_json))
    assert bot.tg.last(RAUL.id).text == "Gracias. Ya se lo pasé."
    [told] = texts(bot, NORTE.id, group_before)
    assert told.startswith("Luis: 🙅 Raúl Gómez no puede encargarse de #1 “Pedir luminarias”")
    assert "“Me operan”" in told
    lines = bot.tg.message_json(NORTE.id, card.message_id)["text"].splitlines()
    assert "🙅 Raúl Gómez no puede encargarse: “Me operan”" in lines


async def test_accepting_in_private_edits_the_question_and_the_card(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL, JOAO)
    await start_privately(bot, RAUL)
    start = bot.now()
    await offered(bot, start + timedelta(days=10))
    card = await card_of(bot)
    before = len(bot.tg.sent(RAUL.id))
    await bot.tick(start + timedelta(days=1))
    asked = bot.tg.sent(RAUL.id)[before]
    accept = data(asked, "cmt:ok")
    # João, who was not asked, cannot answer Raúl's question (even forwarded to him)
    await bot.feed(
        bot.u.callback(JOAO, bot.tg.message_json(RAUL.id, asked.message_id), data(asked, "cmt:ok"))
    )
    assert bot.tg.toasts()[-1] == "Isto é para as pessoas a quem foi oferecido."  # his language
    assert await press_in_private(bot, RAUL, asked, "cmt:ok") == "¡Gracias! Ahora es tuyo."
    assert bot.tg.sent(RAUL.id)[before].text == (
        "🏘 Vecinos del Barrio Norte\n✅ ¡Gracias! #1 “Pedir luminarias” ahora es tuyo."
    )
    assert await owners(bot) == {RAUL.id: True}
    edited = bot.tg.message_json(NORTE.id, card.message_id)
    assert edited["text"].splitlines()[1] == "👥 Raúl Gómez"
    again = bot.u.callback(RAUL, bot.tg.message_json(RAUL.id, asked.message_id), accept)
    await bot.feed(again)  # the old question's button, pressed again
    assert bot.tg.toasts()[-1] == "Ya lo habías aceptado."


async def test_forbidden_in_private_asks_once_in_the_group_half_way_to_a_near_date(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS, RAUL)
    await start_privately(bot, RAUL)
    bot.tg.remove_bot(RAUL.id)  # Raúl blocked the bot: Telegram answers 403
    start = bot.now()
    await offered(bot, start + timedelta(hours=10))  # half-way (5 h) is sooner than a day
    before = len(bot.tg.sent(NORTE.id))
    await bot.tick(start + timedelta(hours=4, minutes=59))
    assert len(bot.tg.sent(NORTE.id)) == before
    await bot.tick(start + timedelta(hours=5))
    [asked] = bot.tg.sent(NORTE.id)[before:]
    assert asked.text.startswith(
        "Raúl Gómez: 🙋 Luis te pidió que te encargues de #1 “Pedir luminarias”. ¿Puedes? Vence "
    )
    assert f'<a href="tg://user?id={RAUL.id}">Raúl Gómez</a>' in asked.html
    assert [label for label, _ in asked.buttons[0]] == ["👍 Acepto", "🙅 No puedo"]
    assert not await bot.scalar(select(Person.has_private_chat).where(Person.id == RAUL.id))
    [row] = await bot.scalars(select(OwnerAsk))
    assert row.channel == "group"
    await bot.tick(start + timedelta(hours=6))
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    # its buttons work like the card's: "No puedo" there, then the reason as a reply to it
    await press(bot, RAUL, asked, "cmt:no")
    assert await owners(bot) == {}
    as_json = bot.tg.message_json(NORTE.id, asked.message_id)
    await bot.feed(bot.u.message(NORTE, RAUL, "Justo ese día trabajo", reply_to=as_json))
    assert bot.tg.last(NORTE.id).text.startswith("Luis: 🙅 Raúl Gómez no puede encargarse de #1")


async def test_quiet_hours_hold_the_question_until_morning(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL)
    await start_privately(bot, RAUL)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    bot.clock.set(next_local(bot.now(), "America/Bogota", 23, 0))  # assigned at 23:00
    start = bot.now()
    await offered(bot, start + timedelta(days=10))
    before = len(bot.tg.sent(RAUL.id))
    await bot.tick(start + timedelta(days=1))  # 23:00 the next day: quiet
    morning = next_local(start + timedelta(days=1), "America/Bogota", 8, 0)
    await bot.tick(morning - timedelta(minutes=1))
    assert len(bot.tg.sent(RAUL.id)) == before
    await bot.tick(morning)
    [asked] = texts(bot, RAUL.id, before)
    assert "🙋 Luis te pidió que te encargues de #1" in asked


async def test_nobody_is_asked_once_they_answered_or_the_date_passed(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL, JOAO)
    start = bot.now()
    await offered(bot, start + timedelta(days=10), asked=(RAUL, JOAO))
    card = await card_of(bot)
    await press(bot, RAUL, card, "cmt:ok")
    before = len(bot.tg.sent(NORTE.id))
    await bot.tick(start + timedelta(days=1))
    [asked] = texts(bot, NORTE.id, before)  # only João, who has not answered
    assert asked.startswith("João: 🙋 Luis te pidió que te encargues de #1")
    assert await bot.scalar(select(func.count()).select_from(OwnerAsk)) == 1


# -- past the due date, nobody accepted it ----------------------------------------------------


async def test_the_assigner_and_the_coordinators_are_told_once_when_the_date_passes(
    bot: Bot,
) -> None:
    await seed_group(bot, LUIS, RAUL, JOAO)
    await bot.feed(bot.u.command(NORTE, ANA, "/digest off"))  # Ana coordinates (an admin)
    start = bot.now()
    due = start + timedelta(days=3)
    await offered(bot, due)
    await bot.tick(start + timedelta(days=1))  # the question, in the group (no private chat)
    before = len(bot.tg.sent(NORTE.id))

    await bot.tick(due - timedelta(minutes=1))
    assert len(bot.tg.sent(NORTE.id)) == before
    await bot.tick(due)
    [notice] = texts(bot, NORTE.id, before)
    lines = notice.splitlines()
    assert lines[0].startswith("⌛ #1 “Pedir luminarias” vencía ")
    assert lines[0].endswith(" y nadie lo aceptó.")
    assert lines[1] == "⏳ esperando que Raúl Gómez acepte"
    assert lines[2] == (
        "Luis, Ana: Pueden dárselo a alguien: /commitment 1 responsable @…, ponerle otra fecha: "
        "/commitment 1 fecha … o cancelarlo: /commitment 1 cancelar …"
    )
    html = bot.tg.last(NORTE.id).html
    assert f'<a href="tg://user?id={LUIS.id}">Luis</a>' in html
    assert f'<a href="tg://user?id={ANA.id}">Ana</a>' in html

    # once: later ticks, two at once, a restarted bot
    await bot.tick(due + timedelta(hours=1))
    await asyncio.gather(bot.tick(due + timedelta(hours=2)), bot.tick(due + timedelta(hours=2)))
    again = await start_bot(bot.engine, str(bot.engine.url), bot.clock)
    try:
        await again.tick(due + timedelta(hours=3))
        assert again.tg.calls_of("sendMessage") == []
    finally:
        await again.app.shutdown()
    assert len(bot.tg.sent(NORTE.id)) == before + 1
    kinds = await bot.scalars(select(Reminder.kind).order_by(Reminder.id))
    assert kinds.count("unaccepted") == 1


async def test_no_notice_once_someone_accepted(bot: Bot) -> None:
    await seed_group(bot, LUIS, RAUL, JOAO)
    start = bot.now()
    due = start + timedelta(hours=30)
    await offered(bot, due, asked=(RAUL, JOAO))
    await press(bot, JOAO, await card_of(bot), "cmt:ok")
    before = len(bot.tg.sent(NORTE.id))
    await bot.tick(due + timedelta(minutes=1))
    assert not any("nadie lo aceptó" in t for t in texts(bot, NORTE.id, before))
    assert (
        await bot.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.kind == "unaccepted")
        )
        == 0
    )
