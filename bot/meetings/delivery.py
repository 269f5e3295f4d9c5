"""The meetings feature's scheduled messages: the reminders before a confirmed meeting and
the attendance prompt when it ends (due work of the scheduler's tick, sent outside any
transaction, each once through `run_once`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Message

from bot.core.db import as_utc
from bot.core.i18n import Translator, translator
from bot.core.moments import Local
from bot.core.people import mention
from bot.core.quiet import QuietHours, release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each, run_once
from bot.groups.models import Group
from bot.meetings import render, service
from bot.meetings.models import MAYBE, YES, Meeting, MeetingSlot


async def due_reminders(tick: Tick) -> None:
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        coming = await service.confirmed_between(session, now, now + service.MAX_REMINDER_BEFORE)
        plans = []
        for item in coming:
            group = await session.get(Group, item.group_id)
            if group is None or not group.active:
                continue
            offsets = await service.reminder_minutes(session, item.group_id)
            plans.append((item, group, offsets))
    await for_each(
        plans,
        lambda plan: _remind(tick, *plan),
        lambda plan: f"reminder of meeting {plan[0].id} (group {plan[1].id})",
    )


async def _remind(tick: Tick, item: Meeting, group: Group, offsets: list[int]) -> None:
    """Send the latest reminder that is due; older ones missed while the bot was down are
    marked done without being sent (one reminder, the most useful, not a burst)."""
    runtime, now = tick.runtime, tick.now
    starts_at = as_utc(item.starts_at)
    assert starts_at is not None
    due = sorted(m for m in offsets if starts_at - timedelta(minutes=m) <= now)
    if not due:
        return
    closest, *older = due
    quiet = QuietHours.of(group.quiet_start, group.quiet_end)
    released = release_time(starts_at - timedelta(minutes=closest), quiet, group.timezone)
    if released > now and released < starts_at:
        return  # quiet hours: a later tick sends it

    async def nothing() -> None:
        return None

    for minutes in older:
        await run_once(tick, f"meetings:reminder:{item.id}:{minutes}", nothing)

    async def send() -> None:
        if released >= starts_at:
            return  # the quiet hours last until the meeting: no point any more
        async with runtime.db() as session:
            people = await service.people_answering(
                session, item.confirmed_slot_id or 0, (YES, MAYBE)
            )
            slot = await session.get(MeetingSlot, item.confirmed_slot_id or 0)
        tr = translator(group.language)
        names = [mention(p.id, p.first_name, p.last_name) for p in people]
        text = render.reminder(
            tr,
            item.title,
            starts_at,
            slot.place if slot else None,
            Local(group.timezone, now),
            names,
        )
        await runtime.messenger.send(group.chat_id, text, thread_id=item.thread_id)

    await run_once(tick, f"meetings:reminder:{item.id}:{closest}", send)


async def due_attendance(tick: Tick) -> None:
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        ended = await service.ended_unmarked(session, now)
        plans = [(item, await session.get(Group, item.group_id)) for item in ended]

    async def prompt(plan: tuple[Meeting, Group | None]) -> None:
        item, group = plan
        if group is None:
            return
        quiet = QuietHours.of(group.quiet_start, group.quiet_end)
        if release_time(as_utc(item.ends_at) or now, quiet, group.timezone) > now:
            return
        await run_once(tick, f"meetings:attendance:{item.id}", _prompt(runtime, item, group))

    await for_each(plans, prompt, lambda plan: f"attendance prompt of meeting {plan[0].id}")


def _prompt(runtime: Runtime, item: Meeting, group: Group) -> Callable[[], Awaitable[None]]:
    async def send() -> None:
        async with runtime.db() as session:
            if not await service.mark_held(session, item.id):
                return
        if not group.active:
            return
        tr: Translator = translator(group.language)
        text, markup = render.attendance_prompt(tr, item.title, item.id)
        sent: list[Message] | None = await runtime.messenger.send(
            group.chat_id, text, thread_id=item.thread_id, markup=markup
        )
        if sent:
            async with runtime.db() as session:
                await service.set_message(
                    session, item.id, attendance_message_id=sent[-1].message_id
                )

    return send
