"""Commitments and responsibilities: who does what, by when, with what resources; every
change kept in a history, reminders before and after the due date."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.commitments import answers, buttons, handlers, offering, reminders, render
from bot.commitments import callbacks as cb
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.groups.api import START_LINES

# replies to a card (the reason a commitment is blocked, or that someone asked cannot take it
# on) or to the private question: a handler group of its own, so that other features' reply
# handlers in other groups still see every reply
REPLY_GROUP = 7

COMMANDS = [
    CommandSpec(
        "commit", N_("Commit to a task: /commit what @who by when needs what"), topic="commitments"
    ),
    CommandSpec("mine", N_("Your open commitments"), in_private=True, topic="commitments"),
    CommandSpec("commitments", N_("The group's commitments board"), topic="commitments"),
    CommandSpec(
        "commitment",
        N_("One commitment and its history; change its date or owners"),
        topic="commitments",
    ),
]
HELP = HelpTopic(
    "commitments",
    N_("🤝 Commitments"),
    N_("who does what, by when"),
    order=50,
    details=render.help_details,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.hooks.add(START_LINES, handlers.start_lines)
    runtime.scheduler.add("commitments:reminders", reminders.due_reminders)
    runtime.scheduler.add("commitments:asks", offering.due_asks)
    runtime.scheduler.add("commitments:unaccepted", offering.due_notices)
    application.add_handlers(
        [
            command("commit", handlers.commit),
            command("mine", handlers.mine),
            command("commitments", handlers.board),
            command("commitment", handlers.commitment),
            CallbackQueryHandler(buttons.done, pattern=cb.Done.pattern()),
            CallbackQueryHandler(buttons.ask_progress, pattern=cb.AskProgress.pattern()),
            CallbackQueryHandler(buttons.set_progress, pattern=cb.SetProgress.pattern()),
            CallbackQueryHandler(buttons.back, pattern=cb.Back.pattern()),
            CallbackQueryHandler(buttons.block, pattern=cb.Block.pattern()),
            CallbackQueryHandler(buttons.resume, pattern=cb.Resume.pattern()),
            CallbackQueryHandler(buttons.ask_help, pattern=cb.Help.pattern()),
            CallbackQueryHandler(answers.accept, pattern=cb.Accept.pattern()),
            CallbackQueryHandler(answers.decline, pattern=cb.Decline.pattern()),
            CallbackQueryHandler(handlers.board_page, pattern=cb.Page.pattern()),
        ]
    )
    application.add_handler(
        MessageHandler(
            # the rarest test first: every group message is asked (bot.core.chatter)
            filters.REPLY
            & (filters.ChatType.GROUPS | filters.ChatType.PRIVATE)
            & filters.UpdateType.MESSAGE
            & filters.TEXT
            & ~filters.COMMAND,
            handlers.reason_reply,
        ),
        group=REPLY_GROUP,
    )
