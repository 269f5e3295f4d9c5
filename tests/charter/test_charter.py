"""Chat rules: a versioned charter that members accept, newcomers see, and the bot obeys."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.charter.handlers import send_welcomes
from bot.charter.models import CharterAcceptance, CharterBoard, Welcome
from bot.charter.service import WELCOME_DELAY
from bot.core.models import ProcessedUpdate
from bot.groups.models import Group, Membership, Person
from tests.charter.helpers import versions, write_charter
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, next_local, seed_group
from tests.updates import TUser

BOGOTA = "America/Bogota"


async def test_a_group_without_rules_is_told_how_to_write_them(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    reply = bot.tg.last(NORTE.id).text
    assert reply.startswith("Este grupo todavía no tiene reglas del chat.")
    assert "/rules goals" in reply


async def test_coordinators_write_the_charter_version_by_version(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)

    history = await versions(bot)
    assert [v.number for v in history] == [1, 2, 3, 4, 5]
    assert [v.change for v in history] == [
        "goals",
        "schedule",
        "rule_added",
        "rule_added",
        "methods",
    ]
    last = history[-1]
    assert last.goals == "Recuperar la plaza\ny la huerta comunitaria"  # newlines kept
    assert last.rules == [
        "Respetamos los turnos para hablar",
        "Nada de cadenas ni política partidaria",
    ]
    assert {v.author_id for v in history} == {ANA.id}

    [notice] = bot.tg.sent(NORTE.id)[-1:]  # five changes in a few seconds: one notice
    assert notice.text == (
        "📜 Reglas del chat, versión 5. Léanlas con /rules y acéptenlas con el botón.\n"
        "Cambios: objetivos (Ana); horarios (Ana); "
        "regla agregada: Respetamos los turnos para hablar (Ana); "
        "regla agregada: Nada de cadenas ni política partidaria (Ana); formas de trabajo (Ana)"
    )
    assert notice.button_data == [f"chr:ok:{last.id}"]

    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    shown = bot.tg.last(NORTE.id)
    assert shown.text.startswith("📜 Reglas del chat · versión 5 · ")
    for fragment in (
        "🎯 Objetivos\nRecuperar la plaza\ny la huerta comunitaria",
        "🗓 Horarios\nReuniones los jueves 19:00",
        "🤝 Reglas de convivencia\n1. Respetamos los turnos para hablar\n2. Nada de cadenas",
        "⚙️ Formas de trabajo\nConsenso; si no hay, votación",
        "✅ 0 de 3 aceptaron esta versión.",
    ):
        assert fragment in shown.text
    assert shown.buttons == [[("✅ Acepto", f"chr:ok:{last.id}")]]

    await bot.feed(bot.u.command(NORTE, ANA, "/rules remove 1"))
    assert (await versions(bot))[-1].rules == ["Nada de cadenas ni política partidaria"]
    assert "regla quitada: Respetamos los turnos para hablar (Ana)" in notice.text  # edited

    await bot.feed(bot.u.command(NORTE, LUIS, "/rules history"))
    listing = bot.tg.last(NORTE.id).text
    assert listing.startswith("📜 Versiones de las reglas del chat\nv6 · ")
    assert "regla quitada: Respetamos los turnos para hablar · Ana" in listing
    assert listing.count("\nv") == 6


async def test_a_section_can_be_taken_from_a_replied_message(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    draft = bot.u.message_json(NORTE, LUIS, "Que el barrio tenga una plaza\ncuidada por todos")
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals", reply_to=draft))
    assert (await versions(bot))[-1].goals == "Que el barrio tenga una plaza\ncuidada por todos"


async def test_the_charter_in_portuguese(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, language="pt")
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, JOAO, "/rules"))
    shown = bot.tg.last(NORTE.id)
    assert shown.text.startswith("📜 Regras do chat · versão 5 · ")
    assert "🤝 Regras de convivência\n1. Respetamos" in shown.text
    assert "✅ 0 de 3 aceitou esta versão." in shown.text  # pt_BR: 0 and 1 are singular
    assert shown.buttons[0][0][0] == "✅ Aceito"


async def test_members_accept_once_and_pending_lists_the_rest(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    shown = bot.tg.last(NORTE.id)
    message = bot.tg.message_json(NORTE.id, shown.message_id)
    [data] = shown.button_data

    press = bot.u.callback(LUIS, message, data)
    await bot.feed(press, press)  # delivered twice: one acceptance
    assert bot.tg.toasts()[-1] == "¡Gracias! Aceptaste la versión 5."
    await bot.feed(bot.u.callback(LUIS, message, data))  # pressed again
    assert bot.tg.toasts()[-1] == "Ya habías aceptado la versión 5."
    await asyncio.gather(
        bot.feed(bot.u.callback(JOAO, message, data)),
        bot.feed(bot.u.callback(JOAO, message, data)),
    )
    assert await bot.scalar(select(func.count()).select_from(CharterAcceptance)) == 2

    await bot.feed(bot.u.command(NORTE, ANA, "/rules pending"))
    assert bot.tg.last(NORTE.id).text == "1 integrante todavía no aceptó la versión 5:\n• Ana"
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    assert "✅ 2 de 3 aceptaron esta versión." in bot.tg.last(NORTE.id).text

    # a member may not ask who is missing
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules pending"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")


async def test_accepting_an_old_version_shows_the_new_one(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    old = bot.tg.last(NORTE.id)  # the notice of version 5, with its accept button
    old_json = bot.tg.message_json(NORTE.id, old.message_id)
    old_data = old.button_data[0]
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    newest = (await versions(bot))[-1]

    await bot.feed(bot.u.callback(JOAO, old_json, old_data))
    assert bot.tg.toasts()[-1] == (
        "Hay una versión más reciente (6); este mensaje ahora la muestra. Léela y acéptala."
    )
    assert bot.tg.calls_of("answerCallbackQuery")[-1].params["show_alert"] is True
    assert old.text.startswith("📜 Reglas del chat · versión 6")
    assert "3. Cuidamos la plaza" in old.text
    assert old.button_data == [f"chr:ok:{newest.id}"]
    assert await bot.scalar(select(func.count()).select_from(CharterAcceptance)) == 0

    # a forged or unknown version is a stale button
    await bot.feed(bot.u.callback(JOAO, old_json, "chr:ok:999999"))
    assert bot.tg.toasts()[-1] == "Este botón ya no funciona. Envía el comando de nuevo."


async def test_members_cannot_edit_and_bad_input_gets_examples(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules goals Otra cosa"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación puede hacer eso.")
    assert len(await versions(bot)) == 5

    cases = {
        "/rules remove 99": "No existe la regla 99. Elige un número del 1 al 2: /rules remove 2",
        "/rules remove dos": "No existe la regla dos. Elige un número del 1 al 2: /rules remove 2",
        "/rules goals": "Escribe el texto después del comando, por ejemplo: /rules goals …",
        "/rules add   ": "Escribe el texto después del comando, por ejemplo: "
        "/rules add Respetamos los turnos para hablar",
        "/rules quiet 25:00-08:00": "No entendí “25:00-08:00”. Escribe las horas de silencio así: "
        "/rules quiet 22:00-08:00",
    }
    for command, answer in cases.items():
        await bot.feed(bot.u.command(NORTE, ANA, command))
        assert bot.tg.last(NORTE.id).text == answer
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals " + "x" * 3001))
    assert bot.tg.last(NORTE.id).text == (
        "Son 3001 caracteres; el máximo es 3000. Acórtalo, por favor."
    )
    await bot.feed(bot.u.command(NORTE, ANA, "/rules rewrite todo"))
    reply = bot.tg.last(NORTE.id).text
    assert reply.startswith("No entendí. Prueba con alguno de estos:")
    assert "/rules quiet 22:00-08:00" in reply
    assert len(await versions(bot)) == 5


async def test_a_long_charter_is_split_on_section_boundaries(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    long_goals = " ".join(["Recuperar la plaza del barrio para las familias."] * 60)  # ~2.9k
    long_methods = " ".join(["Decidimos por consenso y con actas públicas."] * 65)
    await bot.feed(
        bot.u.command(NORTE, ANA, f"/rules goals {long_goals}"),
        bot.u.command(NORTE, ANA, f"/rules methods {long_methods}"),
        bot.u.command(NORTE, ANA, "/rules add Respeto"),
    )
    before = len(bot.tg.sent(NORTE.id))
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    parts = bot.tg.sent(NORTE.id)[before:]
    assert len(parts) == 2
    assert parts[0].text.startswith("📜 Reglas del chat") and parts[0].text.endswith("Respeto")
    assert parts[1].text.startswith("⚙️ Formas de trabajo\nDecidimos")
    assert parts[0].markup is None and parts[1].button_data
    assert all(len(p.text) <= 4096 for p in parts)


async def test_the_charter_is_pinned_once_and_kept_current(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    pinned = bot.tg.last(NORTE.id)
    assert pinned.pinned
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    assert len(bot.tg.calls_of("pinChatMessage")) == 1  # the same version is not pinned again

    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    assert pinned.text.startswith("📜 Reglas del chat · versión 6")  # edited in place
    board = await bot.scalar(select(CharterBoard))
    assert (board.pinned_message_id, board.pinned_version) == (pinned.message_id, 6)


async def test_without_pin_rights_the_bot_says_so_once_and_goes_on(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    bot.tg.cannot_pin.add(NORTE.id)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    hint = "No pude fijar las reglas. Para que pueda, hazme admin con permiso para fijar mensajes."
    assert bot.tg.last(NORTE.id).text == hint
    await bot.feed(bot.u.command(NORTE, JOAO, "/rules"))
    assert bot.tg.last(NORTE.id).text.startswith("📜 Reglas del chat")
    assert [m.text for m in bot.tg.sent(NORTE.id)].count(hint) == 1


async def test_two_coordinators_editing_at_once_lose_nothing(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"), (JOAO, "administrator"))
    await bot.feed(bot.u.command(NORTE, ANA, "/rules goals La plaza"))
    await asyncio.gather(
        bot.feed(bot.u.command(NORTE, ANA, "/rules add Primera")),
        bot.feed(bot.u.command(NORTE, JOAO, "/rules add Segunda")),
    )
    history = await versions(bot)
    texts = [m.text for m in bot.tg.sent(NORTE.id)]
    if len(history) == 3:  # both went through, one after the other
        assert sorted(history[-1].rules) == ["Primera", "Segunda"]
    else:  # one lost the race for the same number and was told so
        assert len(history) == 2
        assert any("Alguien cambió las reglas en el mismo momento" in t for t in texts)


# -- quiet hours and newcomers --------------------------------------------------------------


async def test_quiet_hours_are_set_shown_and_cleared(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    assert bot.tg.last(NORTE.id).text == (
        "🌙 Horas de silencio: 22:00-08:00. En ese horario no envío nada que pueda esperar."
    )
    group = await bot.scalar(select(Group))
    assert (group.quiet_start, group.quiet_end) == (22 * 60, 8 * 60)
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    assert "🌙 Horas de silencio: 22:00-08:00" in bot.tg.last(NORTE.id).text
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules quiet off"))
    assert bot.tg.last(NORTE.id).text.startswith("Solo la coordinación")
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet off"))
    assert await bot.scalar(select(Group.quiet_start)) is None


async def test_newcomers_joining_together_get_one_welcome(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    before = len(bot.tg.sent(NORTE.id))
    rosa, pedro = TUser(301, "Rosa", "rosa_h", "es"), TUser(302, "Pedro", None, "es")
    joined = bot.u.chat_member(NORTE, rosa, rosa, "left", "member")
    await bot.feed(joined, joined)  # delivered twice
    await bot.feed(bot.u.chat_member(NORTE, pedro, pedro, "left", "member"))
    # the same arrival told again as a service message (the bot is admin: both come)
    await bot.feed(bot.u.new_members(NORTE, pedro, pedro))
    assert len(bot.tg.sent(NORTE.id)) == before  # nothing yet: newcomers are gathered
    [job] = bot.app.job_queue.jobs()
    assert job.name.startswith("charter:welcome:")

    bot.clock.advance(WELCOME_DELAY)
    assert await bot.run_jobs("charter:welcome:") == 1  # the delayed job fires
    [welcome] = bot.tg.sent(NORTE.id)[before:]
    assert welcome.text.startswith("👋 ¡Les damos la bienvenida, Rosa, Pedro!")  # two of them
    assert "Léanlas y acéptenlas con el botón, cada quien." in welcome.text
    assert "🎯 Objetivos\nRecuperar la plaza" in welcome.text
    assert "1. Respetamos los turnos para hablar" in welcome.text
    assert "Horarios" not in welcome.text
    assert welcome.button_data == [f"chr:ok:{(await versions(bot))[-1].id}"]

    await bot.tick(minutes=1)  # the tick finds nobody more to welcome
    assert [m for m in bot.tg.sent(NORTE.id)[before:] if m.text.startswith("👋")] == [welcome]


async def test_a_newcomer_is_a_member_and_waits_for_the_welcome_in_one_turn(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    joined = bot.u.chat_member(NORTE, rosa, rosa, "left", "member")
    await bot.feed(joined)
    # the membership and the welcome's row, recorded under one handled update
    handled = await bot.scalars(
        select(ProcessedUpdate.handler).where(ProcessedUpdate.update_id == joined["update_id"])
    )
    assert handled == ["groups.member_update"]
    membership = await bot.scalar(select(Membership).where(Membership.person_id == rosa.id))
    assert membership is not None and membership.left_at is None
    waiting = await bot.scalar(select(Welcome).where(Welcome.person_id == rosa.id))
    assert waiting is not None and waiting.welcomed_at is None
    person = await bot.scalar(select(Person).where(Person.id == rosa.id))
    assert (person.first_name, person.username, person.language_code) == ("Rosa", "rosa_h", "es")


async def test_no_charter_no_welcome(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    await bot.feed(bot.u.chat_member(NORTE, rosa, rosa, "left", "member"))
    assert await bot.scalar(select(func.count()).select_from(Welcome)) == 0


@pytest.mark.parametrize("language", ["es", "en"])
async def test_a_welcome_due_at_23_goes_out_at_8_once(bot: Bot, language: str) -> None:
    await seed_group(bot, LUIS, JOAO, language=language)
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules quiet 22:00-08:00"))
    bot.clock.set(next_local(bot.now(), BOGOTA, 22, 59))
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    await bot.feed(bot.u.new_members(NORTE, rosa, rosa))  # at 22:59 in Bogotá
    before = len(bot.tg.sent(NORTE.id))

    for hour, minute in ((23, 0), (2, 30), (7, 59)):  # the welcome is due from 23:00
        await bot.tick(next_local(bot.now(), BOGOTA, hour, minute))
    assert bot.tg.sent(NORTE.id)[before:] == []  # nothing during the quiet hours
    await bot.tick(next_local(bot.now(), BOGOTA, 8, 0))
    await bot.tick(minutes=1)
    sent = bot.tg.sent(NORTE.id)[before:]
    # (a weekly digest that fell due in the night had waited for 08:00 too)
    [welcome] = [m for m in sent if not m.text.startswith("🗞")]

    greeting = {"es": "👋 ¡Te damos la bienvenida, Rosa!", "en": "👋 Welcome to the group, Rosa!"}
    assert welcome.text.startswith(greeting[language])


async def test_a_welcome_to_a_group_that_removed_the_bot_is_not_sent(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    rosa = TUser(301, "Rosa", "rosa_h", "es")
    await bot.feed(bot.u.new_members(NORTE, rosa, rosa))
    bot.tg.remove_bot(NORTE.id)
    await bot.feed(bot.u.my_chat_member(NORTE, ANA, "member", "kicked"))
    before = len(bot.tg.calls_of("sendMessage"))
    await send_welcomes(bot.runtime, bot.now(), [await bot.scalar(select(Group.id))])
    await bot.tick(days=400)

    assert len(bot.tg.calls_of("sendMessage")) == before


async def test_a_member_who_leaves_is_no_longer_counted(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    await bot.feed(bot.u.chat_member(NORTE, MARY, MARY, "left", "member"))
    await bot.feed(bot.u.chat_member(NORTE, JOAO, JOAO, "member", "left"))
    await bot.feed(bot.u.command(NORTE, ANA, "/rules pending"))
    assert bot.tg.last(NORTE.id).text == (
        "3 integrantes todavía no aceptaron la versión 5:\n• Ana\n• Luis\n• Mary"
    )
