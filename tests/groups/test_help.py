"""/start and /help, in groups and private chats, in each language, in forum topics."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.groups.models import Group
from tests.conftest import ANA, JOAO, MARY, NORTE, Bot, add_bot
from tests.updates import TChat, private_chat

HEADERS = {
    "es": ("lo que puedes pedirme", "para coordinación", "Fijar la zona horaria del grupo"),
    "pt_BR": ("o que você pode me pedir", "para a coordenação", "Definir o fuso horário do grupo"),
    "en": ("what you can ask me", "for coordinators", "Set the group's time zone"),
}


@pytest.mark.parametrize("lang", ["es", "pt_BR", "en"])
async def test_help_in_a_group_speaks_the_group_language(bot: Bot, lang: str) -> None:
    await add_bot(bot)
    async with bot.db() as session:
        await session.execute(update(Group).values(language=lang))
    await bot.feed(bot.u.command(NORTE, ANA, "/help"))

    reply = bot.tg.last(NORTE.id)
    for fragment in HEADERS[lang]:
        assert fragment in reply.text
    for command in ("/help", "/language", "/timezone", "/coordinator"):
        assert command in reply.text
    # members' commands come before coordinators' commands
    assert reply.text.index("/help") < reply.text.index("/timezone")


async def test_help_addressed_to_the_bot_by_name_works(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/help@minga_test_bot"))
    assert "lo que puedes pedirme" in bot.tg.last(NORTE.id).text


async def test_start_in_private_uses_the_person_telegram_language(bot: Bot) -> None:
    await bot.feed(bot.u.command(private_chat(JOAO), JOAO, "/start"))
    reply = bot.tg.last(JOAO.id)
    assert reply.text.startswith("Oi, João! Eu sou a Minga")
    assert "Aqui, no privado" in reply.text

    await bot.feed(bot.u.command(private_chat(MARY), MARY, "/help"))
    assert "Here, in private" in bot.tg.last(MARY.id).text


async def test_start_in_a_group_shows_the_help(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.command(NORTE, ANA, "/start"))
    assert "lo que puedes pedirme" in bot.tg.last(NORTE.id).text


async def test_replies_land_in_the_forum_topic_they_came_from(bot: Bot) -> None:
    forum = TChat(-1009, "supergroup", "Foro del barrio", is_forum=True)
    await add_bot(bot, forum)
    await bot.feed(bot.u.command(forum, ANA, "/help", thread_id=77))
    call = bot.tg.calls_of("sendMessage")[-1]
    assert call.params["message_thread_id"] == 77
    assert bot.tg.last(forum.id).thread_id == 77


async def test_an_unknown_language_code_falls_back_to_the_default(bot: Bot) -> None:
    from tests.updates import TUser

    ivan = TUser(150, "Ivan", None, "ru")
    await bot.feed(bot.u.command(private_chat(ivan), ivan, "/help"))
    assert "Aquí, en privado" in bot.tg.last(ivan.id).text


async def test_an_edited_command_is_not_run_again(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.edited(NORTE, ANA, "/help"))
    assert len(bot.tg.sent(NORTE.id)) == 1  # the greeting only
