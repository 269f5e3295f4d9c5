"""The tick's work for commitments offered to people who have not accepted them (which are due
is `offers.py`):

- the one question to each person asked — a day after the assignment, or half-way to the due
  date if that is sooner, outside the group's quiet hours — in private with the buttons
  "I accept" / "I can't". Who never opened a private chat with the bot (or blocked it) is
  asked once in the group instead: one message per commitment mentioning them, with the same
  buttons (it is a card: a reply to it is the reason they cannot). Who left the group is not
  asked. Exactly once per commitment and person (`work_claims`, then a `commitment_asks` row).
- once its due date passed with nobody having accepted it: one message in the group
  mentioning whoever assigned it and the coordinators, exactly once per due date.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime
from html import escape
from typing import TypeVar

from bot.commitments import offer_texts, offers, render, service, views
from bot.core.i18n import translator
from bot.core.moments import Local
from bot.core.people import mention, person_name
from bot.core.quiet import QuietHours, release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each, run_each_once
from bot.groups import service as groups
from bot.groups.models import Group, Person

T = TypeVar("T")


PRIVATE, GROUP, NONE = "private", "group", "none"


def _ready(group: Group, at: datetime, now: datetime) -> bool:
    quiet = QuietHours.of(group.quiet_start, group.quiet_end)
    return release_time(at, quiet, group.timezone) <= now


# -- the question -------------------------------------------------------------------------------


async def due_asks(tick: Tick) -> None:
    async with tick.runtime.db() as session:
        due = await offers.due_asks(session, tick.now)
    await _each_group(tick, due, lambda a: a.at, _ask_key, send_asks, "questions")


def _ask_key(ask: offers.DueAsk) -> str:
    return f"cmt:ask:{ask.commitment_id}:{ask.person_id}"


async def _each_group(
    tick: Tick,
    due: Sequence[T],
    moment: Callable[[T], datetime],
    key: Callable[[T], str],
    send: Callable[[Runtime, int, list[T], datetime], Awaitable[list[T]]],
    what: str,
) -> None:
    """`due` group by group, each on its own (one group's failure holds back no other): those
    of an active group whose quiet hours let them out, each claimed once, then sent."""
    by_group: dict[int, list[T]] = {}
    for item in due:
        by_group.setdefault(item.group_id, []).append(item)  # type: ignore[attr-defined]
    runtime = tick.runtime

    async def one(entry: tuple[int, list[T]]) -> None:
        group_id, items = entry
        async with runtime.db() as session:
            group = await session.get(Group, group_id)
            if group is None or not group.active:
                return
            ready = [i for i in items if _ready(group, moment(i), tick.now)]

        async def claimed(batch: list[T]) -> list[T]:
            return await send(runtime, group_id, batch, tick.now)

        await run_each_once(tick, ready, key, claimed)

    await for_each(by_group.items(), one, lambda entry: f"commitment {what} of group {entry[0]}")


async def send_asks(
    runtime: Runtime, group_id: int, asks: list[offers.DueAsk], now: datetime
) -> list[offers.DueAsk]:
    """Each question in private if the person has a private chat with the bot; the rest in
    the group, one message per commitment. Returns those dealt with (still asked)."""
    async with runtime.db() as session:
        group = await session.get(Group, group_id)
        assert group is not None
        batch = []
        for ask in asks:
            found = await offers.still_asked(session, ask)
            person = await session.get(Person, ask.person_id)
            if found is None or person is None:
                continue
            view = await views.load_view(session, found, group.title)
            assigner = await offers.assigner(session, found)
            batch.append((ask, view, person, assigner))
    local = Local(group.timezone, now)
    outcomes: list[tuple[offers.DueAsk, str, int | None]] = []
    in_group: dict[int, tuple[render.CardView, Person | None, list[offers.DueAsk]]] = {}
    for ask, view, person, assigner in batch:
        message_id = await _ask_privately(runtime, group, person, view, assigner, local)
        if message_id is not None:
            outcomes.append((ask, PRIVATE, message_id))
        elif any(o.id == person.id and o.present for o in view.owners):
            in_group.setdefault(view.id, (view, assigner, []))[2].append(ask)
        else:
            outcomes.append((ask, NONE, None))  # they left the group
    tr = translator(group.language)
    cards: list[tuple[int, int]] = []
    for view, assigner, group_asks in in_group.values():
        asked = {a.person_id for a in group_asks}
        mentions = [mention(o.id, o.name) for o in view.owners if o.id in asked]
        who = mention(assigner.id, assigner.first_name, assigner.last_name) if assigner else None
        text = offer_texts.ask_text(
            tr, replace(view, group_title=None), who, local, mentions=mentions
        )
        sent = await runtime.messenger.send(
            group.chat_id, text, markup=offer_texts.ask_markup(tr, view)
        )
        if sent:
            cards.append((view.id, sent[-1].message_id))
        outcomes += [(a, GROUP if sent else NONE, None) for a in group_asks]
    async with runtime.db() as session:
        for commitment_id, message_id in cards:
            await service.record_card(session, commitment_id, message_id)
        for ask, channel, message_id in outcomes:
            await offers.ask_sent(session, ask, channel, message_id, now)
    return [ask for ask, _, _ in outcomes]


async def _ask_privately(
    runtime: Runtime,
    group: Group,
    person: Person,
    view: render.CardView,
    assigner: Person | None,
    local: Local,
) -> int | None:
    """The question in the person's private chat, in their language: its message id; None if
    they have no private chat with the bot, or blocked it (then they have none from now on)."""
    if not person.has_private_chat:
        return None
    tr = translator(person.language or person.language_code, group.language)
    who = escape(person_name(assigner.first_name, assigner.last_name)) if assigner else None
    text = offer_texts.ask_text(tr, view, who, local)
    sent = await runtime.messenger.send(person.id, text, markup=offer_texts.ask_markup(tr, view))
    if sent:
        return sent[-1].message_id
    async with runtime.db() as session:
        await groups.set_private_chat(session, person.id, False)
    return None


# -- past due, and nobody accepted it ------------------------------------------------------------


async def due_notices(tick: Tick) -> None:
    async with tick.runtime.db() as session:
        due = await offers.due_notices(session, tick.now)
    await _each_group(tick, due, lambda n: n.due_at, _notice_key, send_notices, "notices")


def _notice_key(notice: offers.DueNotice) -> str:
    return f"cmt:unaccepted:{notice.commitment_id}:{int(notice.due_at.timestamp())}"


async def send_notices(
    runtime: Runtime, group_id: int, notices: list[offers.DueNotice], now: datetime
) -> list[offers.DueNotice]:
    """One message per commitment, mentioning whoever assigned it and the coordinators."""
    async with runtime.db() as session:
        group = await session.get(Group, group_id)
        assert group is not None
        batch = []
        for notice in notices:
            found = await offers.still_unaccepted(session, notice)
            if found is None:
                continue
            view = await views.load_view(session, found)
            people = await offers.answerable(session, found, group)
            batch.append((notice, view, [mention(p.id, p.first_name, p.last_name) for p in people]))
    tr, local = translator(group.language), Local(group.timezone, now)
    outcomes = []
    for notice, view, mentions in batch:
        text = offer_texts.unaccepted_text(tr, view, local, mentions)
        sent = await runtime.messenger.send(group.chat_id, text)
        outcomes.append((notice, GROUP if sent else NONE))
    async with runtime.db() as session:
        for notice, channel in outcomes:
            await offers.notice_sent(session, notice, channel, now)
    return [notice for notice, _ in outcomes]
