"""Telegram updates of reviews, and the scheduled finding and posting of reviews."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import InlineKeyboardMarkup, MessageEntity

from bot.commitments import api as commitments_api
from bot.commitments import creating, grammar
from bot.commitments import service as commitments
from bot.commitments.kinds import Change
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.i18n import N_, Translator, translator
from bot.core.messenger import Messenger
from bot.core.moments import Local
from bot.core.people import is_person, mention
from bot.core.quiet import QuietHours, release_time
from bot.core.runtime import Runtime
from bot.core.scheduler import Tick, for_each
from bot.core.turn import Turn, handler
from bot.groups.models import Group
from bot.groups.service import find_person_by_username
from bot.meetings import api as meetings_api
from bot.meetings import service as meetings
from bot.reviews import render, service
from bot.reviews.callbacks import TryAgain
from bot.reviews.facts import COMMITMENT, VOTE, CommitmentFacts, Facts, MeetingFacts
from bot.reviews.models import Review, ReviewSubject
from bot.reviews.subjects import commitment_facts, find_subjects, meeting_facts, vote_facts
from bot.votes import api as votes_api
from bot.votes.service import vote_by_message

log = logging.getLogger(__name__)

WHAT_TO_REVIEW = N_(
    "Reply with /review to a commitment's card, a vote or a meeting's message, for example "
    "to the card of /commitment 3."
)


def _lines(tr: Translator, subjects: list[ReviewSubject], local: Local) -> list[str]:
    return [render.subject_line(tr, s.details, local) for s in subjects]


def _keyboard(tr: Translator, subjects: list[ReviewSubject]) -> InlineKeyboardMarkup | None:
    return render.try_again_keyboard(tr, [(s.id, s.details) for s in subjects])


def _post(
    runtime: Runtime,
    chat_id: int,
    review_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    thread_id: int | None = None,
) -> Callable[[Messenger], Awaitable[None]]:
    async def post(messenger: Messenger) -> None:
        sent = await messenger.send(chat_id, text, markup=markup, thread_id=thread_id)
        if sent:
            async with runtime.db() as session:
                await service.set_message(session, review_id, sent[-1].message_id, thread_id)

    return post


@handler(coordinator=True, groups_only=True)
async def review(turn: Turn) -> None:
    args = turn.args
    if args and args[0].lower() == "close":
        await close(turn)
        return
    message = turn.message
    assert message is not None
    replied = turn.replied
    now = turn.now
    subject_id: int = 0
    facts: Facts | None = None
    if replied is not None:
        card = await commitments.by_card(turn.session, turn.group_id, replied.message_id)
        if card is not None:
            owners = await commitments.owners_of(turn.session, [card.id])
            subject_id = card.id
            accepted = [o.person for o in owners[card.id] if o.accepted]
            facts = commitment_facts(card, accepted, now)
        else:
            meeting = await meetings.by_message(turn.session, turn.group_id, replied.message_id)
            vote = await vote_by_message(turn.session, turn.group_id, replied.message_id)
            if meeting is not None:
                subject_id = meeting.id
                facts = await meeting_facts(turn.session, meeting, now)
            elif vote is not None:
                subject_id = vote.id
                facts = await vote_facts(turn.session, vote, now)
    if facts is None:
        raise DomainError(WHAT_TO_REVIEW)
    by = turn.user.id if is_person(turn.user) else None
    opened, subject = await service.open_manual(
        turn.session, turn.group_id, subject_id, facts, by, now
    )
    text = render.review_text(turn.tr, periodic=False, lines=_lines(turn.tr, [subject], turn.local))
    turn.then(
        _post(
            turn.runtime,
            turn.chat.id,
            opened.id,
            text,
            _keyboard(turn.tr, [subject]),
            turn.thread_id,
        )
    )


async def close(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.text is not None
    target: Review | None = None
    if (replied := turn.replied) is not None:
        target = await service.by_message(turn.session, turn.group_id, replied.message_id)
    if target is None:
        target = await service.latest_open(turn.session, turn.group_id)
    if target is None:
        raise DomainError(N_("There is no open review to close."))
    parts = message.text.split(None, 2)
    await service.close(turn.session, target, parts[2] if len(parts) > 2 else "", turn.now)
    found = await service.learnings(turn.session, target)
    text = render.learnings_text(
        turn.tr,
        target.summary or "",
        _lines(turn.tr, found.subjects, turn.local),
        {
            q: [(mention(p.id, p.first_name, p.last_name), t, late) for p, t, late in given]
            for q, given in found.answers.items()
        },
    )
    turn.reply(text)


@handler(groups_only=True)
async def lessons(turn: Turn) -> None:
    rows = []
    for item in await service.closed_reviews(turn.session, turn.group_id):
        found = await service.learnings(turn.session, item)
        count = sum(len(v) for v in found.answers.values())
        rows.append((item.closed_at, item.summary or "", count))
    turn.reply(render.lessons_text(turn.tr, rows, turn.local))


@handler(coordinator=True, groups_only=True)
async def try_again(turn: Turn) -> None:
    choice = turn.pressed(TryAgain)
    found = await service.subject(turn.session, turn.group_id, choice.subject_id)
    if found is None:
        raise DomainError(STALE_BUTTON)
    text = render.replan_prompt(turn.tr, found.details)
    runtime, chat_id, subject_id, thread_id = turn.runtime, turn.chat.id, found.id, turn.thread_id

    async def prompt(messenger: Messenger) -> None:
        sent = await messenger.send(chat_id, text, thread_id=thread_id)
        if sent:
            async with runtime.db() as session:
                subject = await session.get(ReviewSubject, subject_id)
                assert subject is not None
                subject.prompt_message_id = sent[-1].message_id

    turn.toast()
    turn.then(prompt)


@handler(groups_only=True)
async def reply(turn: Turn) -> None:
    """A reply to a review (an answer) or to a re-plan prompt (the new plan)."""
    message, replied = turn.message, turn.replied
    if message is None or replied is None or not is_person(turn.user):
        return
    assert turn.user is not None
    replied_id = replied.message_id
    found = await service.by_message(turn.session, turn.group_id, replied_id)
    if found is not None:
        await service.answer(turn.session, found, turn.user.id, message.text or "", turn.now)
        return
    item = await service.by_prompt(turn.session, turn.group_id, replied_id)
    if item is None:
        return
    facts = item.details
    if isinstance(facts, CommitmentFacts):
        await _replan_commitment(turn, item)
    elif isinstance(facts, MeetingFacts):
        await meetings_api.open_poll(turn, facts.title, message.text or "")
    else:
        new_id = await votes_api.reopen(turn, item.subject_id, message.text or "")
        await service.record_attempt(turn.session, VOTE, item.subject_id, new_id, item.review_id)


async def _replan_commitment(turn: Turn, item: ReviewSubject) -> None:
    message = turn.message
    assert message is not None and turn.user is not None
    original = await commitments.get(turn.session, turn.group_id, item.subject_id)
    if original is None:
        raise DomainError(STALE_BUTTON)
    text, owners = message.text or "", []
    for entity in message.entities:
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None:
            owners.append(entity.user.id)
        elif entity.type == MessageEntity.MENTION:
            known = await find_person_by_username(turn.session, message.parse_entity(entity))
            if known is None:
                raise DomainError(
                    N_("I don't know {username} yet. Ask them to write in the group first."),
                    username=message.parse_entity(entity),
                )
            owners.append(known.id)
        text = text.replace(message.parse_entity(entity), " ")
    if not owners:
        current = await commitments.owners_of(turn.session, [original.id])
        owners = [o.person.id for o in current[original.id] if o.present]
    if not owners:
        owners = [turn.user.id]
    now = turn.now
    due = grammar.read_due(
        text, tz=turn.identity.timezone, now=now, example=N_("viernes 18:00 @ana")
    )
    # a commitment that came from a decision stays the decision's (its log lists the new
    # attempt, and those who agreed hear of the re-plan); any other comes from the review
    source_kind, source_id = (
        (original.source_kind, original.source_id)
        if original.source_kind is not None and original.source_id is not None
        else ("review", item.id)
    )
    created = await creating.create_commitment(
        turn.session, turn.group_id, original.text, owners, due, [], turn.user.id,
        source_kind=source_kind, source_id=source_id, now=now,
    )  # fmt: skip
    await commitments.state_changed(
        turn.session, turn.runtime.hooks, created, Change.REPLANNED, now
    )

    attempt = await service.record_attempt(
        turn.session, COMMITMENT, original.id, created.id, item.review_id
    )
    turn.reply(render.replanned(turn.tr, attempt, created.number))
    await commitments_api.show_card(turn, created)


# -- scheduled ------------------------------------------------------------------------------------


async def due_reviews(tick: Tick) -> None:
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        await find_subjects(session, now)
        waiting = await service.groups_waiting(session)
    await for_each(
        waiting,
        lambda group_id: _post_daily(runtime, group_id, now),
        lambda group_id: f"daily review of group {group_id}",
    )
    async with runtime.db() as session:
        periodic = await service.periodic_due(session, now)
    await for_each(
        periodic,
        lambda due: _post_periodic(runtime, due[0], due[1], now),
        lambda due: f"periodic review of group {due[0]}",
    )


async def _group(runtime: Runtime, group_id: int, now: datetime) -> Group | None:
    async with runtime.db() as session:
        group = await session.get(Group, group_id)
    if group is None or not group.active:
        return None
    quiet = QuietHours.of(group.quiet_start, group.quiet_end)
    if release_time(now, quiet, group.timezone) > now:
        return None  # nothing during quiet hours
    return group


async def _post_daily(runtime: Runtime, group_id: int, now: datetime) -> None:
    group = await _group(runtime, group_id, now)
    if group is None:
        return
    async with runtime.db() as session:
        gathered = await service.gather(session, group_id, now)
        if gathered is None:
            return
        opened, subjects = gathered
        tr = translator(group.language)
        text = render.review_text(
            tr, periodic=False, lines=_lines(tr, subjects, Local(group.timezone, now))
        )
        markup = _keyboard(tr, subjects)
    await _post(runtime, group.chat_id, opened.id, text, markup)(runtime.messenger)


async def _post_periodic(
    runtime: Runtime, group_id: int, subjects: list[ReviewSubject], now: datetime
) -> None:
    group = await _group(runtime, group_id, now)
    if group is None:
        return
    async with runtime.db() as session:
        if not await service.mark_periodic(session, group_id, now) or not subjects:
            return
        opened = await service.open_periodic(session, group_id, now)
        tr = translator(group.language)
        text = render.review_text(
            tr, periodic=True, lines=_lines(tr, subjects, Local(group.timezone, now))
        )
    await _post(runtime, group.chat_id, opened.id, text, None)(runtime.messenger)
