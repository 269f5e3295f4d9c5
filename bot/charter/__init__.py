"""Chat rules: the group's charter (goals, schedule, coexistence rules, working methods),
versioned, accepted by members, shown to newcomers, and quiet hours the bot obeys."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)

from bot.charter import delivery, handlers, render
from bot.charter.callbacks import Accept
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.votes import api as votes

# after the groups feature (group 0) has registered the newcomers
WELCOME_GROUP = 1

COMMANDS = [
    CommandSpec(
        "rules", N_("The chat rules: goals, schedule, coexistence rules, methods"), topic="rules"
    ),
]
HELP = HelpTopic(
    "rules",
    N_("📜 Rules"),
    N_("the chat rules and who accepted them"),
    order=10,
    details=render.help_details,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.scheduler.add("charter:welcomes", handlers.due_welcomes)
    runtime.scheduler.add("charter:publish", delivery.publish_due)
    runtime.hooks.add(votes.AMENDMENT_PASSED, delivery.amendment_hook(application))
    application.add_handlers(
        [
            command("rules", handlers.rules),
            CallbackQueryHandler(handlers.accept, pattern=Accept.pattern()),
        ]
    )
    application.add_handlers(
        [
            ChatMemberHandler(handlers.member_joined, ChatMemberHandler.CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, handlers.members_joined),
        ],
        group=WELCOME_GROUP,
    )
