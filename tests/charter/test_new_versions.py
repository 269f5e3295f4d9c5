"""A new version of the chat rules, by command or by vote: the pinned rules follow at once, one
notice asks those who accepted the last version to accept this one, and changes close together
make one message — exactly once, whatever Telegram or a restart does in between."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import build_application
from bot.charter.models import CharterAcceptance, CharterBoard
from bot.charter.publication import COALESCE
from bot.core.db import as_utc
from bot.core.turn import Turn
from bot.votes.models import Vote
from tests.charter.helpers import accept, versions, write_charter
from tests.conftest import ANA, JOAO, LUIS, MARY, NORTE, Bot, make_settings, seed_group
from tests.telegram_double import Sent, bad_request, retry_after
from tests.updates import TUser
from tests.votes.helpers import open_vote, press

HEAD = "📜 Reglas del chat, versión {n}. Léanlas con /rules y acéptenlas con el botón."


def notices(bot: Bot) -> list[Sent]:
    return [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("📜 Reglas del chat, versión")]


async def pinned_rules(bot: Bot) -> Sent:
    await bot.feed(bot.u.command(NORTE, LUIS, "/rules"))
    pinned = bot.tg.last(NORTE.id)
    assert pinned.pinned
    return pinned


async def pass_vote(bot: Bot, text: str) -> None:
    """Luis proposes `text`; Ana, Luis and João agree; the deadline passes (the tick closes it)."""
    _, message = await open_vote(bot, text, by=LUIS)
    for person in (ANA, LUIS, JOAO):
        await press(bot, person, message, 0)
    closes_at = as_utc(await bot.scalar(select(Vote.closes_at).order_by(Vote.id.desc())))
    await bot.tick(closes_at + timedelta(seconds=1))


async def board(bot: Bot) -> CharterBoard:
    return await bot.scalar(select(CharterBoard))


# -- the pinned rules follow every new version -------------------------------------------------


async def test_a_passed_vote_edits_the_pinned_rules_at_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    await pass_vote(bot, "/rules propose schedule Reuniones los martes 19:00 closes 2h")
    assert "✅ Aprobada" in bot.tg.last(NORTE.id).text  # the vote's result first

    assert await bot.run_jobs("charter:publish:") == 1  # a moment later, not at the next /rules
    newest = (await versions(bot))[-1]
    assert newest.number == 6 and newest.by_vote
    assert pinned.text.startswith("📜 Reglas del chat · versión 6")
    assert "🗓 Horarios\nReuniones los martes 19:00" in pinned.text
    assert pinned.button_data == [f"chr:ok:{newest.id}"]
    notice = bot.tg.last(NORTE.id)
    assert notice.text.startswith(HEAD.format(n=6) + "\nCambió: horarios (por votación)")
    assert notice.button_data == [f"chr:ok:{newest.id}"]

    await bot.tick(minutes=1)  # nothing is shown twice
    assert await bot.run_jobs("charter:publish:") == 0
    assert len(notices(bot)) == 2 and pinned.edits == 1
    board_ = await board(bot)
    assert (board_.pinned_version, board_.due_version, board_.publishing_at) == (6, None, None)


async def test_the_tick_shows_a_passed_vote_whose_job_never_ran(bot: Bot, database) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    await pass_vote(bot, "/rules propose add Sin audios largos closes 2h")
    await bot.app.shutdown()  # the process stops before the job ran

    app = build_application(
        make_settings(database.url), request=bot.tg, engine=bot.engine, clock=bot.clock
    )
    await app.initialize()
    try:
        restarted = Bot(app=app, tg=bot.tg, u=bot.u, engine=bot.engine, clock=bot.clock)
        await restarted.tick(seconds=30)
        await restarted.tick(seconds=30)
    finally:
        await app.shutdown()
    await bot.app.initialize()  # for the fixture's own shutdown
    assert "3. Sin audios largos" in pinned.text and pinned.edits == 1
    [*_, notice] = notices(bot)
    assert "Cambió: regla agregada: Sin audios largos (por votación)" in notice.text
    assert len(notices(bot)) == 2


async def test_a_command_whose_process_stopped_after_the_commit_is_shown_once(
    bot: Bot, database, monkeypatch
) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    bot.clock.advance(COALESCE)

    async def stopped(self: Turn) -> None:  # committed, then the process died
        return None

    with monkeypatch.context() as patch:
        patch.setattr(Turn, "flush", stopped)
        await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    assert len(notices(bot)) == 1 and "Cuidamos" not in pinned.text

    await bot.tick(seconds=30)
    await bot.tick(seconds=30)
    assert "3. Cuidamos la plaza" in pinned.text
    [_, notice] = notices(bot)
    assert notice.text.startswith(HEAD.format(n=6) + "\nCambió: regla agregada: Cuidamos")


# -- those who accepted are asked again, once -------------------------------------------------


async def test_who_accepted_the_last_version_is_asked_once_about_the_new_one(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO, MARY)
    await write_charter(bot)
    [notice5] = notices(bot)
    await accept(bot, LUIS, notice5)
    await accept(bot, JOAO, notice5)
    bot.clock.advance(COALESCE)

    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    [_, notice6] = notices(bot)
    assert notice6.text == (
        HEAD.format(n=6) + "\n"
        "Cambió: regla agregada: Cuidamos la plaza (Ana)\n"
        "🙋 João, Luis: aceptaron la versión 5; ¿aceptan también la nueva?"
    )
    assert 'href="tg://user?id=103"' in notice6.html and 'href="tg://user?id=102"' in notice6.html
    assert "id=101" not in notice6.html and "id=104" not in notice6.html  # Ana, Mary: not asked
    assert notice6.button_data == [f"chr:ok:{(await versions(bot))[-1].id}"]
    assert notice5.text.startswith(HEAD.format(n=5))  # the accepted notice stays as it was

    await accept(bot, LUIS, notice6)
    assert bot.tg.toasts()[-1] == "¡Gracias! Aceptaste la versión 6."
    await bot.feed(bot.u.command(NORTE, ANA, "/digest now"))  # the digest says how many
    assert "📜 1 de 4 aceptó la versión 6 de las reglas del chat." in bot.tg.last(NORTE.id).text
    bot.clock.advance(COALESCE)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules remove 1"))
    # Luis accepted version 6; João, asked about it already, is not asked again
    assert notices(bot)[-1].text.endswith(
        "🙋 Luis: aceptaste la versión 6; ¿aceptas también la nueva?"
    )


async def test_many_who_accepted_are_named_in_one_message_and_few_are_mentioned(
    bot: Bot,
) -> None:
    neighbours = [TUser(201 + i, f"Vecina{i + 1:02d}", None, "es") for i in range(14)]
    await seed_group(bot, *neighbours)
    await write_charter(bot)
    [notice5] = notices(bot)
    for person in neighbours:
        await accept(bot, person, notice5)
    bot.clock.advance(COALESCE)

    before = len(bot.tg.calls_of("sendMessage"))
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    assert len(bot.tg.calls_of("sendMessage")) == before + 1  # one message, however many
    asked = notices(bot)[-1]
    names = ", ".join(f"Vecina{i:02d}" for i in range(1, 13))
    assert f"🙋 {names} y 2 más: aceptaron la versión 5; ¿aceptan también la nueva?" in asked.text
    assert asked.html.count("tg://user?id=") == 5  # Telegram notifies only the first few


# -- changes close together are one message ---------------------------------------------------


async def test_a_coordinator_setting_up_the_rules_makes_one_message(bot: Bot, database) -> None:
    await seed_group(bot, LUIS, JOAO)
    before = len(bot.tg.sent(NORTE.id))
    await write_charter(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules remove 2"))  # six changes in a minute
    [notice] = bot.tg.sent(NORTE.id)[before:]
    assert notice.text == (
        HEAD.format(n=6) + "\n"
        "Cambios: objetivos (Ana); horarios (Ana); "
        "regla agregada: Respetamos los turnos para hablar (Ana); "
        "regla agregada: Nada de cadenas ni política partidaria (Ana); formas de trabajo (Ana); "
        "regla quitada: Nada de cadenas ni política partidaria (Ana)"
    )
    assert notice.edits == 5
    assert notice.button_data == [f"chr:ok:{(await versions(bot))[-1].id}"]

    # once someone accepted it, the next change is a new message
    await accept(bot, LUIS, notice)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules schedule Reuniones los martes"))
    [_, notice7] = notices(bot)
    assert notice.text.startswith(HEAD.format(n=6))
    assert notice7.text == (
        HEAD.format(n=7) + "\n"
        "Cambió: horarios (Ana)\n"
        "🙋 Luis: aceptaste la versión 6; ¿aceptas también la nueva?"
    )

    # and so is one after the notice stopped being recent, accepted or not
    bot.clock.advance(COALESCE)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    [*_, notice8] = notices(bot)
    assert notice7.text.startswith(HEAD.format(n=7)) and notice8.text.startswith(HEAD.format(n=8))

    # the last notice is in the database, not in memory: after a restart it is still edited
    await bot.app.shutdown()
    app = build_application(
        make_settings(database.url), request=bot.tg, engine=bot.engine, clock=bot.clock
    )
    await app.initialize()
    try:
        restarted = Bot(app=app, tg=bot.tg, u=bot.u, engine=bot.engine, clock=bot.clock)
        await restarted.feed(restarted.u.command(NORTE, ANA, "/rules add Sin audios largos"))
    finally:
        await app.shutdown()
    await bot.app.initialize()
    assert len(notices(bot)) == 3
    assert notice8.text.startswith(HEAD.format(n=9) + "\nCambios: regla agregada: Cuidamos")
    assert "regla agregada: Sin audios largos (Ana)" in notice8.text


# -- Telegram's refusals, repeated updates, buttons pressed late --------------------------------


async def test_a_deleted_pinned_message_is_posted_and_pinned_again(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    bot.tg.api_deleteMessage({"chat_id": NORTE.id, "message_id": pinned.message_id})

    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    [again] = [m for m in bot.tg.sent(NORTE.id) if m.pinned]
    assert again.text.startswith("📜 Reglas del chat · versión 6") and "3. Cuidamos" in again.text
    board_ = await board(bot)
    assert (board_.pinned_message_id, board_.pinned_version) == (again.message_id, 6)


async def test_a_pinned_message_that_cannot_be_edited_is_replaced_and_unpinned(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    bot.clock.advance(COALESCE)  # the notice is a new message: the one edit is the pin's
    bot.tg.fail_next("editMessageText", bad_request("message can't be edited"))

    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    [again] = [m for m in bot.tg.sent(NORTE.id) if m.pinned]
    assert again.message_id != pinned.message_id and "3. Cuidamos" in again.text
    assert not pinned.pinned
    [unpin] = bot.tg.calls_of("unpinChatMessage")
    assert int(unpin.params["message_id"]) == pinned.message_id


async def test_without_the_right_to_pin_the_bot_says_so_once_and_goes_on(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    await pinned_rules(bot)
    bot.tg.cannot_pin.add(NORTE.id)  # an admin took the bot's rights away
    bot.clock.advance(COALESCE)
    bot.tg.fail_next("editMessageText", bad_request("message to edit not found"))

    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    hint = "No pude fijar las reglas. Para que pueda, hazme admin con permiso para fijar mensajes."
    assert bot.tg.last(NORTE.id).text == hint
    assert (await board(bot)).pinned_message_id is None  # no pinned rules to keep current
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Sin audios largos"))
    assert [m.text for m in bot.tg.sent(NORTE.id)].count(hint) == 1
    assert notices(bot)[-1].text.startswith(HEAD.format(n=7))
    assert (await board(bot)).due_version is None


async def test_flood_control_delays_the_notice_and_never_drops_it(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    pinned = await pinned_rules(bot)
    bot.clock.advance(COALESCE)

    async def no_wait(seconds: float) -> None:
        return None

    bot.runtime.messenger.sleep = no_wait
    bot.tg.fail_next("sendMessage", retry_after(60), times=4)
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    assert len(notices(bot)) == 1 and "Cuidamos" not in pinned.text  # nothing, not an apology
    assert len(await versions(bot)) == 6  # the change is made

    await bot.tick(seconds=30)
    await bot.tick(seconds=30)
    assert len(notices(bot)) == 2 and "3. Cuidamos la plaza" in pinned.text
    assert bot.tg.last(NORTE.id).text.startswith(HEAD.format(n=6))


async def test_a_deleted_notice_is_posted_again(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    [notice] = notices(bot)
    bot.tg.api_deleteMessage({"chat_id": NORTE.id, "message_id": notice.message_id})
    await bot.feed(bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza"))
    [again] = notices(bot)
    assert again.message_id != notice.message_id
    assert again.text.startswith(HEAD.format(n=6) + "\nCambios: objetivos (Ana);")
    assert (await board(bot)).notice_message_id == again.message_id


async def test_repeated_updates_stale_buttons_and_accepts_at_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, JOAO)
    await write_charter(bot)
    [notice5] = notices(bot)
    old = (bot.tg.message_json(NORTE.id, notice5.message_id), notice5.button_data[0])
    await accept(bot, LUIS, notice5)
    bot.clock.advance(COALESCE)

    change = bot.u.command(NORTE, ANA, "/rules add Cuidamos la plaza")
    await bot.feed(change, change)  # Telegram delivered it twice: one version, one notice
    assert len(await versions(bot)) == 6 and len(notices(bot)) == 2

    await bot.feed(bot.u.callback(JOAO, *old))  # the old notice's button
    assert bot.tg.toasts()[-1].startswith("Hay una versión más reciente (6)")

    notice6 = notices(bot)[-1]
    message, [data] = bot.tg.message_json(NORTE.id, notice6.message_id), notice6.button_data
    await asyncio.gather(
        bot.feed(bot.u.callback(LUIS, message, data)),
        bot.feed(bot.u.callback(LUIS, message, data)),
        bot.feed(bot.u.callback(MARY, message, data)),
    )
    newest = (await versions(bot))[-1]
    assert (
        await bot.scalar(
            select(func.count())
            .select_from(CharterAcceptance)
            .where(CharterAcceptance.version_id == newest.id)
        )
        == 2
    )
