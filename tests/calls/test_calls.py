"""Volunteer calls (issue 23): `/call <what> | <how many> [| <date>]` (`/llamado`, `/chamado`),
"I'm in" / "I can't" counted against the target in the call's own message, and the volunteers
turned into one commitment owned by all of them, due at the call's date."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import publish_menus
from bot.calls.models import Call, CallAnswer
from bot.commitments.models import Commitment, CommitmentOwner
from bot.core.db import as_utc
from bot.groups.models import Group
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, seed_group
from tests.telegram_double import Sent, retry_after
from tests.updates import TUser


async def open_call(bot: Bot, text: str, by: TUser = ANA) -> Sent:
    await bot.feed(bot.u.command(NORTE, by, text))
    call = await bot.scalar(select(Call).order_by(Call.id.desc()).limit(1))
    assert call is not None, bot.tg.last(NORTE.id).text
    assert call.message_id is not None
    return bot.tg.messages[(NORTE.id, call.message_id)]


def press(bot: Bot, user: TUser, message: Sent, label: str) -> dict:
    data = next(d for row in message.buttons for t, d in row if label in t)
    return bot.u.callback(user, bot.tg.message_json(NORTE.id, message.message_id), data)


def now_of(bot: Bot, message: Sent) -> Sent:
    return bot.tg.messages[(NORTE.id, message.message_id)]


async def answers(bot: Bot) -> dict[int, bool]:
    rows = await bot.scalars(select(CallAnswer))
    return {row.person_id: row.willing for row in rows}


async def test_a_call_counts_volunteers_until_covered_and_becomes_one_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    message = await open_call(
        bot, "/llamado Necesitamos 2 personas para repartir volantes | 2 | sábado 10:00", by=LUIS
    )
    assert "¿Quién se suma?" in message.text and "Luis" in message.text
    assert "Necesitamos 2 personas para repartir volantes" in message.text
    assert "🙋 0 de 2 personas necesarias" in message.text
    assert "sáb" in message.text.lower()  # the call's date
    assert [t for row in message.buttons for t, _ in row] == ["🙋 Me sumo", "🙅 No puedo"]

    await bot.feed(press(bot, JOAO, message, "Me sumo"))
    message = now_of(bot, message)
    assert "🙋 1 de 2 personas necesarias: João" in message.text
    assert bot.tg.toasts()[-1] == "¡Gracias por sumarte!"

    await bot.feed(press(bot, MARY, message, "No puedo"))
    message = now_of(bot, message)
    assert "🙅 No puede: Mary" in message.text

    await bot.feed(press(bot, ANA, message, "Me sumo"))
    message = now_of(bot, message)
    assert "✅ Cubierto: 2 de 2 personas necesarias: João, Ana" in message.text
    assert bot.tg.toasts()[-1] == "¡Gracias por sumarte! Contigo el llamado queda cubierto."
    assert message.buttons[-1][0][0] == "➕ Convertir en compromiso"
    assert await answers(bot) == {JOAO.id: True, MARY.id: False, ANA.id: True}

    # Luis made the call: he may turn it into one commitment owned by both volunteers
    await bot.feed(press(bot, LUIS, message, "Convertir"))
    [commitment] = await bot.scalars(select(Commitment))
    call = await bot.scalar(select(Call))
    assert (commitment.text, commitment.source_kind, commitment.source_id) == (
        "Necesitamos 2 personas para repartir volantes",
        "call",
        call.id,
    )
    assert as_utc(commitment.due_at) == as_utc(call.due_at)
    local = as_utc(call.due_at).astimezone(ZoneInfo("America/Bogota"))
    assert (local.weekday(), local.hour, local.minute) == (5, 10, 0)
    owners = await bot.scalars(select(CommitmentOwner).order_by(CommitmentOwner.person_id))
    assert {o.person_id for o in owners} == {JOAO.id, ANA.id}
    assert commitment.created_by == LUIS.id
    assert call.commitment_id == commitment.id and call.closed_at is not None
    message = now_of(bot, message)
    assert f"🔒 Ahora es el compromiso #{commitment.number}." in message.text
    assert message.buttons == []
    assert bot.tg.toasts()[-1] == f"Compromiso #{commitment.number} creado."
    card = bot.tg.last(NORTE.id)
    assert f"#{commitment.number}" in card.text and "João" in card.text

    # the closed call's old buttons: a short toast, nothing changes
    edits = message.edits
    await bot.feed(press(bot, MARY, message_before_close(message, call.id), "Me sumo"))
    assert "ya se cerró" in bot.tg.toasts()[-1] and f"#{commitment.number}" in bot.tg.toasts()[-1]
    await bot.feed(press(bot, ANA, message_before_close(message, call.id), "Convertir"))
    assert "ya se cerró" in bot.tg.toasts()[-1]
    assert len(await bot.scalars(select(Commitment))) == 1
    assert now_of(bot, message).edits == edits
    assert (await answers(bot))[MARY.id] is False


def message_before_close(message: Sent, call_id: int) -> Sent:
    """The call's message as a member's client still shows it (with the buttons)."""
    markup = {
        "inline_keyboard": [
            [
                {"text": "🙋 Me sumo", "callback_data": f"call:a:{call_id}:1"},
                {"text": "🙅 No puedo", "callback_data": f"call:a:{call_id}:0"},
            ],
            [{"text": "➕ Convertir en compromiso", "callback_data": f"call:k:{call_id}"}],
        ]
    }
    return Sent(message.chat_id, message.message_id, message.html, message.text, markup)


async def test_im_in_twice_and_the_same_update_again_change_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    message = await open_call(bot, "/call Pintar el mural | 3")
    press_in = press(bot, LUIS, message, "Me sumo")
    await bot.feed(press_in)
    edits = now_of(bot, message).edits
    await bot.feed(press_in)  # the same update delivered again
    await bot.feed(press(bot, LUIS, message, "Me sumo"))  # a second press
    assert bot.tg.toasts()[-1] == "Ya te habías sumado."
    assert now_of(bot, message).edits == edits
    assert len(await bot.scalars(select(CallAnswer))) == 1
    # changing one's mind is one answer, changed
    await bot.feed(press(bot, LUIS, message, "No puedo"))
    assert await answers(bot) == {LUIS.id: False}
    message = now_of(bot, message)
    assert "🙋 0 de 3 personas necesarias" in message.text and "No puede: Luis" in message.text


async def test_an_older_press_handled_late_does_not_overwrite_a_newer_one(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    message = await open_call(bot, "/call Pintar el mural | 3")
    older = press(bot, LUIS, message, "Me sumo")
    newer = press(bot, LUIS, message, "No puedo")
    await bot.feed(newer, older)
    assert await answers(bot) == {LUIS.id: False}


async def test_two_clicks_at_once_are_both_counted(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    message = await open_call(bot, "/call Pintar el mural | 2")
    await asyncio.gather(
        bot.feed(press(bot, LUIS, message, "Me sumo")),
        bot.feed(press(bot, JOAO, message, "Me sumo")),
    )
    assert await answers(bot) == {LUIS.id: True, JOAO.id: True}
    assert "✅ Cubierto: 2 de 2" in now_of(bot, message).text


async def test_two_presses_on_turn_into_commitment_make_one(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    message = await open_call(bot, "/call Pintar el mural | 1", by=LUIS)
    await bot.feed(press(bot, LUIS, message, "Me sumo"))
    message = now_of(bot, message)
    await asyncio.gather(
        bot.feed(press(bot, LUIS, message, "Convertir")),
        bot.feed(press(bot, ANA, message, "Convertir")),
    )
    assert len(await bot.scalars(select(Commitment))) == 1
    assert any("ya se cerró" in (t or "") for t in bot.tg.toasts())


async def test_only_coordinators_and_the_caller_turn_it_into_a_commitment(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    message = await open_call(bot, "/call Pintar el mural | 1", by=LUIS)
    await bot.feed(press(bot, JOAO, message, "Me sumo"))
    message = now_of(bot, message)
    await bot.feed(press(bot, JOAO, message, "Convertir"))
    assert "Solo la coordinación o quien hizo el llamado" in bot.tg.toasts()[-1]
    assert await bot.scalars(select(Commitment)) == []
    await bot.feed(press(bot, ANA, message, "Convertir"))  # Ana coordinates
    [commitment] = await bot.scalars(select(Commitment))
    assert commitment.created_by == ANA.id and commitment.due_at is None
    assert await bot.scalar(select(CommitmentOwner.person_id)) == JOAO.id


async def test_bad_calls_get_one_sentence_with_an_example(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    cases = [
        ("/call Pintar el mural | 0", "de 1 a 10 personas"),
        ("/call Pintar el mural | 10000", "de 1 a 10 personas"),
        ("/call Pintar el mural | 10.000", "de 1 a 10 personas"),
        ("/call Pintar el mural | tres", "de 1 a 10 personas"),
        ("/call Pintar el mural", "cuántas personas"),
        ("/call", "cuántas personas"),
        ("/call | 3", "cuántas personas"),
        ("/call Pintar el mural | 3 | ayer", "fecha"),
        ("/call Pintar " + "muy " * 200 + "| 3", "menos de 500 caracteres"),
    ]
    for text, expected in cases:
        await bot.feed(bot.u.command(NORTE, LUIS, text))
        said = bot.tg.last(NORTE.id).text
        assert expected in said, (text, said)
        assert "/llamado Repartir volantes en la feria | 3" in said or "fecha" in said, said
    assert await bot.scalars(select(Call)) == []


async def test_forged_and_foreign_buttons_are_stale(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    message = await open_call(bot, "/call Pintar el mural | 2")
    call = await bot.scalar(select(Call))
    for data in (f"call:a:{call.id + 7}:1", f"call:a:{call.id}:x", f"call:k:{call.id + 7}"):
        await bot.feed(
            bot.u.callback(LUIS, bot.tg.message_json(NORTE.id, message.message_id), data)
        )
        assert "ya no funciona" in bot.tg.toasts()[-1]
    assert await answers(bot) == {}
    # nobody in yet: a coordinator's forged "turn into commitment" says so
    await bot.feed(
        bot.u.callback(ANA, bot.tg.message_json(NORTE.id, message.message_id), f"call:k:{call.id}")
    )
    assert "Nadie dijo “Me sumo”" in bot.tg.toasts()[-1]
    assert await bot.scalars(select(Commitment)) == []


async def test_the_command_is_named_in_each_language_and_every_name_works(bot: Bot) -> None:
    await seed_group(bot, JOAO, language="pt")
    await publish_menus(bot.app)

    def names(code: str) -> list[str]:
        return [c["command"] for c in bot.tg.commands[("all_group_chats", code)]]

    assert "llamado" in names("es") and "call" not in names("es")
    assert "chamado" in names("pt") and "llamado" not in names("pt")
    assert "call" in names("en") and "chamado" not in names("en")
    # /help's commitments page names it in the reader's word too (tests/groups/test_help.py)
    for name in ("chamado", "llamado", "call"):
        message = await open_call(bot, f"/{name} Levar cadeiras | 4", by=JOAO)
        assert "Quem topa?" in message.text and "🙋 0 de 4 pessoas necessárias" in message.text
    assert [t for row in message.buttons for t, _ in row] == ["🙋 Conta comigo", "🙅 Não posso"]


async def test_a_flood_wait_on_the_edit_is_waited_out_and_the_answer_kept(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    message = await open_call(bot, "/call Pintar el mural | 2")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    bot.runtime.messenger.sleep = sleep
    bot.tg.fail_next("editMessageText", retry_after(3))
    await bot.feed(press(bot, LUIS, message, "Me sumo"))
    assert await answers(bot) == {LUIS.id: True}
    assert waits == [3.0]
    assert "Luis" in now_of(bot, message).text


async def test_no_call_in_private(bot: Bot) -> None:
    await seed_group(bot)
    from tests.updates import TChat

    private = TChat(ANA.id, "private", None)
    bot.group(private)
    await bot.feed(bot.u.command(private, ANA, "/call Pintar el mural | 2"))
    assert "en un grupo" in bot.tg.last(ANA.id).text
    assert await bot.scalars(select(Call)) == []


@pytest.mark.parametrize("language", ["es", "pt", "en"])
async def test_the_example_works_typed_back_in_each_language(bot: Bot, language: str) -> None:
    await seed_group(bot, LUIS, language=language)
    await bot.feed(bot.u.command(NORTE, LUIS, "/call | 3"))
    said = bot.tg.last(NORTE.id).text
    example = said[said.index("/") :]
    assert example.startswith({"es": "/llamado", "pt": "/chamado", "en": "/call"}[language])
    message = await open_call(bot, example, by=LUIS)
    call = await bot.scalar(select(Call))
    assert call.target == 3 and call.due_at is not None
    zone = await bot.scalar(select(Group.timezone))
    local = as_utc(call.due_at).astimezone(ZoneInfo(zone))
    assert (local.weekday(), local.hour) == (5, 10)
    assert message.buttons


async def test_once_its_date_has_passed_a_call_takes_no_more_answers(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    message = await open_call(bot, "/call Pintar el mural | 3 | mañana 10:00")
    await bot.feed(press(bot, LUIS, message, "Me sumo"))
    bot.clock.advance(days=2)
    await bot.feed(press(bot, JOAO, message, "Me sumo"))
    assert bot.tg.toasts()[-1] == "La fecha de este llamado ya pasó: no recibe más respuestas."
    await bot.feed(press(bot, LUIS, message, "No puedo"))  # nor a change of mind
    assert await answers(bot) == {LUIS.id: True}
