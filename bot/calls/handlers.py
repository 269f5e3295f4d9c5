"""Telegram updates of the calls feature: `/call` (`/llamado`, `/chamado`) and its buttons."""

from __future__ import annotations

from bot.calls import grammar, render, service
from bot.calls.callbacks import Answer, ToCommitment
from bot.commitments import api as commitments
from bot.commitments.grammar import read_due
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.messenger import Messenger
from bot.core.people import is_person
from bot.core.turn import Turn, handler

NOT_ALLOWED = N_("Only coordinators or whoever made the call can turn it into a commitment.")


@handler(groups_only=True)
async def call(turn: Turn) -> None:
    message = turn.message
    assert message is not None
    spec = grammar.parse_call((message.text or "")[turn.command_end :])
    due = (
        read_due(spec.date, tz=turn.identity.timezone, now=turn.now, example=grammar.EXAMPLE)
        if spec.date
        else None
    )
    caller = turn.user.id if is_person(turn.user) else None  # type: ignore[union-attr]
    created = await service.open_call(
        turn.session, turn.group_id, spec.text, spec.target, due, caller, turn.now
    )
    view = await service.load_view(turn.session, created)
    text, markup = render.call_text(turn.tr, view, turn.local), render.call_markup(turn.tr, view)
    runtime, chat_id, thread_id, call_id = turn.runtime, turn.chat.id, turn.thread_id, created.id
    quote = message.message_id

    async def post(messenger: Messenger) -> None:
        sent = await messenger.send(
            chat_id, text, thread_id=thread_id, reply_to=quote, markup=markup
        )
        if sent:
            async with runtime.db() as session:
                await service.set_message(session, call_id, sent[-1].message_id)

    turn.then(post)


def _presser(turn: Turn) -> int:
    query = turn.update.callback_query
    assert query is not None
    if turn.is_private:
        raise DomainError(STALE_BUTTON)
    return query.from_user.id


@handler()
async def answer(turn: Turn) -> None:
    """ "I'm in" / "I can't": the answer is kept and the call's message shows it at once."""
    pressed = turn.pressed(Answer)
    person_id = _presser(turn)
    willing = pressed.willing == 1
    outcome, view = await service.answer(
        turn.session,
        turn.group_id,
        pressed.call,
        person_id,
        willing,
        turn.update.update_id,
        turn.now,
    )
    changed = outcome == service.Answered.CHANGED
    turn.toast(render.answered_toast(turn.tr, view, willing, changed=changed))
    if changed:
        turn.edit(render.call_text(turn.tr, view, turn.local), render.call_markup(turn.tr, view))


@handler(knows_role=True)
async def to_commitment(turn: Turn) -> None:
    """ "➕ Turn into commitment": for coordinators and whoever made the call; once."""
    pressed = turn.pressed(ToCommitment)
    person_id = _presser(turn)
    caller = await service.caller_of(turn.session, turn.group_id, pressed.call)
    if not turn.coordinator and caller != person_id:
        raise DomainError(NOT_ALLOWED)
    commitment, view = await service.to_commitment(
        turn.session, turn.group_id, pressed.call, person_id, turn.now
    )
    turn.toast(turn.tr.gettext("Commitment #{number} created.", number=commitment.number))
    turn.edit(render.call_text(turn.tr, view, turn.local), render.call_markup(turn.tr, view))
    await commitments.show_card(turn, commitment)
