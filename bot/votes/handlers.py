"""Telegram updates of the votes feature: the commands, the buttons, reasons (replies to a vote
message) and native poll answers. Refreshing the vote message, posting results and the due
work are `delivery`'s.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypeVar

from telegram import Message, Update
from telegram.ext import filters

from bot.commitments import api as commitments
from bot.core.callbacks import STALE_BUTTON, Callback, StaleButton
from bot.core.claims import claim_update
from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.messenger import Messenger
from bot.core.people import is_person, person_info
from bot.core.permissions import is_coordinator
from bot.core.runtime import BotContext
from bot.core.turn import Turn, handler
from bot.groups import service as groups
from bot.groups.models import OBSERVER
from bot.votes import decisions as decision_log
from bot.votes import delivery, positions, render, service
from bot.votes.callbacks import Choose, ToCommitment
from bot.votes.rules import VoteKind

if TYPE_CHECKING:
    from bot.votes.models import Vote

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Callback)


def command_text(message: Message | None) -> str:
    """What follows the command, as typed (spaces and `|` kept)."""
    text = (message.text or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


# -- opening ------------------------------------------------------------------------------


@handler(groups_only=True)
async def propose(turn: Turn) -> None:
    identity = turn.identity
    new = service.proposal_from(
        command_text(turn.message), tz=identity.timezone, now=turn.now, language=identity.language
    )
    await open_vote(turn, new)


@handler(groups_only=True)
async def poll(turn: Turn) -> None:
    identity = turn.identity
    new = service.poll_from(
        command_text(turn.message), tz=identity.timezone, now=turn.now, language=identity.language
    )
    await open_vote(turn, new)


async def open_vote(turn: Turn, new: service.NewVote) -> int:
    """Open `new` in the turn's group, and post its message (or native poll) after the commit.
    The new vote's id."""
    opener = turn.user.id if turn.user and is_person(turn.user) else None
    vote_id = await service.open_vote(
        turn.session, turn.group_id, opener, turn.thread_id, new, turn.now
    )
    v = await service.view(turn.session, vote_id)
    assert v is not None
    runtime, now = turn.runtime, turn.now
    quote = turn.message.message_id if turn.message else None

    async def post(messenger: Messenger) -> None:
        poll_id: str | None = None
        if v.kind == VoteKind.NATIVE:
            sent = await messenger.send_poll(
                v.chat_id,
                v.question,
                v.options,
                multi=v.multi,
                thread_id=v.thread_id,
                reply_to=quote,
            )
            if sent is None or sent.poll is None:
                return
            message_id, poll_id = sent.message_id, sent.poll.id
        else:
            text, markup = render.vote_message(turn.tr, v, now)
            messages = await messenger.send(
                v.chat_id, text, thread_id=v.thread_id, reply_to=quote, markup=markup
            )
            if not messages:
                return
            message_id = messages[-1].message_id
        async with runtime.db() as session:
            await service.set_message(session, vote_id, message_id, poll_id)

    turn.then(post)
    return vote_id


# -- positions ----------------------------------------------------------------------------


def pressed_in_group(turn: Turn, kind: type[C]) -> tuple[C, int]:
    """The button of a group's message that was pressed, as `kind`, and who pressed it;
    anything else is the stale-button answer."""
    pressed = turn.pressed(kind)
    if turn.identity.group_id is None or turn.user is None:
        raise DomainError(STALE_BUTTON)
    return pressed, turn.user.id


OBSERVERS_DO_NOT_VOTE = N_(
    "You follow this group as an observer: observers do not vote. "
    "A coordinator can change that with /observer remove."
)


def _vote_pressed(update: Update) -> tuple[int, int] | None:
    """The vote a click holds (with other clicks) from its transaction's first statement on;
    None for a forged or outdated button (`choose` answers it, holding nothing)."""
    query = update.callback_query
    try:
        return positions.shared_hold(Choose.parse(query.data if query else None).vote)
    except StaleButton:
        return None


@handler(hold=_vote_pressed)
async def choose(turn: Turn) -> None:
    pressed, person_id = pressed_in_group(turn, Choose)
    if turn.identity.role == OBSERVER:
        raise DomainError(OBSERVERS_DO_NOT_VOTE)
    result = await positions.cast(
        turn.session,
        turn.group_id,
        pressed.vote,
        person_id,
        pressed.option,
        turn.now,
        turn.update.update_id,
        held=turn.held,
    )
    turn.toast(
        render.chosen_toast(turn.tr, result.kind, result.options, result.choices, result.changed)
    )
    if result.changed:
        application = turn.context.application
        runtime = turn.runtime

        async def refresh_soon(_messenger: Messenger) -> None:
            delivery.schedule_refresh(application, runtime, pressed.vote, result.rendered_at)

        turn.then(refresh_soon)


