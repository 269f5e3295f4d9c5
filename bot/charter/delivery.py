"""The work that shows the charter: the pinned rules and the notice of a new version.

A new version is shown once, whoever made it (bot.charter.publication holds the outbox): after
a coordinator's command, by the turn once it has committed; after a passed vote, by a JobQueue
job a moment later (`PUBLISH_DELAY`: the vote's transaction commits first); after a restart,
by the tick. The pinned message is edited in place; when Telegram will not edit it (deleted,
too old, no longer the bot's to edit) or the charter no longer fits one message, the charter is
posted again and pinned, and the old one unpinned where the bot may.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes, JobQueue

from bot.charter import publication, render, service
from bot.core.db import as_utc
from bot.core.faults import log_failure
from bot.core.i18n import Translator, translator
from bot.core.messenger import Messenger
from bot.core.moments import Local
from bot.core.quiet import QuietHours
from bot.core.runtime import Runtime, runtime_of
from bot.core.scheduler import Tick, for_each

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.charter.models import CharterVersion
    from bot.charter.publication import Publication

log = logging.getLogger(__name__)

PUBLISH_JOB = "charter:publish:{group_id}"
PUBLISH_DELAY = 2.0  # seconds after a vote passed: its transaction has committed by then


def view(version: CharterVersion) -> render.CharterView:
    return render.CharterView(
        id=version.id,
        number=version.number,
        goals=version.goals,
        schedule=version.schedule,
        rules=tuple(version.rules),
        methods=version.methods,
        created_at=as_utc(version.created_at),
    )


async def charter_messages(
    session: AsyncSession,
    tr: Translator,
    version: CharterVersion,
    group_id: int,
    local: Local,
    quiet: QuietHours | None,
) -> list[str]:
    """The whole charter, as the messages it takes (one, unless it is very long)."""
    accepted = await service.accepted_count(session, version.id)
    members = await service.member_count(session, group_id)
    blocks = render.charter_blocks(
        tr, view(version), local, accepted, members, quiet.label() if quiet else None
    )
    return render.pack(blocks)


async def pin(
    runtime: Runtime, tr: Translator, group_id: int, chat_id: int, message_id: int, number: int
) -> None:
    """Pin the charter's message; without the right to, say once how to allow it."""
    if await runtime.messenger.pin(chat_id, message_id):
        async with runtime.db() as session:
            await publication.record_pin(session, group_id, message_id, number)
        return
    async with runtime.db() as session:
        await publication.forget_pin(session, group_id)
        tell = await publication.claim_pin_hint(session, group_id, runtime.clock.now())
    if tell:
        await runtime.messenger.send(chat_id, render.pin_hint(tr))


# -- showing a new version -----------------------------------------------------------------


def amendment_hook(application: Any) -> Any:
    """The charter's `AMENDMENT_PASSED`: a passed proposal becomes a new version, shown a moment
    after the vote's transaction (the job only hurries the tick; the board is the truth)."""
    runtime = runtime_of(application)

    async def amend(
        session: AsyncSession, group_id: int, author_id: int | None, change: str, value: str
    ) -> int | None:
        number = await service.amend_by_vote(session, group_id, author_id, change, value)
        if number is not None:
            schedule_publish(application.job_queue, runtime, group_id)
        return number

    return amend


def schedule_publish(job_queue: JobQueue[Any] | None, runtime: Runtime, group_id: int) -> None:
    name = PUBLISH_JOB.format(group_id=group_id)
    schedule_once(job_queue, name, PUBLISH_DELAY, lambda: publish(runtime, group_id))


def schedule_once(
    job_queue: JobQueue[Any] | None,
    name: str,
    seconds: float,
    work: Callable[[], Awaitable[None]],
) -> None:
    """One delayed job of this name at a time; machinery, not state: what it does is in the
    database, and the tick does it if the job is lost with its process."""
    if job_queue is None or job_queue.get_jobs_by_name(name):
        return

    async def run(_context: ContextTypes.DEFAULT_TYPE) -> None:
        await work()

    job_queue.run_once(run, when=seconds, name=name)


