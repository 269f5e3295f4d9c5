"""/privacy, its line in /start and the greeting, the command menus, concurrent presses and
a group that cannot be told."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import publish_menus
from bot.groups.models import Person
from tests.conftest import LUIS, NORTE, Bot, seed_group
from tests.privacy.helpers import FILO, busy_member, traces
from tests.telegram_double import forbidden
from tests.updates import private_chat


async def test_privacy_says_what_is_stored_and_never_stored(bot: Bot) -> None:
    await seed_group(bot, LUIS)
    greeting = bot.tg.sent(NORTE.id)[0].text
    assert "/privacy" in greeting
    await bot.feed(bot.u.command(NORTE, LUIS, "/privacy"))
    text = bot.tg.last(NORTE.id).text
    assert "Nunca guarda" in text and "90 días" in text
    assert all(c in text for c in ("/mydata", "/forgetme", "/export"))
    joao = FILO.__class__(9123, "João", None, "pt-br")
    await bot.feed(bot.u.command(private_chat(joao), joao, "/start"))
    assert "/privacy" in bot.tg.last(joao.id).text
    await bot.feed(bot.u.command(private_chat(joao), joao, "/privacy"))
    assert "Nunca guarda" in bot.tg.last(joao.id).text and "no grupo" in bot.tg.last(joao.id).text


async def test_the_private_menu_names_mydata_and_forgetme_in_each_language(bot: Bot) -> None:
    await publish_menus(bot.app)
    menus = bot.tg.commands
    described = {
        code: {c["command"]: c["description"] for c in menus[("all_private_chats", code)]}
        for code in ("es", "pt", "en")
    }
    assert described["es"]["mydata"] == "Una copia de todos tus datos"
    assert described["pt"]["forgetme"] == "Apagar você da Minga"
    assert described["en"]["forgetme"] == "Erase you from Minga"
    groups = [c["command"] for c in menus[("all_group_chats", "es")]]
    assert "forgetme" not in groups and "mydata" not in groups and "privacy" in groups
    admins = [c["command"] for c in menus[("all_chat_administrators", "es")]]
    assert "export" in admins and "export" not in groups


async def test_two_presses_at_once_erase_once(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await busy_member(bot)
    await bot.feed(bot.u.command(private_chat(FILO), FILO, "/forgetme"))
    question = bot.tg.last(FILO.id)
    message, yes = bot.tg.message_json(FILO.id, question.message_id), question.button_data[0]
    from telegram import Update

    presses = [Update.de_json(bot.u.callback(FILO, message, yes), bot.app.bot) for _ in range(2)]
    await asyncio.gather(*(bot.app.process_update(p) for p in presses))
    tombs = select(func.count()).select_from(Person).where(Person.erased_at.is_not(None))
    assert await bot.scalar(tombs) == 1
    assert await traces(bot) == []  # the later press did not register her again
    notes = [m for m in bot.tg.sent(NORTE.id) if m.text.startswith("🕊")]
    assert len(notes) == 1


async def test_a_group_that_cannot_be_told_does_not_undo_the_erasure(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    await bot.feed(bot.u.command(NORTE, FILO, "/commit Traer sillas"))
    await bot.feed(bot.u.command(private_chat(FILO), FILO, "/forgetme"))
    question = bot.tg.last(FILO.id)
    bot.tg.fail_next("sendMessage", forbidden())
    await bot.feed(
        bot.u.callback(
            FILO, bot.tg.message_json(FILO.id, question.message_id), question.button_data[0]
        )
    )
    assert await traces(bot) == []
    assert "ex-integrante" in bot.tg.last(FILO.id).text


async def test_two_people_erased_at_once_get_two_tombstones(bot: Bot) -> None:
    await seed_group(bot, LUIS, FILO)
    from telegram import Update

    presses = []
    for user in (FILO, LUIS):
        await bot.feed(bot.u.command(private_chat(user), user, "/forgetme"))
        question = bot.tg.last(user.id)
        message = bot.tg.message_json(user.id, question.message_id)
        presses.append(
            Update.de_json(bot.u.callback(user, message, question.button_data[0]), bot.app.bot)
        )
    await asyncio.gather(*(bot.app.process_update(p) for p in presses))
    tombs = await bot.scalars(
        select(Person.id).where(Person.erased_at.is_not(None)).order_by(Person.id)
    )
    assert tombs == [-2, -1]
    assert await traces(bot) == [] and await traces(bot, ("luis_o",), LUIS.id) == []


def test_a_tombstone_is_named_in_the_language_being_spoken() -> None:
    from bot.core.i18n import translator
    from bot.core.people import mention, person_name

    translator("en")
    assert person_name("", None) == "a former member"
    assert mention(-3, "") == "a former member"  # no link to a tombstone
    translator("pt_BR")
    assert person_name("") == "ex-integrante"
    assert mention(101, "Ana") == '<a href="tg://user?id=101">Ana</a>'
