"""Monitoring: the weekly digest, /status, and public recognition."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.monitoring import handlers

COMMANDS = [
    CommandSpec("recognize", N_("Thank someone in the next digest: /recognize @ana why")),
    CommandSpec("digest", N_("The weekly digest: when, off, or now"), coordinator=True),
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.scheduler.add("monitoring:digests", handlers.due_digests)
    application.add_handlers(
        [
            command("digest", handlers.digest),
            command("recognize", handlers.recognize),
        ]
    )
