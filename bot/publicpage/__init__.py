"""The opt-in public accountability page (`/public`): a read-only page at `/p/<slug>`, served
by `minga serve` (bot.web.public), with the group's goals, decisions and commitments; people
named only if they said yes in `/profile public`."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.publicpage import handlers

COMMANDS = [
    CommandSpec(
        "public",
        N_("The group's public page: on, off, its address"),
        coordinator=True,
        topic="digest",
    )
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime_of(application).commands.extend(COMMANDS)
    application.add_handler(command("public", handlers.public))
