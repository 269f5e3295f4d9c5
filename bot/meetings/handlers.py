"""Telegram updates of the meetings feature (its scheduled messages are in `delivery.py`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import Message
from telegram.error import BadRequest

from bot.core import outbox
from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_, span
from bot.core.messenger import Messenger
from bot.core.people import is_person, mention
from bot.core.turn import Turn, handler
from bot.meetings import ics, render, series, series_handlers, service
from bot.meetings import minutes as minutes_service
from bot.meetings.callbacks import Attended, SlotAnswer, TakeTask
from bot.meetings.models import (
    ANSWERS,
    CONFIRMED,
    MAYBE,
    NO,
    POLLING,
    YES,
    Meeting,
    MeetingSlot,
    Minutes,
)
from bot.meetings.statuses import MeetingStatus
from bot.votes import backers

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

COORDINATOR_SUBS = {"confirm", "cancel", "reminders"}
REPLY_TO_MEETING = N_(
    "Reply to the meeting's message with the command, for example: /meeting confirm 1"
)


def _coordinator_only(args: list[str]) -> bool:
    return bool(args) and (
        args[0].lower() in COORDINATOR_SUBS or series_handlers.is_series_command(args)
    )


def message_link(chat_id: int, message_id: int | None) -> str | None:
    """A t.me link to a message of a supergroup (basic groups have none)."""
    text = str(chat_id)
    if message_id is None or not text.startswith("-100"):
        return None
    return f"https://t.me/c/{text[4:]}/{message_id}"


async def slot_views(session: AsyncSession, meeting_id: int) -> list[render.SlotView]:
    return [_view(tally.slot, tally) for tally in await service.tallies(session, meeting_id)]


def _view(slot: MeetingSlot, tally: service.SlotTally | None = None) -> render.SlotView:
    def names(choice: str) -> list[str]:
        people = tally.people[choice] if tally else []
        return [mention(p.id, p.first_name, p.last_name) for p in people]

    return render.SlotView(
        id=slot.id,
        position=slot.position,
        starts_at=as_utc(slot.starts_at),
        place=slot.place,
        yes=names(YES),
        maybe=names(MAYBE),
        no=tally.count(NO) if tally else 0,
    )


def _best(views: list[render.SlotView]) -> int | None:
    return service.best_slot([(v.position, len(v.yes), len(v.maybe)) for v in views])


@handler(coordinator=_coordinator_only, groups_only=True)
async def meeting(turn: Turn) -> None:
    args = turn.args
    sub = args[0].lower() if args else ""
    if sub == "confirm":
        await confirm(turn, args[1:])
    elif sub == "cancel":
        await cancel(turn)
    elif sub == "attendance":
        await attendance(turn)
    elif sub == "reminders":
        await reminders(turn, args[1:])
    elif sub == series_handlers.STOP:
        await series_handlers.stop(turn, args[1:])
    elif series_handlers.is_series_command(args):
        await series_handlers.start(turn)
    else:
        await propose(turn)


async def propose(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.text is not None
    parts = message.text.split(None, 1)
    text = parts[1] if len(parts) > 1 else ""
    title, slots = service.parse_request(text, tz=turn.identity.timezone, now=turn.now)
    await post_poll(turn, title, slots)


async def post_poll(turn: Turn, title: str, slots: Sequence[service.SlotSpec]) -> int:
    """A new slot poll, posted in the turn's chat after the commit (its message id is stored
    then). Returns the meeting id. For `/meeting` and for other features (`api.open_poll`)."""
    creator = turn.user.id if is_person(turn.user) else None  # type: ignore[union-attr]
    created = await service.create(
        turn.session, turn.group_id, title, slots, creator, turn.thread_id
    )
    views = await slot_views(turn.session, created.id)
    text = render.poll_text(turn.tr, title, views, turn.local, None)
    markup = render.poll_keyboard(views)
    runtime, chat_id, thread_id, meeting_id = turn.runtime, turn.chat.id, turn.thread_id, created.id

    async def post(messenger: Messenger) -> None:
        sent = await messenger.send(chat_id, text, thread_id=thread_id, markup=markup)
        if sent:
            async with runtime.db() as session:
                await service.set_message(session, meeting_id, poll_message_id=sent[-1].message_id)

    turn.then(post)
    return created.id


async def _target(turn: Turn, *, statuses: tuple[MeetingStatus, ...] | None = None) -> Meeting:
    """The meeting a command is about: the one whose message was replied to, or the only one
    in the wanted state."""
    message = turn.message
    assert message is not None
    replied = turn.replied
    if replied is not None:
        found = await service.by_message(turn.session, turn.group_id, replied.message_id)
        if found is not None:
            return found
    if statuses is not None:
        candidates = [
            m
            for m in await service.upcoming(turn.session, turn.group_id, turn.now)
            if m.status in statuses
        ]
        if len(candidates) == 1:
            return candidates[0]
    raise DomainError(REPLY_TO_MEETING)


async def confirm(turn: Turn, args: list[str]) -> None:
    if not args or not args[0].isdigit():
        raise DomainError(
            N_("Say which option, as a reply to the meeting's message: /meeting confirm 2")
        )
    target = await _target(turn, statuses=(POLLING,))
    slot = await service.confirm(turn.session, target, int(args[0]))
    local = turn.local
    view = _view(slot)
    offsets = await service.reminder_minutes(turn.session, turn.group_id)
    caption = render.announcement(
        turn.tr, target.title, view, local, [span(turn.tr, m) for m in offsets]
    )
    closed = render.poll_closed(turn.tr, target.title, view, local)
    description = turn.tr.gettext("Meeting of {group}", group=turn.chat.title or "Minga")
    calendar = ics.calendar(
        uid=f"minga-meeting-{target.id}@minga",
        title=target.title,
        starts_at=view.starts_at,
        ends_at=as_utc(slot.ends_at) or view.starts_at,
        place=slot.place,
        description=description,
        now=turn.now,
    )
    runtime, chat_id, thread_id = turn.runtime, turn.chat.id, target.thread_id
    poll_id, meeting_id = target.poll_message_id, target.id

    async def announce(messenger: Messenger) -> None:
        if poll_id is not None:
            await _edit_quietly(messenger, chat_id, poll_id, closed)
        sent = await messenger.send_document(
            chat_id, calendar, "meeting.ics", caption=caption, thread_id=thread_id
        )
        if sent is not None:
            async with runtime.db() as session:
                await service.set_message(session, meeting_id, announce_message_id=sent.message_id)

    turn.then(announce)


async def _edit_quietly(messenger: Messenger, chat_id: int, message_id: int, text: str) -> None:
    try:
        await messenger.edit(chat_id, message_id, text)
    except BadRequest as exc:  # the message was deleted: nothing to update
        log.info("meeting message %s in %s not edited: %s", message_id, chat_id, exc.message)


async def cancel(turn: Turn) -> None:
    target = await _target(turn, statuses=(POLLING, CONFIRMED))
    await service.cancel(turn.session, target, turn.now)
    turn.reply(render.cancelled(turn.tr, target.title))
    if target.poll_message_id is not None and target.status == POLLING:
        chat_id, message_id = turn.chat.id, target.poll_message_id
        text = render.poll_closed(turn.tr, target.title, None, turn.local)

        async def close(messenger: Messenger) -> None:
            await _edit_quietly(messenger, chat_id, message_id, text)

        turn.then(close)


async def _replied_or_latest_held(turn: Turn, message: Message) -> Meeting | None:
    """The meeting whose message this one replies to, else the latest that took place."""
    target, replied = None, turn.replied
    if replied is not None:
        target = await service.by_message(turn.session, turn.group_id, replied.message_id)
    return target or await service.latest_held(turn.session, turn.group_id, turn.now)


async def attendance(turn: Turn) -> None:
    message = turn.message
    assert message is not None
    target = await _replied_or_latest_held(turn, message)
    if target is None or target.confirmed_slot_id is None:
        raise DomainError(N_("No meeting has taken place yet. Attendance is asked after it."))
    people = await service.attendees(turn.session, target.id)
    expected = await service.people_answering(turn.session, target.confirmed_slot_id, (YES, MAYBE))
    names = [mention(p.id, p.first_name, p.last_name) for p in people]
    turn.reply(render.attendance_list(turn.tr, target.title, names, len(expected)))


async def reminders(turn: Turn, args: list[str]) -> None:
    minutes = service.parse_reminders(args)
    await service.set_reminder_minutes(turn.session, turn.group_id, minutes)
    turn.reply(render.reminders_set(turn.tr, [span(turn.tr, m) for m in minutes]))


@handler(groups_only=True)
async def meetings(turn: Turn) -> None:
    rows = []
    for item in await service.upcoming(turn.session, turn.group_id, turn.now):
        message_id = item.announce_message_id or item.poll_message_id
        rows.append((item.title, as_utc(item.starts_at), message_link(turn.chat.id, message_id)))
    running = await series.running(turn.session, turn.group_id)
    repeating = [series_handlers.view(row) for row in running]
    turn.reply(render.meetings_list(turn.tr, rows, turn.local, repeating))


@handler(groups_only=True)
async def minutes(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.text is not None
    target = await _replied_or_latest_held(turn, message)
    if target is None:
        raise DomainError(
            N_("Reply to the meeting's announcement with /minutes and the text of the minutes.")
        )
    parts = message.text.split(None, 1)
    author = turn.user.id if is_person(turn.user) else None  # type: ignore[union-attr]
    saved = await minutes_service.save_minutes(
        turn.session, target, author, parts[1] if len(parts) > 1 else "", turn.now
    )
    text, markup = render.minutes_saved(
        turn.tr, target.title, saved.id, len(saved.agreed), saved.todo, {}, saved.decisions
    )
    turn.post(
        turn.chat.id,
        text,
        markup,
        thread_id=turn.thread_id,
        reply_to=message.message_id,
        after=MINUTES_SENT,
        after_args={"group_id": turn.group_id, "numbers": list(saved.decisions)},
    )


MINUTES_SENT = "meetings.minutes"


@outbox.after_sent(MINUTES_SENT)
async def _minutes_sent(
    session: AsyncSession, args: dict[str, Any], message_ids: list[int]
) -> None:
    """The minutes' message is where their agreements' backers get their updates."""
    await backers.record_message(session, args["group_id"], args["numbers"], message_ids[-1])


# -- buttons ------------------------------------------------------------------------------


async def _meeting_of_group(turn: Turn, meeting_id: int) -> Meeting:
    """The button's meeting, if it is one of the pressing chat's group; else the stale-button
    answer (a button copied from another group changes nothing here)."""
    found = await turn.session.get(Meeting, meeting_id)
    if found is None or turn.identity.group_id is None or found.group_id != turn.group_id:
        raise DomainError(STALE_BUTTON)
    return found


@handler()
async def answer(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(SlotAnswer)
    slot = await turn.session.get(MeetingSlot, choice.slot_id)
    if slot is None or choice.answer not in ANSWERS:
        raise DomainError(STALE_BUTTON)
    found = await _meeting_of_group(turn, slot.meeting_id)
    if found.status != POLLING:
        turn.toast(turn.tr.gettext("This date poll is closed."))
        return
    changed = await service.answer(turn.session, slot.id, turn.user.id, choice.answer, turn.now)

    if not changed:
        turn.toast(turn.tr.gettext("You had already answered that."))
        return
    turn.toast(
        turn.tr.gettext(
            "Saved: {mark} for option {n}.", mark=render.MARKS[choice.answer], n=slot.position
        )
    )
    views = await slot_views(turn.session, found.id)
    turn.edit(
        render.poll_text(turn.tr, found.title, views, turn.local, _best(views)),
        render.poll_keyboard(views),
    )


@handler()
async def attended(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(Attended)
    found = await _meeting_of_group(turn, choice.meeting_id)
    if await service.attend(turn.session, found.id, turn.user.id):
        turn.toast(turn.tr.gettext("Thank you for coming!"))
    else:
        turn.toast(turn.tr.gettext("You are already on the list."))


@handler()
async def take_task(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(TakeTask)
    minutes = await turn.session.get(Minutes, choice.minutes_id)
    if minutes is None or not 0 <= choice.position < len(minutes.todo):
        raise DomainError(STALE_BUTTON)
    found = await _meeting_of_group(turn, minutes.meeting_id)
    fresh, number = await minutes_service.take_task(
        turn.session, minutes, choice.position, turn.user.id, turn.now
    )
    if fresh:
        turn.toast(
            turn.tr.gettext(
                "Commitment #{number} is yours. See it: /commitment {number}", number=number
            )
        )
    else:
        turn.toast(turn.tr.gettext("That task is already commitment #{number}.", number=number))
    taken_by = await minutes_service.tasks_taken(turn.session, minutes.id)
    taken = {
        position: (n, mention(p.id, p.first_name, p.last_name))
        for position, (n, p) in taken_by.items()
    }
    text, markup = render.minutes_saved(
        turn.tr,
        found.title,
        minutes.id,
        len(minutes.agreed),
        minutes.todo,
        taken,
        minutes.decisions,
    )
    turn.edit(text, markup)
