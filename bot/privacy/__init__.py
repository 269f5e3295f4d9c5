"""Data rights: a member's copy (/mydata), a member's erasure (/forgetme), the group's
export (/export), what is stored (/privacy), and retention. It reads every feature's tables
through `Base.metadata`, so it sits above them all."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler

from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.privacy import handlers
from bot.privacy.callbacks import Forget

COMMANDS = [
    CommandSpec(
        "privacy",
        N_("What Minga stores, and what it never does"),
        in_private=True,
        topic="settings",
    ),
    CommandSpec(
        "mydata",
        N_("A copy of all your data"),
        in_groups=False,
        in_private=True,
        topic="settings",
    ),
    CommandSpec(
        "forgetme",
        N_("Erase you from Minga"),
        in_groups=False,
        in_private=True,
        topic="settings",
    ),
    CommandSpec(
        "export",
        N_("The group's records, sent to you in private"),
        coordinator=True,
        topic="settings",
    ),
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.scheduler.add("privacy:retention", handlers.retention)
    application.add_handlers(
        [
            command("privacy", handlers.privacy),
            command("mydata", handlers.mydata),
            command("forgetme", handlers.forgetme),
            command("export", handlers.export),
            CallbackQueryHandler(handlers.forget_button, pattern=Forget.pattern()),
        ]
    )
