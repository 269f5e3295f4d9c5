"""Volunteer calls: `/call <what> | <how many> [| <date>]` (`/llamado` in Spanish, `/chamado`
in Portuguese): "I'm in" / "I can't", the tally against the target, and the volunteers turned
into one commitment."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler

from bot.calls import handlers
from bot.calls.callbacks import Answer, ToCommitment
from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command

DESCRIPTION = N_("Ask for volunteers: what, how many, when")
# one command, named in each language's menu by its own word; every name works in every group;
# /help shows it on the commitments page (what a covered call becomes)
NAMES = {"call": ("en",), "llamado": ("es",), "chamado": ("pt_BR",)}
COMMANDS = [
    CommandSpec(name, DESCRIPTION, languages=langs, topic="commitments")
    for name, langs in NAMES.items()
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime_of(application).commands.extend(COMMANDS)
    application.add_handlers(
        [
            *(command(name, handlers.call) for name in NAMES),
            CallbackQueryHandler(handlers.answer, pattern=Answer.pattern()),
            CallbackQueryHandler(handlers.to_commitment, pattern=ToCommitment.pattern()),
        ]
    )
