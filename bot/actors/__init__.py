"""Actor map and participation: who is at the table, what they bring, who is not heard."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.actors import handlers, render, service
from bot.actors.callbacks import PublicName, Sector, Skip
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import BotContext, runtime_of
from bot.core.turn import command

COMMANDS = [
    CommandSpec(
        "profile",
        N_("Your actor profile: organization, sector, resources"),
        in_private=True,
        topic="actors",
    ),
    CommandSpec(
        "actors", N_("Who is at the table: sectors, organizations, resources"), topic="actors"
    ),
    CommandSpec(
        "participation", N_("Who takes part, and how evenly"), coordinator=True, topic="actors"
    ),
]
HELP = HelpTopic(
    "actors",
    N_("🗺 Actors"),
    N_("who is at the table, what they bring"),
    order=80,
    details=render.help_details,
)

# before the groups feature's /start: `/start profile` opens the form instead of the intro
DEEP_LINK_GROUP = -1


async def _deep_link(update: Update, context: BotContext) -> None:
    await handlers.profile_deep_link(update, context)
    raise ApplicationHandlerStop


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.message_hooks.append(service.count_messages)
    application.add_handler(
        CommandHandler(
            "start",
            _deep_link,
            filters=filters.ChatType.PRIVATE
            & filters.UpdateType.MESSAGE
            & filters.Regex(r"^/start(@\w+)?\s+profile\s*$"),
        ),
        group=DEEP_LINK_GROUP,
    )
    application.add_handlers(
        [
            command("profile", handlers.profile),
            command("actors", handlers.actors),
            command("participation", handlers.participation),
            CallbackQueryHandler(handlers.skip, pattern=Skip.pattern()),
            CallbackQueryHandler(handlers.sector, pattern=Sector.pattern()),
            CallbackQueryHandler(handlers.public_name, pattern=PublicName.pattern()),
            MessageHandler(
                filters.ChatType.PRIVATE
                & filters.UpdateType.MESSAGE
                & (filters.TEXT | filters.CAPTION)
                & ~filters.COMMAND,
                handlers.form_text,
            ),
        ]
    )
