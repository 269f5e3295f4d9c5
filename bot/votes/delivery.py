"""The work that shows votes: refreshing the vote message, posting results, the due work.

A vote message is edited at most once per `service.EDIT_INTERVAL`, and so is any of a group's
(Telegram allows about 20 edits a minute in a group), whatever the rate of clicks: a click
marks the vote dirty in the database and asks for a refresh (a short JobQueue job, named per
vote so a burst asks once); the refresh claims the right to edit with one conditional UPDATE
and edits after the commit. The scheduler's tick sweeps dirty votes too, so an edit missed by
a restart still happens. A closed vote's result is posted once (`run_once`), and swept again
by the tick if a process stopped in between.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, TelegramError

from bot.core.db import as_utc
from bot.core.faults import log_failure
from bot.core.i18n import Translator, translator
from bot.core.moments import Local
from bot.core.quiet import release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each, run_once
from bot.groups import settings as group_settings
from bot.reactions.positions import meaning_label
from bot.reactions.service import sense_check
from bot.votes import decisions, positions, render, rules, service
from bot.votes.rules import VoteKind
from bot.votes.views import VoteView

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

MESSAGE_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


# -- refreshing the vote message --------------------------------------------------------


def refresh_job_name(vote_id: int) -> str:
    return f"votes:refresh:{vote_id}"


def schedule_refresh(
    application: Any, runtime: Runtime, vote_id: int, rendered_at: datetime | None
) -> None:
    """Ask for one refresh of the vote message, no sooner than the edit interval allows.
    Jobs are machinery, not state: the dirty flag in the database is the truth."""
    job_queue = application.job_queue
    name = refresh_job_name(vote_id)
    if job_queue is None or job_queue.get_jobs_by_name(name):
        return
    delay = 0.0
    if rendered_at is not None:
        delay = max(
            0.0, (rendered_at + service.EDIT_INTERVAL - runtime.clock.now()).total_seconds()
        )

    async def job(_context: Any) -> None:
        again = await refresh(runtime, vote_id, runtime.clock.now())
        if again is not None:
            schedule_refresh(application, runtime, vote_id, again - service.EDIT_INTERVAL)

    job_queue.run_once(job, when=delay, name=name)


async def refresh(runtime: Runtime, vote_id: int, now: datetime) -> datetime | None:
    """Edit the vote message if it is dirty and the interval allows; else when to try again."""
    async with runtime.db(short=True) as session:
        claimed, again = await service.claim_refresh(session, vote_id, now)
        v = await service.view(session, vote_id) if claimed else None
    if v is None or v.message_id is None:
        return again
    text, markup = render.vote_message(translator(v.language), v, now)
    try:
        await runtime.messenger.edit(v.chat_id, v.message_id, text, markup=markup)
    except BadRequest as exc:
        if any(gone in exc.message.lower() for gone in MESSAGE_GONE):
            log.info("vote %s: its message is gone (%s); no more edits", vote_id, exc.message)
            async with runtime.db() as session:
                await service.forget_message(session, vote_id)
            return None
        log.warning("vote %s: edit refused: %s", vote_id, exc.message)
    except TelegramError as exc:
        log_failure(log, exc, f"vote {vote_id}: edit failed; a later tick tries again")
        async with runtime.db() as session:
            await positions.mark_dirty(session, vote_id)
    return None


# -- the result of a closed vote -------------------------------------------------------


async def announce(runtime: Runtime, vote_id: int) -> None:
    """Once per closed vote: final state of the vote message (or stop the native poll), then
    the result as a reply to it."""

    async def work() -> None:
        async with runtime.db() as session:
            v = await service.view(session, vote_id)
        if v is None:
            return
        if v.group_active:
            await _post_result(runtime, v)
        async with runtime.db() as session:
            await decisions.mark_announced(session, vote_id, runtime.clock.now())

    await run_once(Tick.at_now(runtime), f"votes:announce:{vote_id}", work)


async def _post_result(runtime: Runtime, v: VoteView) -> None:
    messenger, now = runtime.messenger, runtime.clock.now()
    tr = translator(v.language)
    if v.message_id is not None:
        if v.kind == VoteKind.NATIVE:
            await messenger.stop_poll(v.chat_id, v.message_id)
        else:
            text, markup = render.vote_message(tr, v, now)
            try:
                await messenger.edit(v.chat_id, v.message_id, text, markup=markup)
            except BadRequest as exc:
                log.info("vote %s: final edit refused: %s", v.id, exc.message)
    async with runtime.db() as session:
        sense = await sense_of(session, tr, v)
    outcome = decisions.outcome_of(v)
    sent = await messenger.send(
        v.chat_id,
        render.result(tr, v, outcome, now, sense=sense),
        thread_id=v.thread_id,
        reply_to=v.message_id,
        markup=render.result_markup(tr, v, outcome.kind),
    )
    if sent:  # the backers' updates reply to the result
        async with runtime.db() as session:
            await decisions.record_result(session, v.id, sent[-1].message_id)


async def sense_of(session: AsyncSession, tr: Translator, v: VoteView) -> list[tuple[str, int]]:
    """The reactions members left on a proposal's message: a sense of the room, shown next
    to the formal result and never counted in it."""
    if v.kind != VoteKind.PROPOSAL or v.message_id is None:
        return []
    counts = await sense_check(session, v.chat_id, v.message_id)
    return [(meaning_label(tr, meaning), count) for meaning, count in counts.items()]


# -- due work ----------------------------------------------------------------------------


async def close_due(tick: Tick) -> None:
    """Votes past their deadline: closed exactly once (a conditional UPDATE), then announced."""
    async with tick.runtime.db() as session:
        due = await decisions.due_to_close(session, tick.now)

    async def close(vote_id: int) -> None:
        async with tick.runtime.db() as session:
            closed = await decisions.close_vote(
                session, vote_id, tick.now, hooks=tick.runtime.hooks
            )
        if closed:
            await announce(tick.runtime, vote_id)

    await for_each(due, close, lambda vote_id: f"closing vote {vote_id}")


async def announce_due(tick: Tick) -> None:
    """Closed votes whose result was not posted (the process stopped in between)."""
    async with tick.runtime.db() as session:
        pending = await decisions.unannounced(session)
    await for_each(
        pending,
        lambda vote_id: announce(tick.runtime, vote_id),
        lambda vote_id: f"result of vote {vote_id}",
    )


async def refresh_due(tick: Tick) -> None:
    async with tick.runtime.db() as session:
        dirty = await service.dirty_votes(session)
    await for_each(
        dirty,
        lambda vote_id: refresh(tick.runtime, vote_id, tick.now),
        lambda vote_id: f"refresh of vote {vote_id}",
    )


async def remind_due(tick: Tick) -> None:
    """Once per vote, a few hours before the deadline and outside quiet hours: mention the
    members who have not voted yet."""
    runtime = tick.runtime
    async with runtime.db() as session:
        candidates = await service.reminder_candidates(session, tick.now)

    async def remind(vote: Any) -> None:
        opened_at = as_utc(vote.opened_at)
        closes_at = as_utc(vote.closes_at)
        assert opened_at is not None and closes_at is not None
        due_at = closes_at - rules.reminder_lead(opened_at, closes_at)
        if due_at > tick.now:
            return
        async with runtime.db() as session:
            quiet, tz = await group_settings.quiet_hours(session, vote.group_id)
            if release_time(due_at, quiet, tz) > tick.now:
                return
            if not await service.claim_reminder(session, vote.id, tick.now):
                return
            missing = await service.not_voted(session, vote.id, vote.group_id)
            v = await service.view(session, vote.id)
        if not missing or v is None:
            return
        people = [
            (p.id, f"{p.first_name} {p.last_name}" if p.last_name else p.first_name)
            for p in missing
        ]
        text = render.reminder(
            translator(v.language), v.question, v.closes_at, Local(tz, tick.now), people
        )
        try:
            await runtime.messenger.send(
                v.chat_id, text, thread_id=v.thread_id, reply_to=v.message_id
            )
        except Exception:
            async with runtime.db() as session:  # not sent: a later tick tries again
                await service.release_reminder(session, vote.id, tick.now)
            raise

    await for_each(candidates, remind, lambda vote: f"reminder of vote {vote.id}")
