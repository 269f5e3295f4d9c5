"""Telegram updates of the charter: /rules and its subcommands, the accept button, welcomes."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.ext import JobQueue

from bot.charter import delivery, publication, render, service
from bot.charter.callbacks import Accept
from bot.charter.models import CharterVersion
from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_, translator
from bot.core.messenger import Messenger
from bot.core.people import is_person, mention, person_name
from bot.core.quiet import BadQuietRange, QuietHours, release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each
from bot.core.turn import Turn, handler
from bot.groups import settings as group_settings
from bot.groups.models import Group
from bot.votes import api as votes

log = logging.getLogger(__name__)

EDITS = {"goals", "schedule", "methods", "add", "remove", "quiet", "pending"}
WELCOME_JOB = "charter:welcome:{group_id}"


def _coordinator_only(args: list[str]) -> bool:
    return bool(args) and args[0].lower() in EDITS


async def _charter_messages(turn: Turn, version: CharterVersion) -> list[str]:
    quiet, _ = await group_settings.quiet_hours(turn.session, turn.group_id)
    return await delivery.charter_messages(
        turn.session, turn.tr, version, turn.group_id, turn.local, quiet
    )


@handler(coordinator=_coordinator_only, groups_only=True)
async def rules(turn: Turn) -> None:
    args = turn.args
    if not args:
        await show(turn)
        return
    sub = args[0].lower()
    if sub in service.SECTIONS:
        await change(turn, sub, _rest(turn))
    elif sub == "add":
        await change(turn, service.RULE_ADDED, _rest(turn))
    elif sub == "remove":
        await change(turn, service.RULE_REMOVED, " ".join(args[1:]))
    elif sub == "propose":
        await propose(turn, args[1] if len(args) > 1 else "", _typed(turn, 3))
    elif sub == "quiet":
        await quiet(turn, " ".join(args[1:]))
    elif sub == "history":
        await history(turn)
    elif sub == "pending":
        await pending(turn)
    else:
        turn.reply(render.usage(turn.tr))


async def propose(turn: Turn, section: str, text: str) -> None:
    """`/rules propose <section> <text>`: a proposal that, once passed, amends the charter."""
    replied = turn.replied
    new = service.amendment_from(
        section,
        text,
        (replied.text or replied.caption or "") if replied else "",
        language=turn.identity.language,
    )
    question = render.amendment_question(turn.tr, new.section, new.text)
    await votes.propose_amendment(
        turn, question, new.section, new.text, new.tail, service.AMENDMENT_EXAMPLE
    )


def _typed(turn: Turn, words: int) -> str:
    """The text after the first `words` words of the command, newlines kept."""
    message = turn.message
    assert message is not None and message.text is not None
    parts = message.text.split(None, words)
    return parts[words] if len(parts) > words else ""


def _rest(turn: Turn) -> str:
    """The text after `/rules <sub>`, newlines kept; or the replied message's text."""
    message = turn.message
    assert message is not None and message.text is not None
    rest = _typed(turn, 2)
    replied = turn.replied
    if not rest.strip() and replied is not None:
        rest = replied.text or replied.caption or ""
    return rest


async def show(turn: Turn) -> None:
    version = await service.current(turn.session, turn.group_id)
    if version is None:
        turn.reply(render.no_charter(turn.tr))
        return
    messages = await _charter_messages(turn, version)
    markup = render.accept_keyboard(turn.tr, version.id)
    board = await publication.board(turn.session, turn.group_id)
    pin = board.pinned_version != version.number or board.pinned_message_id is None
    runtime, group_id, chat_id, thread_id = (
        turn.runtime,
        turn.group_id,
        turn.chat.id,
        turn.thread_id,
    )
    tr, number = turn.tr, version.number

    async def post(messenger: Messenger) -> None:
        sent = []
        for index, text in enumerate(messages):
            last = index == len(messages) - 1
            part = await messenger.send(
                chat_id, text, thread_id=thread_id, markup=markup if last else None
            )
            if part is None:
                return
            sent.extend(part)
        if pin:
            await delivery.pin(runtime, tr, group_id, chat_id, sent[0].message_id, number)

    turn.then(post)


async def change(turn: Turn, what: str, value: str) -> None:
    """A coordinator's change: a new version, shown once the turn has committed (the notice
    answers the command; changes close together share one, see bot.charter.publication)."""
    assert turn.user is not None
    author_id = None if not is_person(turn.user) else turn.user.id
    await service.amend(turn.session, turn.group_id, author_id, what, value)
    runtime, group_id, thread_id = turn.runtime, turn.group_id, turn.thread_id
    reply_to = turn.message.message_id if turn.message else None

    async def show(_messenger: Messenger) -> None:
        await delivery.publish(runtime, group_id, thread_id=thread_id, reply_to=reply_to)

    turn.then(show)


