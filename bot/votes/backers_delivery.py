"""Showing the backers' notes (bot.votes.backers): the tick's due work, and the hook by which
a commitment's change of state reaches them.

A due note is claimed, then posted as a reply under its decision's message (without the reply
when that message is gone) or, once posted, edited in place; `finish` records it. Flood control
gives the claim back until the wait Telegram asked for is over; other Telegram failures until a
backoff; a group that removed the bot (Forbidden) is given up on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.core.faults import log_failure
from bot.core.i18n import translator
from bot.core.messenger import Messenger, retry_seconds
from bot.core.moments import Local
from bot.core.outbox import backoff
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each
from bot.votes import backers
from bot.votes.backers_render import NoteLine, NoteView, Someone, note_text

if TYPE_CHECKING:
    from bot.groups.models import Person

log = logging.getLogger(__name__)


async def show_due(tick: Tick) -> None:
    async with tick.runtime.db() as session:
        due = await backers.due_notes(session, tick.now)
    await for_each(
        due,
        lambda note_id: show(tick.runtime, note_id, tick.now),
        lambda note_id: f"backers' note {note_id}",
    )


def _view(facts: backers.NoteFacts) -> NoteView:
    def someone(person: Person) -> Someone:
        return Someone(person.id, person.first_name, person.last_name)

    return NoteView(
        number=facts.number,
        what=facts.what,
        lines=tuple(
            NoteLine(
                line.number,
                line.text,
                line.change,
                line.due_at,
                tuple(someone(p) for p in line.owners),
            )
            for line in facts.lines
        ),
        backers=tuple(someone(p) for p in facts.backers),
    )


async def show(runtime: Runtime, note_id: int, now: datetime) -> None:
    async with runtime.db() as session:
        revision = await backers.claim(session, note_id, now)
        if revision is None:
            return  # shown meanwhile, or another process is showing it
        facts = await backers.note_facts(session, note_id)
    if facts is None or not facts.active or not facts.lines:
        async with runtime.db() as session:
            await backers.finish(session, note_id, revision, None)
        return
    tr = translator(facts.language)
    text = note_text(tr, _view(facts), Local(facts.timezone, now))
    try:
        message_id = await _post(runtime.messenger, facts, text)
    except RetryAfter as exc:
        wait = timedelta(seconds=retry_seconds(exc))
        log.warning("backers' note %s: flood control, again in %s", note_id, wait)
        async with runtime.db() as session:
            await backers.later(
                session, note_id, now, wait=wait, revision=revision, backoff=backoff
            )
        return
    except TelegramError as exc:
        log_failure(log, exc, f"backers' note {note_id} not shown; the tick tries again")
        async with runtime.db() as session:
            await backers.later(
                session, note_id, now, wait=None, revision=revision, backoff=backoff
            )
        return
    async with runtime.db() as session:
        await backers.finish(session, note_id, revision, message_id)


async def _post(messenger: Messenger, facts: backers.NoteFacts, text: str) -> int | None:
    """The note's message: the reply edited in place, else a new reply under the decision's
    message (or, that one gone, a message of its own). None when the chat is gone."""
    if facts.message_id is not None:
        try:
            if await messenger.edit(facts.chat_id, facts.message_id, text, patient=False):
                return facts.message_id
            return None
        except BadRequest as exc:  # deleted, or too old to edit: post it again
            log.info("backers' note: edit refused (%s); posting it again", exc.message)
    try:
        sent = await messenger.send(
            facts.chat_id, text, thread_id=facts.thread_id, reply_to=facts.reply_to, patient=False
        )
    except BadRequest as exc:
        if facts.reply_to is None or "repl" not in exc.message.lower():
            raise
        sent = await messenger.send(facts.chat_id, text, thread_id=facts.thread_id, patient=False)
    return sent[-1].message_id if sent else None
