"""Monitoring: the weekly digest, /status, and public recognition."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram.ext import Application

from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.monitoring import handlers, render
from bot.monitoring.service import RECOGNIZE_EXAMPLE

COMMANDS = [
    CommandSpec(
        "recognize", N_("Thank someone in the next digest: /recognize @ana why"), topic="digest"
    ),
    CommandSpec(
        "status", N_("The figures now: commitments, next meeting, completion"), topic="digest"
    ),
    CommandSpec(
        "digest", N_("The weekly digest: when, off, or now"), coordinator=True, topic="digest"
    ),
]
HELP = HelpTopic(
    "digest",
    N_("🗞 Digest"),
    N_("the weekly digest, thanks, the figures now"),
    order=70,
    details=partial(render.help_details, example=RECOGNIZE_EXAMPLE),
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.scheduler.add("monitoring:digests", handlers.due_digests)
    application.add_handlers(
        [
            command("digest", handlers.digest),
            command("recognize", handlers.recognize),
            command("status", handlers.status),
        ]
    )
