"""Chat rules: the group's charter (goals, schedule, coexistence rules, working methods),
versioned, accepted by members, shown to newcomers, and quiet hours the bot obeys."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler

from bot.charter import delivery, handlers, render
from bot.charter.callbacks import Accept
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.groups.api import MEMBERS_JOINED
from bot.votes import api as votes

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
    # newcomers are queued for a welcome in the groups feature's turn that registers them
    runtime.hooks.add(MEMBERS_JOINED, handlers.welcome_later)
