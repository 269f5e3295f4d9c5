"""/commit and the card: owners, due date, resources, and the buttons Done, Progress,
Blocked and Help — each checked on the server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.commitments.models import (
    Commitment,
    CommitmentCard,
    CommitmentEvent,
    CommitmentResource,
)
from bot.core.db import as_utc
from tests.commitments.helpers import (
    commit,
    data,
    events,
    owners,
    press,
    the_commitment,
)
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import bad_request, forbidden
from tests.updates import TChat, TUser
from tests.votes.helpers import yesterday_typed

EXAMPLE = (
    "/commit Repartir volantes en el barrio @ana_barrio @luis_o by viernes "
    "needs material: 500 volantes"
)


def next_friday_end(bot: Bot) -> datetime:
    """The coming Friday 23:59 in Bogotá (today counts if it is Friday)."""
    local = bot.now().astimezone(ZoneInfo("America/Bogota"))
    days = (4 - local.weekday()) % 7
    friday = (local + timedelta(days=days)).replace(hour=23, minute=59, second=0, microsecond=0)
    return friday.astimezone(UTC)


async def count(bot: Bot) -> int:
    return await bot.scalar(select(func.count()).select_from(Commitment))


async def test_a_member_commits_with_owners_a_date_and_resources(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, EXAMPLE)

    found = await the_commitment(bot)
    assert (found.number, found.text, found.status, found.progress) == (
        1,
        "Repartir volantes en el barrio",
        "open",
        0,
    )
    assert as_utc(found.due_at) == next_friday_end(bot)
    assert found.created_by == LUIS.id
    [resource] = await bot.scalars(select(CommitmentResource))
    assert (resource.type, resource.description, resource.quantity) == ("material", "volantes", 500)
    # a member assigned Ana: she is asked; Luis owns it at once
    assert await owners(bot) == {ANA.id: False, LUIS.id: True}

    lines = card.text.splitlines()
    assert lines[0] == "📌 #1 Repartir volantes en el barrio"
    assert lines[1] == "👥 Ana ⏳, Luis"
    assert lines[2] == "⏳ Esperando que Ana acepte."
    assert lines[3].startswith("📅 Vence vie, ") and ", 23:59 (" in lines[3]
    assert lines[4] == "🧰 Necesita materiales: 500 volantes"
    assert lines[5] == "🟢 En curso · 0%"
    assert [label for row in card.buttons for label, _ in row] == [
        "✅ Hecho",
        "📈 Avance",
        "⛔ Trabado",
        "🙋 Ayuda",
        "👍 Acepto",
        "🙅 No puedo",
    ]
    assert card.reply_to is not None  # it answers the command

    # only Ana can accept; João is told it is not for him
    assert (
        await press(bot, JOAO, card, "cmt:ok")
        == "Esto es para las personas a quienes se les ofreció."
    )
    assert await press(bot, ANA, card, "cmt:ok") == "¡Gracias! Ahora es tuyo."
    assert await owners(bot) == {ANA.id: True, LUIS.id: True}
    card = bot.tg.last(NORTE.id)
    assert card.text.splitlines()[1] == "👥 Ana, Luis"
    assert "cmt:ok:" not in " ".join(card.button_data)
    assert await press(bot, ANA, card, "cmt:done") == "¡Hecho! Gracias. 🎉"
    assert [e[0] for e in await events(bot)] == ["created", "accepted", "status"]


async def test_without_owner_the_sender_owns_it_and_a_reply_gives_context(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    said = bot.u.message_json(NORTE, JOAO, "¿Quién puede conseguir las sillas para el jueves?")
    card = await commit(bot, LUIS, "/commit Conseguir 20 sillas", reply_to=said)
    found = await the_commitment(bot)
    assert await owners(bot) == {LUIS.id: True}
    assert found.due_at is None
    assert found.context_message_id == said["message_id"]
    assert found.context_text == "¿Quién puede conseguir las sillas para el jueves?"
    assert card.text.splitlines()[-1] == "💬 ¿Quién puede conseguir las sillas para el jueves?"
    assert "cmt:ok:" not in " ".join(card.button_data)


async def test_a_coordinator_assigns_without_asking(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, ANA, "/commit Pedir el salón comunal @luis_o @joao_sp by 3d")
    assert await owners(bot) == {LUIS.id: True, JOAO.id: True}
    assert "⏳" not in card.text
    assert "cmt:ok:" not in " ".join(card.button_data)


async def test_only_a_commit_naming_someone_asks_who_coordinates(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    asked = len(bot.tg.calls_of("getChatAdministrators"))
    await commit(bot, ANA, "/commit Barrer la vereda")  # her own: her role changes nothing
    assert await owners(bot) == {ANA.id: True}
    assert len(bot.tg.calls_of("getChatAdministrators")) == asked
    # naming someone: Ana coordinates (she created the group), so Luis owns it at once
    await commit(bot, ANA, "/commit Pintar el mural @luis_o")
    assert await owners(bot, 2) == {LUIS.id: True}
    assert len(bot.tg.calls_of("getChatAdministrators")) == asked + 1


async def test_an_unknown_username_gets_how_to_mention_them(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    await commit(bot, ANA, "/commit Traer el parlante @rosa_h")
    assert bot.tg.last(NORTE.id).text.startswith(
        "Todavía no conozco a @rosa_h: no escribió en este grupo desde que llegué. Responde a uno "
        "de sus mensajes con el mismo comando"
    )
    assert await count(bot) == 0

    # the same command as a reply to Rosa's message: now she is known
    said = bot.u.message_json(NORTE, rosa, "yo tengo un parlante")
    await commit(bot, ANA, "/commit Traer el parlante @rosa_h", reply_to=said)
    assert await owners(bot) == {rosa.id: True}

    # Mary has no username: a text mention names her
    await commit(bot, ANA, "/commit Hacer el acta Mary", mentions={"Mary": MARY})
    assert await owners(bot, 2) == {MARY.id: True}


async def test_bad_input_gets_an_example_and_stores_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    replies = {
        "/commit": "Escribe qué vas a hacer después del comando, por ejemplo: /commit Repartir",
        "/commit @luis_o": "Escribe qué vas a hacer después del comando",
        "/commit Pintar el mural by 32/13": (
            "No entendí la fecha “32/13”. Escríbela así: para el viernes 18:00"
        ),
        "/commit Pintar el mural by 01/01/2020": (
            "Esa fecha ya pasó. Escribe una que todavía no haya pasado, por ejemplo: "
            "para el viernes 18:00"
        ),
        "/commit Pintar el mural needs": "Escribe qué hace falta después de “necesita”",
    }
    typed, with_year = yesterday_typed(bot)  # without its year: more than 11 months ahead
    replies[f"/commit Pintar el mural para {typed}"] = (
        f"“{typed}” queda a más de 11 meses. Si es esa la fecha, escribe también el año, así: "
        f"{with_year}"
    )
    for command, reply in replies.items():
        await commit(bot, LUIS, command)
        assert bot.tg.last(NORTE.id).text.startswith(reply), command
    assert await count(bot) == 0
    # in private, /commit says where it works
    await bot.feed(bot.u.command(TChat(LUIS.id, "private", None), LUIS, "/commit Pintar"))
    assert bot.tg.last(LUIS.id).text.startswith("Ese comando funciona en un grupo.")


async def test_para_without_a_moment_is_a_word_of_the_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    await commit(bot, LUIS, "/commit Comprar sillas para 20 personas")
    found = await the_commitment(bot)
    assert (found.text, found.due_at) == ("Comprar sillas para 20 personas", None)
    await commit(bot, LUIS, "/commit Comprar sillas para 20 personas para el viernes")
    second = await the_commitment(bot, 2)
    assert second.text == "Comprar sillas para 20 personas"
    assert as_utc(second.due_at) == next_friday_end(bot)


async def test_a_duplicate_update_makes_one_commitment_and_numbers_are_per_group(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    update = bot.u.command(NORTE, LUIS, "/commit Pintar el mural")
    await bot.feed(update, update)
    assert await count(bot) == 1
    sur = bot.group(TChat(-1001000000002, "supergroup", "Barrio Sur"))
    await bot.feed(bot.u.my_chat_member(sur, ANA, "left", "member"))
    await bot.feed(bot.u.command(sur, LUIS, "/commit Limpiar la cancha"))
    await commit(bot, LUIS, "/commit Llamar a la alcaldía")
    numbers = await bot.scalars(select(Commitment.number).order_by(Commitment.id))
    assert numbers == [1, 1, 2]
    assert bot.tg.last(sur.id).text.startswith("📌 #1 Limpiar la cancha")


async def test_two_commitments_at_once_get_two_numbers(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await asyncio.gather(
        bot.feed(bot.u.command(NORTE, LUIS, "/commit Uno")),
        bot.feed(bot.u.command(NORTE, JOAO, "/commit Dos")),
    )
    assert sorted(await bot.scalars(select(Commitment.number))) == [1, 2]


async def test_done_twice_and_two_clicks_at_once_change_it_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pintar el mural")
    message = bot.tg.message_json(NORTE.id, card.message_id)
    done = data(card, "cmt:done")
    await asyncio.gather(
        bot.feed(bot.u.callback(LUIS, message, done)),
        bot.feed(bot.u.callback(LUIS, message, done)),
    )
    await bot.feed(bot.u.callback(LUIS, message, done))  # a third time, from the old card
    found = await the_commitment(bot)
    assert (found.status, found.progress) == ("done", 100)
    assert found.done_at is not None
    assert sorted(bot.tg.toasts()) == sorted(
        ["¡Hecho! Gracias. 🎉", "Ya estaba cerrado.", "Ya estaba cerrado."]
    )
    assert [e[0] for e in await events(bot)] == ["created", "status"]
    card = bot.tg.last(NORTE.id)
    assert card.text.splitlines()[-1] == "✅ Hecho"
    assert card.buttons == []


async def test_progress_is_chosen_with_buttons_and_the_card_is_edited(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pintar el mural")
    sent = len(bot.tg.sent(NORTE.id))
    assert await press(bot, LUIS, card, "cmt:prog") == "¿Cuánto avanzó?"
    card = bot.tg.last(NORTE.id)
    assert [label for row in card.buttons for label, _ in row] == ["25%", "50%", "75%", "↩️ Volver"]
    assert await press(bot, LUIS, card, "cmt:pct", ":25") == "Avance: 25%"
    card = bot.tg.last(NORTE.id)
    assert "🟢 En curso · 25%" in card.text
    await press(bot, LUIS, card, "cmt:prog")
    await press(bot, LUIS, bot.tg.last(NORTE.id), "cmt:pct", ":75")
    assert bot.tg.toasts()[-1] == "Avance: 75%"
    assert "🟢 En curso · 75%" in bot.tg.last(NORTE.id).text
    assert len(bot.tg.sent(NORTE.id)) == sent  # all edits, no new message
    assert (await the_commitment(bot)).progress == 75
    assert [e[2:] for e in await events(bot) if e[0] == "progress"] == [("0", "25"), ("25", "75")]
    # a forged percentage is refused
    await bot.feed(
        bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, card.message_id), "cmt:pct:1:90")
    )
    assert bot.tg.toasts()[-1] == "Elige 25, 50 o 75 por ciento."


async def test_blocked_asks_for_a_reason_given_as_a_reply_to_the_card(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pedir permiso a la alcaldía")
    toast = await press(bot, LUIS, card, "cmt:block")
    assert toast == "Marcado como trabado. Responde a la tarjeta con el motivo."
    card = bot.tg.last(NORTE.id)
    assert "⛔ Trabado" in card.text
    assert card.text.endswith("¿Qué lo traba? Responde a este mensaje con el motivo.")
    as_json = bot.tg.message_json(NORTE.id, card.message_id)
    # someone else's reply is just conversation
    await bot.feed(bot.u.message(NORTE, JOAO, "yo conozco a alguien ahí", reply_to=as_json))
    assert (await the_commitment(bot)).blocked_reason is None
    await bot.feed(
        bot.u.message(NORTE, LUIS, "La alcaldía no atiende hasta enero", reply_to=as_json)
    )
    found = await the_commitment(bot)
    assert found.blocked_reason == "La alcaldía no atiende hasta enero"
    card = bot.tg.last(NORTE.id)
    assert "Motivo: La alcaldía no atiende hasta enero" in card.text
    assert ("reason", LUIS.id, None, "La alcaldía no atiende hasta enero") in await events(bot)
    # resume, and a reply after that is not a reason any more
    assert await press(bot, LUIS, card, "cmt:go") == "De nuevo en marcha."
    await bot.feed(bot.u.message(NORTE, LUIS, "ya está", reply_to=as_json))
    found = await the_commitment(bot)
    assert (found.status, found.blocked_reason) == ("open", None)


async def test_help_asks_the_group_once_a_day(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(
        bot,
        LUIS,
        "/commit Olla común del sábado needs material: 10 kg de arroz; human: 3 voluntarios",
    )
    assert await press(bot, LUIS, card, "cmt:help") == "Le pedí ayuda al grupo."
    request = bot.tg.last(NORTE.id)
    assert request.text == (
        "🙋 Luis pide una mano con #1 “Olla común del sábado”. Hace falta: materiales: 10 kg de "
        "arroz · humanos: 3 voluntarios. ¿Puedes ayudar? Responde aquí."
    )
    sent = len(bot.tg.sent(NORTE.id))
    assert await press(bot, LUIS, card, "cmt:help") == (
        "Ya se le pidió ayuda al grupo hoy. Prueba de nuevo mañana."
    )
    assert len(bot.tg.sent(NORTE.id)) == sent
    bot.clock.advance(days=1, minutes=1)  # a day later it may ask again
    assert await press(bot, LUIS, card, "cmt:help") == "Le pedí ayuda al grupo."
    assert (
        await bot.scalar(
            select(func.count()).select_from(CommitmentEvent).where(CommitmentEvent.field == "help")
        )
        == 2
    )


async def test_only_owners_and_coordinators_press_the_buttons(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pintar el mural")
    refusal = "Solo quienes son responsables de #1 o la coordinación pueden cambiarlo."
    for prefix in ("cmt:done", "cmt:prog", "cmt:block", "cmt:help"):
        assert await press(bot, JOAO, card, prefix) == refusal
    found = await the_commitment(bot)
    assert (found.status, found.progress, found.help_requested_at) == ("open", 0, None)
    # a pending owner has not accepted yet: not theirs to change either
    card2 = await commit(bot, LUIS, "/commit Barrer la vereda @joao_sp")
    assert (
        await press(bot, JOAO, card2, "cmt:done")
        == "Solo quienes son responsables de #2 o la coordinación pueden cambiarlo."
    )
    # Ana coordinates
    assert await press(bot, ANA, card, "cmt:done") == "¡Hecho! Gracias. 🎉"
    assert (await the_commitment(bot)).status == "done"


async def test_a_forged_or_foreign_button_gets_a_toast(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pintar el mural")
    message = bot.tg.message_json(NORTE.id, card.message_id)
    for forged in ("cmt:done:999", "cmt:done:abc", "cmt:pct:1"):
        await bot.feed(bot.u.callback(LUIS, message, forged))
        assert bot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."
    # the card's button pressed in another group does not reach this group's commitment
    sur = bot.group(TChat(-1001000000002, "supergroup", "Barrio Sur"))
    await bot.feed(bot.u.my_chat_member(sur, ANA, "left", "member"))
    elsewhere = message | {"chat": sur.json()}
    await bot.feed(bot.u.callback(ANA, elsewhere, data(card, "cmt:done")))
    assert bot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."
    assert (await the_commitment(bot)).status == "open"


async def test_the_card_in_portuguese(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, language="pt")
    card = await commit(bot, JOAO, "/commit Pintar o mural até sexta 18h precisa humano: 2 pessoas")
    lines = card.text.splitlines()
    assert lines[0] == "📌 #1 Pintar o mural"
    assert lines[2].startswith("📅 Vence sex., ") and " 18:00 (em " in lines[2]
    assert lines[3] == "🧰 Precisa de humanos: 2 pessoas"
    assert lines[4] == "🟢 Em andamento · 0%"
    assert [label for row in card.buttons for label, _ in row][:2] == ["✅ Feito", "📈 Progresso"]


async def test_telegram_errors_lose_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    card = await commit(bot, LUIS, "/commit Pedir permiso a la alcaldía")
    await press(bot, LUIS, card, "cmt:block")
    as_json = bot.tg.message_json(NORTE.id, card.message_id)
    # the card was deleted meanwhile: the reason is kept all the same
    bot.tg.fail_next("editMessageText", bad_request("message to edit not found"))
    await bot.feed(bot.u.message(NORTE, LUIS, "No atienden hasta enero", reply_to=as_json))
    assert (await the_commitment(bot)).blocked_reason == "No atienden hasta enero"
    # the bot was removed before the card of a new commitment went out: it is stored
    bot.tg.fail_next("sendMessage", forbidden())
    await commit(bot, LUIS, "/commit Llamar a la radio")
    assert (await the_commitment(bot, 2)).text == "Llamar a la radio"
    assert (
        await bot.scalar(
            select(CommitmentCard.id).where(
                CommitmentCard.commitment_id == (await the_commitment(bot, 2)).id
            )
        )
        is None
    )


async def test_an_anonymous_admin_assigns_but_owns_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.anonymous_admin_command(NORTE, "/commit Pintar el mural"))
    assert bot.tg.last(NORTE.id).text == (
        "Indica quién lo hará, por ejemplo: /commit Pintar el mural @ana para el sábado"
    )
    await bot.feed(bot.u.anonymous_admin_command(NORTE, "/commit Pintar el mural @luis_o"))
    assert await owners(bot) == {LUIS.id: True}
    assert (await the_commitment(bot)).created_by is None


@pytest.mark.parametrize("language", ["es", "pt", "en"])
async def test_the_examples_the_bot_gives_work_as_typed(bot: Bot, language: str) -> None:
    """What a refusal suggests, typed back as it is, does what it says — in each language."""
    from bot.core.i18n import N_, translator

    await seed_group(bot, LUIS, JOAO, language=language)
    tr = translator(language)
    typed = tr.gettext(N_("/commit Pintar el mural @ana by sábado"))
    await bot.feed(bot.u.command(NORTE, ANA, typed))
    first = await the_commitment(bot)
    assert first is not None and first.due_at is not None, typed
    assert as_utc(first.due_at).astimezone(ZoneInfo("America/Bogota")).weekday() == 5  # Saturday
    for example in (
        N_("/commit Pintar el mural by sábado"),
        N_("/commit Llevar sillas a la reunión by viernes"),
    ):
        before = await count(bot)
        await bot.feed(bot.u.command(NORTE, LUIS, tr.gettext(example)))
        assert await count(bot) == before + 1, tr.gettext(example)
        made = await the_commitment(bot, before + 1)
        assert made.due_at is not None, tr.gettext(example)
    owner = tr.gettext(N_("/commitment {number} owner @ana"), number=1)
    await bot.feed(bot.u.command(NORTE, ANA, owner.replace("@ana", "@luis_o")))
    assert await owners(bot) == {LUIS.id: True}, owner
    drop = tr.gettext(N_("/commitment {number} drop ya no hace falta"), number=1)
    await bot.feed(bot.u.command(NORTE, ANA, drop))
    assert (await the_commitment(bot)).status == "dropped", drop
