"""The coordinators' Mini App, on the chat's side: `/dashboard` answers with the button that
opens it (a group's direct link, or in private the chooser), and the private chats' menu
button opens it too. The pages themselves are `bot.web.miniapp`'s."""

from __future__ import annotations

import logging
from typing import Any

from telegram import MenuButtonWebApp, WebAppInfo
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.i18n import N_, CommandSpec, translator
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.dashboard import handlers, render
from bot.dashboard.links import app_url

log = logging.getLogger(__name__)

COMMANDS = [
    CommandSpec(
        "dashboard",
        N_("The council at a glance: commitments, decisions, votes"),
        in_private=True,
        topic="digest",
    ),
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime_of(application).commands.extend(COMMANDS)
    application.add_handler(command("dashboard", handlers.dashboard))


async def publish_menu_button(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Private chats' menu button opens the Mini App (its group chooser), once `PUBLIC_URL`
    is set; a failure is logged, never fatal."""
    settings = runtime_of(application).settings
    url = app_url(settings)
    if url is None:
        return
    label = render.menu_label(translator(settings.default_language))
    try:
        await application.bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(url))
        )
    except TelegramError as exc:
        log.warning("could not set the menu button of private chats: %s", exc)
