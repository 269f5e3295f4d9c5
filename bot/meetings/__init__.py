"""Meetings: slot polls, confirmation with a calendar file, reminders, attendance, minutes."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram.ext import Application, CallbackQueryHandler

from bot.commitments import api as commitments
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.meetings import delivery, handlers, render, series_delivery
from bot.meetings import minutes as minutes_service
from bot.meetings.callbacks import Attended, SlotAnswer, TakeTask
from bot.meetings.minutes import EXAMPLE as MINUTES_EXAMPLE
from bot.meetings.minutes import TODO_EXAMPLE
from bot.meetings.recurrence import EXAMPLE as REPEATING_EXAMPLE
from bot.meetings.recurrence import MONTHLY_EXAMPLE
from bot.meetings.service import USAGE_EXAMPLE

COMMANDS = [
    CommandSpec("meeting", N_("Propose a meeting: /meeting Title | date | date"), topic="meetings"),
    CommandSpec("meetings", N_("Coming meetings"), topic="meetings"),
    CommandSpec(
        "minutes", N_("Record a meeting's minutes (Agreed: / Todo: lines)"), topic="meetings"
    ),
]
HELP = HelpTopic(
    "meetings",
    N_("📅 Meetings"),
    N_("dates, reminders, minutes"),
    order=40,
    details=partial(
        render.help_details,
        usage=USAGE_EXAMPLE,
        minutes=(MINUTES_EXAMPLE, TODO_EXAMPLE),
        repeating=(REPEATING_EXAMPLE, MONTHLY_EXAMPLE),
    ),
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.hooks.add(commitments.STATE_CHANGED, minutes_service.task_changed)
    runtime.scheduler.add("meetings:reminders", delivery.due_reminders)
    runtime.scheduler.add("meetings:attendance", delivery.due_attendance)
    runtime.scheduler.add("meetings:series", series_delivery.due_series)
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
