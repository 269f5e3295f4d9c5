"""The commitments' reminders, as the scheduler's tick sends them: 24 h before the due date
and once overdue, to the owners who accepted, outside the group's quiet hours, exactly once
each (a `work_claims` claim per reminder). Which reminders are due, and the record of those
sent, are the service's (`service.due_reminders`, `still_due`, `reminder_sent`)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from telegram.error import BadRequest

from bot.commitments import render, service, views
from bot.commitments.kinds import Change
from bot.core.faults import chat_not_found, describe
from bot.core.i18n import translator
from bot.core.moments import Local
from bot.core.quiet import QuietHours, release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each, run_each_once
from bot.groups import service as groups
from bot.groups.models import Group

log = logging.getLogger(__name__)


async def due_reminders(tick: Tick) -> None:
    """24 h before the due date and once overdue, to the owners who accepted, outside the
    group's quiet hours; exactly once each. A group's reminders of one tick share one
    message, so that many commitments due together do not flood the chat."""
    async with tick.runtime.db() as session:
        due = await service.due_reminders(session, tick.now)
    by_group: dict[int, list[service.DueReminder]] = {}
    for reminder in due:
        by_group.setdefault(reminder.group_id, []).append(reminder)
    await for_each(
        by_group.items(),
        lambda item: remind_group(tick, *item),
        lambda item: f"reminders of group {item[0]}",
    )


def _claim_key(reminder: service.DueReminder) -> str:
    stamp = int(reminder.due_at.timestamp())
    return f"cmt:remind:{reminder.commitment_id}:{reminder.kind}:{stamp}"


async def remind_group(tick: Tick, group_id: int, reminders: list[service.DueReminder]) -> None:
    """The group's reminders that are out of quiet hours, each once (across ticks, restarts
    and processes), sent together."""
    runtime = tick.runtime
    async with runtime.db() as session:
        group = await session.get(Group, group_id)
        if group is None or not group.active:
            return
        quiet = QuietHours.of(group.quiet_start, group.quiet_end)
        ready = [r for r in reminders if release_time(r.at, quiet, group.timezone) <= tick.now]

    async def send(claimed: list[service.DueReminder]) -> list[service.DueReminder]:
        await send_reminders(runtime, group_id, claimed, tick.now)
        return claimed

    await run_each_once(tick, ready, _claim_key, send)


def channel(private_ok: bool, in_group: bool, group_sent: bool) -> str:
    """How a reminder went out, as `Reminder.channel` stores it: `private_ok`, some owner got
    it in private; `in_group`, some owner is mentioned in the group's message, which
    `group_sent` says went out."""
    if in_group and group_sent:
        return "mixed" if private_ok else "group"
    return "private" if private_ok else "none"


async def send_reminders(
    runtime: Runtime, group_id: int, reminders: list[service.DueReminder], now: datetime
) -> None:
    """Private messages to owners who started the bot; one message in the group mentioning
    the rest (and those who blocked the bot), skipping owners who left the group."""
    async with runtime.db() as session:
        group = await session.get(Group, group_id)
        assert group is not None
        batch = []
        for reminder in reminders:
            found = await service.still_due(session, reminder)
            if found is None:
                continue
            view = await views.load_view(session, found, group.title)
            owners = (await service.owners_of(session, [found.id]))[found.id]
            batch.append((reminder, view, [o for o in owners if o.accepted]))
    blocked: set[int] = set()  # owners who blocked the bot: the group it is, for them
    lines: list[tuple[render.CardView, str]] = []
    outcomes: list[tuple[service.DueReminder, bool, bool]] = []
    for reminder, view, owners in batch:
        private_ok, in_group = False, []
        for owner in owners:
            if await _send_private(runtime, group, owner, view, reminder.kind, blocked, now):
                private_ok = True
            elif owner.present:
                in_group.append(views.owner_view(owner))
        if in_group:
            lines.append((replace(view, owners=in_group), reminder.kind))
        outcomes.append((reminder, private_ok, bool(in_group)))
    group_sent = False
    if lines:
        text = render.group_reminders(translator(group.language), lines, Local(group.timezone, now))
        group_sent = bool(await runtime.messenger.send(group.chat_id, text))
    async with runtime.db() as session:
        for reminder, private_ok, in_group in outcomes:
            await service.reminder_sent(
                session, reminder, channel(private_ok, in_group, group_sent), now
            )
            if reminder.kind == service.OVERDUE:  # the decision's backers hear of it too
                late = await service.get(session, group_id, reminder.commitment_id)
                if late is not None:
                    await service.state_changed(session, runtime.hooks, late, Change.OVERDUE, now)


async def _send_private(
    runtime: Runtime,
    group: Group,
    owner: service.Owner,
    view: render.CardView,
    kind: str,
    blocked: set[int],
    now: datetime,
) -> bool:
    """The reminder in the owner's private chat, in their language, if they started the bot;
    False if they did not, or blocked it since, or their chat is not found any more (a deleted
    account): then they are `blocked`, and the group's message names them instead."""
    person = owner.person
    if not person.has_private_chat or person.id in blocked:
        return False
    tr = translator(person.language or person.language_code, group.language)
    text = render.reminder_text(tr, view, kind, Local(group.timezone, now), private=True)
    try:
        if await runtime.messenger.send(person.id, text):
            return True
    except BadRequest as exc:
        if not chat_not_found(exc):
            raise
        log.warning("%s; the group's reminder names them instead", describe(exc))
    blocked.add(person.id)
    async with runtime.db() as session:
        await groups.set_private_chat(session, person.id, False)
    return False
