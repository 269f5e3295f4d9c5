"""Commitments and responsibilities: who does what, by when, with what resources; every
change kept in a history, reminders before and after the due date."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.commitments import buttons, handlers, reminders
from bot.commitments.callbacks import (
    Accept,
    AskProgress,
    Back,
    Block,
    Done,
    Help,
    Page,
    Resume,
    SetProgress,
)
from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command

# replies to a card (the reason a commitment is blocked): a handler group of its own, so that
# other features' reply handlers in other groups still see every reply
REPLY_GROUP = 7

COMMANDS = [
    CommandSpec("commit", N_("Commit to a task: /commit what @who by when needs what")),
    CommandSpec("mine", N_("Your open commitments"), in_private=True),
    CommandSpec("commitments", N_("The group's commitments board")),
    CommandSpec("commitment", N_("One commitment and its history; change its date or owners")),
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.scheduler.add("commitments:reminders", reminders.due_reminders)
    application.add_handlers(
        [
            command("commit", handlers.commit),
            command("mine", handlers.mine),
            command("commitments", handlers.board),
            command("commitment", handlers.commitment),
            CallbackQueryHandler(buttons.done, pattern=Done.pattern()),
            CallbackQueryHandler(buttons.ask_progress, pattern=AskProgress.pattern()),
            CallbackQueryHandler(buttons.set_progress, pattern=SetProgress.pattern()),
            CallbackQueryHandler(buttons.back, pattern=Back.pattern()),
            CallbackQueryHandler(buttons.block, pattern=Block.pattern()),
            CallbackQueryHandler(buttons.resume, pattern=Resume.pattern()),
            CallbackQueryHandler(buttons.ask_help, pattern=Help.pattern()),
            CallbackQueryHandler(buttons.accept, pattern=Accept.pattern()),
            CallbackQueryHandler(handlers.board_page, pattern=Page.pattern()),
        ]
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS
            & filters.UpdateType.MESSAGE
            & filters.REPLY
            & filters.TEXT
            & ~filters.COMMAND,
            handlers.reason_reply,
        ),
        group=REPLY_GROUP,
    )
