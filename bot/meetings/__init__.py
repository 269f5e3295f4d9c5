"""Meetings: slot polls, confirmation with a calendar file, reminders, attendance, minutes."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler

from bot.core.i18n import N_, CommandSpec
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.meetings import delivery, handlers
from bot.meetings.callbacks import Attended, SlotAnswer, TakeTask

COMMANDS = [
    CommandSpec("meeting", N_("Propose a meeting: /meeting Title | date | date")),
    CommandSpec("meetings", N_("Coming meetings")),
    CommandSpec("minutes", N_("Record a meeting's minutes (Agreed: / Todo: lines)")),
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.scheduler.add("meetings:reminders", delivery.due_reminders)
    runtime.scheduler.add("meetings:attendance", delivery.due_attendance)
    application.add_handlers(
        [
            command("meeting", handlers.meeting),
            command("meetings", handlers.meetings),
            command("minutes", handlers.minutes),
            CallbackQueryHandler(handlers.answer, pattern=SlotAnswer.pattern()),
            CallbackQueryHandler(handlers.attended, pattern=Attended.pattern()),
            CallbackQueryHandler(handlers.take_task, pattern=TakeTask.pattern()),
        ]
    )