async def publish_due(tick: Tick) -> None:
    async with tick.runtime.db() as session:
        due = await publication.due_groups(session, tick.now)
    await for_each(
        due,
        lambda group_id: publish(tick.runtime, group_id),
        lambda group_id: f"charter board of group {group_id}",
    )


async def publish(
    runtime: Runtime, group_id: int, *, thread_id: int | None = None, reply_to: int | None = None
) -> None:
    """Show the group's versions still due, if no other process is showing them; a failure
    of Telegram leaves them due for the tick. `thread_id`, `reply_to`: where a coordinator's
    command came from, for the notice."""
    while True:
        now = runtime.clock.now()
        async with runtime.db() as session:
            if not await publication.claim(session, group_id, now):
                return
            plan = await publication.publication(session, group_id, now)
            pinned: list[str] = []
            if plan is not None and plan.pin_due:
                group = plan.group
                quiet = QuietHours.of(group.quiet_start, group.quiet_end)
                tr = translator(group.language)
                local = Local(group.timezone, now)
                pinned = await charter_messages(session, tr, plan.version, group_id, local, quiet)
        shown: int | None = None
        try:
            if plan is not None and plan.group.active:
                await _show(runtime, plan, pinned, now, thread_id, reply_to)
                shown = plan.version.number
        except TelegramError as exc:
            log_failure(log, exc, f"charter of group {group_id} not shown; the tick tries again")
            async with runtime.db() as session:
                await publication.release(session, group_id)
            return
        except BaseException:
            async with runtime.db() as session:
                await publication.release(session, group_id)
            raise
        async with runtime.db() as session:
            await publication.finish(session, group_id, shown)
        thread_id = reply_to = None


async def _show(
    runtime: Runtime,
    plan: Publication,
    pinned: list[str],
    now: datetime,
    thread_id: int | None,
    reply_to: int | None,
) -> None:
    group, version = plan.group, plan.version
    tr = translator(group.language)
    markup = render.accept_keyboard(tr, version.id)
    messenger = runtime.messenger
    if plan.notice_due:
        asked = [(p.id, p.first_name, p.last_name) for p in plan.ask]
        changes = [render.ChangeLine(c.change, c.detail, c.author, c.by_vote) for c in plan.changes]
        text = render.version_notice(tr, version.number, changes, plan.base, asked)
        message_id, at = plan.edit_notice, plan.notice_at
        if message_id is None or not await _edit(
            messenger, group.chat_id, message_id, text, markup
        ):
            sent = await messenger.send(
                group.chat_id, text, thread_id=thread_id, reply_to=reply_to, markup=markup
            )
            if sent is None:  # the chat is gone
                return
            message_id, at = sent[-1].message_id, now
        async with runtime.db() as session:
            await publication.record_notice(
                session, group.id, message_id, version.number, plan.base, at or now
            )
    if plan.pin_due and plan.pinned_message_id is not None:
        await _follow(runtime, tr, plan, pinned, markup)


async def _edit(
    messenger: Messenger, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup
) -> bool:
    """Edit a message of the bot's in place: False when Telegram will not (it was deleted, or
    is too old to edit), and the caller posts a new one."""
    try:
        return await messenger.edit(chat_id, message_id, text, markup=markup)
    except BadRequest as exc:
        log.info("message %s in %s not edited: %s", message_id, chat_id, exc.message)
        return False


async def _follow(
    runtime: Runtime,
    tr: Translator,
    plan: Publication,
    texts: list[str],
    markup: InlineKeyboardMarkup,
) -> None:
    """The pinned rules follow the new version: edited in place, or posted again and pinned."""
    group, number, old = plan.group, plan.version.number, plan.pinned_message_id
    assert old is not None
    messenger = runtime.messenger
    if len(texts) == 1 and await _edit(messenger, group.chat_id, old, texts[0], markup):
        async with runtime.db() as session:
            await publication.record_pin(session, group.id, old, number)
        return
    sent = []
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        part = await messenger.send(group.chat_id, text, markup=markup if last else None)
        if part is None:  # the chat is gone
            return
        sent.extend(part)
    await pin(runtime, tr, group.id, group.chat_id, sent[0].message_id, number)
    await messenger.unpin(group.chat_id, old)  # where the bot may; it is no longer the rules
