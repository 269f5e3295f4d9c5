"""Reactions as positions, and notices that members acknowledge."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageReactionHandler,
)

from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.reactions import handlers, render
from bot.reactions.callbacks import SeenNotice

# a handler group of its own for the bot's rights: the groups feature handles the same
# my_chat_member update in group 0 (registration, greeting); this runs after it
BOT_RIGHTS_GROUP = 5

COMMANDS = [
    CommandSpec(
        "positions", N_("Positions on a message: reply to it with /positions"), topic="positions"
    ),
    CommandSpec(
        "notice",
        N_("Post a notice members confirm they have seen"),
        coordinator=True,
        topic="positions",
    ),
]
HELP = HelpTopic(
    "positions",
    N_("👍 Positions"),
    N_("reactions as positions, notices"),
    order=30,
    details=render.help_details,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.scheduler.add("reactions:notice-reminders", handlers.send_reminders)
    application.add_handlers(
        [
            MessageReactionHandler(
                handlers.reaction_changed,
                message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_UPDATED,
            ),
            MessageReactionHandler(
                handlers.reaction_counted,
                message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED,
            ),
            command("positions", handlers.positions),
            command("notice", handlers.notice),
            CallbackQueryHandler(handlers.seen_pressed, pattern=SeenNotice.pattern()),
        ]
    )
    application.add_handler(
        ChatMemberHandler(handlers.bot_rights_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        group=BOT_RIGHTS_GROUP,
    )