class _RepliesToBot(filters.MessageFilter):
    """A message replying to a message of a bot (the reasons for votes are such replies)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied is not None and replied.from_user is not None and replied.from_user.is_bot
        )


# the rarest test first: every group message is asked (bot.core.chatter)
REASON_FILTER = (
    _RepliesToBot()
    & filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGES
    & filters.TEXT
    & ~filters.COMMAND
)


@handler()
async def reason(turn: Turn) -> None:
    """A reply to a vote message from a member with a position: their reason (replaced).
    Said nothing back: the vote message shows ✍ by the name at its next edit."""
    message = turn.message
    assert message is not None and message.reply_to_message is not None
    replied = message.reply_to_message
    if (
        turn.identity.group_id is None
        or turn.user is None
        or replied.from_user is None
        or replied.from_user.id != turn.context.bot.id
        or not message.text
    ):
        return
    stored = await positions.set_reason(
        turn.session, turn.group_id, replied.message_id, turn.user.id, message.text, turn.now
    )
    if stored:
        vote = await service.vote_by_message(turn.session, turn.group_id, replied.message_id)
        assert vote is not None
        application, runtime, vote_id = turn.context.application, turn.runtime, vote.id

        async def refresh_soon(_messenger: Messenger) -> None:
            delivery.schedule_refresh(application, runtime, vote_id, None)

        turn.then(refresh_soon)


async def poll_answer(update: Update, context: BotContext) -> None:
    """A vote on a native poll, or its retraction (no options). Not tied to a chat, so it does
    not go through `@handler`; the same rules hold: one transaction with the update id."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not is_person(answer.user):
        return
    runtime = context.runtime
    now = runtime.clock.now()
    async with runtime.db() as session:
        if not await claim_update(session, update.update_id, now, "votes.poll_answer"):
            return
        await groups.upsert_person(session, person_info(answer.user), now)
        group_id = await positions.record_native_answer(
            session,
            answer.poll_id,
            answer.user.id,
            list(answer.option_ids),
            now,
            update.update_id,
        )
        if group_id is not None:
            await groups.upsert_membership(session, group_id, answer.user.id, now)


# -- lists and the decision log ---------------------------------------------------------


@handler(groups_only=True)
async def votes(turn: Turn) -> None:
    found = await service.open_votes(turn.session, turn.group_id)
    items = [
        (v.question, as_utc(v.closes_at), render.message_link(turn.chat.id, v.message_id))
        for v in found
    ]
    turn.reply(render.open_list(turn.tr, items, turn.local))


@handler(groups_only=True)
async def decisions(turn: Turn) -> None:
    items = await decision_log.decisions(turn.session, turn.group_id)
    turn.reply(render.decision_list(turn.tr, items, turn.local))


DECISION_USAGE = N_("Which decision? Give its number from /decisions. Example: /decision 3")


@handler(groups_only=True)
async def decision(turn: Turn) -> None:
    args = turn.args
    raw = args[0].lstrip("#") if args else ""
    if not raw.isdigit():
        raise DomainError(DECISION_USAGE)
    vote_id = await decision_log.decision_vote(turn.session, turn.group_id, int(raw))
    if vote_id is None:
        agreed = await decision_log.agreement(turn.session, turn.group_id, int(raw))
        if agreed is not None:
            turn.reply(
                render.agreement(
                    turn.tr,
                    agreed.number,
                    agreed.text or "",
                    as_utc(agreed.decided_at),
                    turn.local,
                )
            )
            return
        raise DomainError(
            N_("There is no decision #{number}. See the list: /decisions"), number=raw
        )
    v = await service.view(turn.session, vote_id)
    assert v is not None
    sense = await delivery.sense_of(turn.session, turn.tr, v)
    turn.reply(
        render.result(turn.tr, v, decision_log.outcome_of(v), turn.now, full=True, sense=sense)
    )


async def replied_vote(turn: Turn) -> Vote | None:
    """The vote whose message the command replies to, if it does."""
    replied = turn.replied
    if replied is None:
        return None
    return await service.vote_by_message(turn.session, turn.group_id, replied.message_id)


CLOSE_USAGE = N_("Reply to the vote's message with /close to close it now.")


@handler(coordinator=True, groups_only=True)
async def close(turn: Turn) -> None:
    vote = await replied_vote(turn)
    if vote is None:
        raise DomainError(CLOSE_USAGE)
    by = turn.user.id if turn.user and is_person(turn.user) else None
    if not await decision_log.close_vote(
        turn.session, vote.id, turn.now, by, hooks=turn.runtime.hooks
    ):
        raise DomainError(N_("That vote is already closed. See the result with /decisions"))
    runtime, vote_id = turn.runtime, vote.id

    async def announce_now(_messenger: Messenger) -> None:
        try:
            await delivery.announce(runtime, vote_id)
        except Exception:  # the vote is closed and logged; the tick's sweep posts the result
            log.exception("vote %s: result not posted yet; the next tick tries again", vote_id)

    turn.then(announce_now)


# -- a passed proposal becomes a commitment -----------------------------------------------


async def to_commitment(update: Update, context: BotContext) -> None:
    """The "➕ Turn into commitment" button: for coordinators and the proposer. Who may is
    decided before the turn's transaction (the coordinator check may ask Telegram for the
    admins)."""
    query = update.callback_query
    assert query is not None
    try:
        vote_id = ToCommitment.parse(query.data).vote
    except StaleButton:
        vote_id = None
    allowed = True
    if vote_id is not None and update.effective_chat is not None:
        async with context.runtime.db() as session:
            opener = await decision_log.opener_of(session, vote_id)
        if opener is None or query.from_user.id != opener:
            allowed = await is_coordinator(context.runtime, update.effective_chat, query.from_user)
    await (_commit if allowed else _not_allowed)(update, context)


@handler()
async def _not_allowed(turn: Turn) -> None:
    raise DomainError(
        N_("Only coordinators or whoever proposed it can turn this decision into a commitment.")
    )


@handler()
async def _commit(turn: Turn) -> None:
    pressed, person_id = pressed_in_group(turn, ToCommitment)
    commitment = await decision_log.to_commitment(
        turn.session, turn.group_id, pressed.vote, person_id, turn.now
    )
    turn.toast(turn.tr.gettext("Commitment #{number} created.", number=commitment.number))
    await commitments.show_card(turn, commitment)