async def quiet(turn: Turn, value: str) -> None:
    value = value.strip()
    if value.lower() in {"off", "no", "none", "nada", "ninguna", "nenhuma", "desactivar"}:
        await group_settings.set_quiet_hours(turn.session, turn.group_id, None)
        turn.reply(render.quiet_off(turn.tr))
        return
    if not value:
        current, _ = await group_settings.quiet_hours(turn.session, turn.group_id)
        if current is None:
            turn.reply(render.quiet_off(turn.tr) + "\n/rules quiet 22:00-08:00")
        else:
            turn.reply(render.quiet_set(turn.tr, current.label()))
        return
    try:
        hours = QuietHours.parse(value)
    except BadQuietRange as exc:
        raise DomainError(
            N_(
                "I could not read “{value}”. "
                "Write the quiet hours like this: /rules quiet 22:00-08:00"
            ),
            value=value,
        ) from exc
    await group_settings.set_quiet_hours(turn.session, turn.group_id, hours)
    turn.reply(render.quiet_set(turn.tr, hours.label()))


async def history(turn: Turn) -> None:
    rows = await service.history(turn.session, turn.group_id)
    if not rows:
        turn.reply(render.no_charter(turn.tr))
        return
    turn.reply(
        render.history_text(
            turn.tr,
            [
                (
                    v.number,
                    as_utc(v.created_at),
                    v.change,
                    v.change_detail,
                    person_name(p.first_name, p.last_name) if p else None,
                )
                for v, p in rows
            ],
            turn.local,
        )
    )


async def pending(turn: Turn) -> None:
    version = await service.current(turn.session, turn.group_id)
    if version is None:
        turn.reply(render.no_charter(turn.tr))
        return
    people = await service.pending_members(turn.session, turn.group_id)
    names = [mention(p.id, p.first_name, p.last_name) for p in people]
    turn.reply(render.pending_text(turn.tr, version.number, names))


# -- the accept button --------------------------------------------------------------------


@handler()
async def accept(turn: Turn) -> None:
    assert turn.user is not None
    choice = turn.pressed(Accept)
    if turn.identity.group_id is None:
        raise DomainError(STALE_BUTTON)
    result = await service.accept(turn.session, turn.group_id, choice.version_id, turn.user.id)
    version = result.version
    if result.status == "unknown" or version is None:
        raise DomainError(STALE_BUTTON)
    if result.status == "accepted":
        turn.toast(
            turn.tr.gettext("Thank you! You accepted version {number}.", number=version.number)
        )
    elif result.status == "already":
        turn.toast(
            turn.tr.gettext("You had already accepted version {number}.", number=version.number)
        )
    else:  # outdated: show the current version in place of the old one
        turn.toast(
            turn.tr.gettext(
                "There is a newer version ({number}); this message now shows it. "
                "Read it and accept it.",
                number=version.number,
            ),
            alert=True,
        )
        messages = await _charter_messages(turn, version)
        if len(messages) == 1:
            turn.edit(messages[0], render.accept_keyboard(turn.tr, version.id))


# -- newcomers ----------------------------------------------------------------------------


async def welcome_later(turn: Turn, person_ids: list[int]) -> None:
    """Newcomers (`groups.api.MEMBERS_JOINED`, in the turn that registers them: a
    `chat_member` update or the `new_chat_members` service message) wait for a welcome."""
    if not await service.queue_welcome(turn.session, turn.group_id, person_ids, turn.now):
        return
    job_queue, runtime, group_id = turn.context.job_queue, turn.runtime, turn.group_id

    async def schedule(_messenger: Messenger) -> None:
        schedule_welcome(job_queue, runtime, group_id)

    turn.then(schedule)


def schedule_welcome(job_queue: JobQueue[Any] | None, runtime: Runtime, group_id: int) -> None:
    """One delayed job per group gathers everyone who joins meanwhile (the tick catches up
    after a restart: the waiting newcomers are in the database, not in this job)."""
    delivery.schedule_once(
        job_queue,
        WELCOME_JOB.format(group_id=group_id),
        service.WELCOME_DELAY.total_seconds() + 1,
        lambda: send_welcomes(runtime, runtime.clock.now(), [group_id]),
    )


async def due_welcomes(tick: Tick) -> None:
    await send_welcomes(tick.runtime, tick.now)


async def send_welcomes(
    runtime: Runtime, now: datetime, group_ids: list[int] | None = None
) -> None:
    """One welcome per group for everyone waiting, outside the group's quiet hours."""
    if group_ids is None:
        async with runtime.db() as session:
            group_ids = await service.groups_with_due_welcomes(session, now)

    async def welcome(group_id: int) -> None:
        async with runtime.db() as session:
            group = await session.get(Group, group_id)
            if group is None or not group.active:
                return
            hours = QuietHours.of(group.quiet_start, group.quiet_end)
            if release_time(now, hours, group.timezone) > now:
                return  # quiet hours: a later tick welcomes them
            version = await service.current(session, group_id)
            people = await service.claim_welcomes(session, group_id, now)
            if not people or version is None:
                return
            tr = translator(group.language)
            names = [mention(p.id, p.first_name, p.last_name) for p in people]
            text = render.welcome_text(tr, names, delivery.view(version))
            markup = render.accept_keyboard(tr, version.id)
            chat_id = group.chat_id
        try:
            await runtime.messenger.send(chat_id, text, markup=markup)
        except Exception:
            async with runtime.db() as session:  # not sent: they wait for a later tick
                await service.release_welcomes(session, group_id, [p.id for p in people], now)
            raise

    await for_each(group_ids, welcome, lambda group_id: f"welcome in group {group_id}")
