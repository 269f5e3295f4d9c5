"""Repeating meetings, as the scheduler's due work: make each running series' next
occurrence once the previous one has started (`bot.meetings.series`), and announce each
occurrence once in its group — the same announcement and calendar file as a meeting
confirmed by hand, with a line saying it repeats. The announcement waits for the end of
the group's quiet hours; it is sent outside any transaction, once (`run_once`)."""

from __future__ import annotations

from bot.core.db import as_utc
from bot.core.i18n import span, translator
from bot.core.moments import Local
from bot.core.quiet import QuietHours, release_time
from bot.core.scheduler import Tick, for_each, run_once
from bot.groups.models import Group
from bot.meetings import ics, render, series, service
from bot.meetings.models import CONFIRMED, Meeting, MeetingSeries, MeetingSlot


async def due_series(tick: Tick) -> None:
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        due = await series.due(session, now)

    async def make(plan: tuple[MeetingSeries, Group]) -> None:
        row, group = plan
        starts_at = series.next_of(row, group.timezone, now)
        async with runtime.db() as session:  # a conflict: another process made it
            await series.make_occurrence(session, row, starts_at, now)

    await for_each(due, make, lambda plan: f"next meeting of series {plan[0].id}")
    async with runtime.db() as session:
        waiting = await series.unannounced(session, now)
    await for_each(
        waiting,
        lambda item: announce(tick, item.id, quiet_matters=True),
        lambda item: f"announcement of meeting {item.id}",
    )


async def announce(tick: Tick, meeting_id: int, *, quiet_matters: bool) -> None:
    """Announce a series' occurrence in its group, once. `quiet_matters`: wait for the end of
    the group's quiet hours (not when a coordinator has just asked for the series)."""
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        item = await session.get(Meeting, meeting_id)
        if item is None or item.series_id is None or item.confirmed_slot_id is None:
            return
        group = await session.get(Group, item.group_id)
        row = await session.get(MeetingSeries, item.series_id)
        slot = await session.get(MeetingSlot, item.confirmed_slot_id)
        offsets = await service.reminder_minutes(session, item.group_id)
    if group is None or not group.active or row is None or slot is None:
        return
    if item.status != CONFIRMED or item.announce_message_id is not None:
        return
    quiet = QuietHours.of(group.quiet_start, group.quiet_end)
    if quiet_matters and release_time(now, quiet, group.timezone) > now:
        return  # a later tick, after the quiet hours
    starts_at = as_utc(slot.starts_at)
    tr, local = translator(group.language), Local(group.timezone, now)
    view = render.SlotView(slot.id, 1, starts_at, slot.place, (), (), 0)
    caption = "\n".join(
        [
            render.announcement(tr, item.title, view, local, [span(tr, m) for m in offsets]),
            render.series_line(tr, series.rule_of(row)),
        ]
    )
    calendar = ics.calendar(
        uid=f"minga-meeting-{item.id}@minga",
        title=item.title,
        starts_at=starts_at,
        ends_at=as_utc(slot.ends_at),
        place=slot.place,
        description=tr.gettext("Meeting of {group}", group=group.title or "Minga"),
        now=now,
    )

    async def send() -> None:
        sent = await runtime.messenger.send_document(
            group.chat_id, calendar, "meeting.ics", caption=caption, thread_id=item.thread_id
        )
        if sent is not None:
            async with runtime.db() as session:
                await service.set_message(session, item.id, announce_message_id=sent.message_id)

    await run_once(tick, f"meetings:series-announce:{item.id}", send)
