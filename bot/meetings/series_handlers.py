"""`/meeting weekly thursday 19:00 | Title @ place` and `/meeting stop [n]`: meetings that
repeat (coordinators only; `bot.meetings.handlers.meeting` sends them here)."""

from __future__ import annotations

from bot.core.db import as_utc
from bot.core.messenger import Messenger
from bot.core.people import is_person
from bot.core.scheduler import Tick
from bot.core.turn import Turn
from bot.groups.settings import quiet_hours
from bot.meetings import recurrence, render, series, series_delivery
from bot.meetings.models import MeetingSeries
from bot.meetings.service import MAX_PLACE, MAX_TITLE

STOP = "stop"


def is_series_command(args: list[str]) -> bool:
    """`/meeting stop …` or `/meeting weekly …` (a coordinator's)."""
    if not args:
        return False
    return args[0].lower() == STOP or recurrence.looks_recurring(" ".join(args))


def view(row: MeetingSeries) -> render.SeriesView:
    return render.SeriesView(row.number, row.title, row.place, series.rule_of(row))


async def start(turn: Turn) -> None:
    """A new series: its first occurrence is confirmed now and announced right after the
    commit (the tick announces it if that fails); the next ones follow as each starts."""
    message = turn.message
    assert message is not None and message.text is not None
    parts = message.text.split(None, 1)
    request = recurrence.parse_request(
        parts[1] if len(parts) > 1 else "", max_title=MAX_TITLE, max_place=MAX_PLACE
    )
    quiet, tz = await quiet_hours(turn.session, turn.group_id)
    creator = turn.user.id if is_person(turn.user) else None  # type: ignore[union-attr]
    created = await series.create(
        turn.session,
        turn.group_id,
        request,
        tz=tz,
        quiet=quiet,
        now=turn.now,
        created_by=creator,
        thread_id=turn.thread_id,
    )
    runtime, now, meeting_id = turn.runtime, turn.now, created.first.id

    async def announce(_messenger: Messenger) -> None:
        await series_delivery.announce(Tick(runtime, now), meeting_id, quiet_matters=False)

    turn.then(announce)


async def stop(turn: Turn, args: list[str]) -> None:
    """Stop the only series, or the one numbered; the occurrence already announced stays."""
    number = int(args[0]) if args and args[0].isdigit() else None
    running = await series.running(turn.session, turn.group_id)
    if args and number is None and running:  # `/meeting stop asamblea`
        raise series.which_one(running)
    if number is None and len(running) > 1:
        lines = [render.series_item(turn.tr, view(row)) for row in running]
        turn.reply("\n".join([series.which_one(running).render(turn.tr), *lines]))
        return
    chosen = series.choose(running, number)
    stopped = await series.stop(turn.session, chosen, turn.now)
    coming = await series.coming_occurrence(turn.session, chosen.id, turn.now)
    turn.reply(
        render.series_stopped(
            turn.tr,
            chosen.title,
            as_utc(coming.starts_at) if coming is not None else None,
            turn.local,
            again=not stopped,
        )
    )
