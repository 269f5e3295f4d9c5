"""Command menus per language and scope; a failure to publish is logged, not fatal."""

from __future__ import annotations

from bot.app import publish_menus
from tests.conftest import Bot
from tests.telegram_double import bad_request


async def test_menus_are_published_per_language_and_scope(bot: Bot) -> None:
    await publish_menus(bot.app)
    menus = bot.tg.commands
    scopes = {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    assert set(menus) == {(s, code) for s in scopes for code in ("es", "pt", "en", None)}

    def names(scope: str, code: str | None) -> list[str]:
        return [c["command"] for c in menus[(scope, code)]]

    assert "timezone" not in names("all_group_chats", "es")
    assert "timezone" in names("all_chat_administrators", "es")
    assert "timezone" not in names("all_private_chats", "es")
    assert "language" in names("all_private_chats", "es")
    described = {c["command"]: c["description"] for c in menus[("all_group_chats", "pt")]}
    assert described["help"] == "Os comandos que você pode usar"
    described = {c["command"]: c["description"] for c in menus[("all_group_chats", None)]}
    assert described["help"] == "Los comandos que puedes usar"  # DEFAULT_LANGUAGE=es


async def test_a_menu_that_fails_to_publish_is_logged_and_the_rest_go_on(bot: Bot, caplog) -> None:
    bot.tg.fail_next("setMyCommands", bad_request("BOT_COMMAND_INVALID"))
    await publish_menus(bot.app)
    assert len(bot.tg.calls_of("setMyCommands")) == 12
    assert len(bot.tg.commands) == 11
    assert "could not publish" in caplog.text
