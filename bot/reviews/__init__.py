""" "Try again" reviews: learn from what failed, share the learnings, re-plan."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.reviews import handlers, render
from bot.reviews.callbacks import TryAgain

# replies are read in a handler group of their own: other features read replies too
REPLY_GROUP = 8

COMMANDS = [
    CommandSpec("lessons", N_("What the group learnt from its reviews"), topic="reviews"),
    CommandSpec(
        "review",
        N_("Review what did not go as planned (reply to it)"),
        coordinator=True,
        topic="reviews",
    ),
]
HELP = HelpTopic(
    "reviews",
    N_("🔁 Reviews"),
    N_("learning from what did not go as planned"),
    order=60,
    details=render.help_details,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.scheduler.add("reviews:find-and-post", handlers.due_reviews)
    application.add_handlers(
        [
            command("review", handlers.review),
            command("lessons", handlers.lessons),
            CallbackQueryHandler(handlers.try_again, pattern=TryAgain.pattern()),
        ]
    )
    application.add_handler(
        MessageHandler(
            # the rarest test first: every group message is asked (bot.core.chatter)
            filters.REPLY & filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.TEXT
            & ~filters.COMMAND,
            handlers.reply,
        ),
        group=REPLY_GROUP,
    )  # fmt: skip
