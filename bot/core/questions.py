"""A moment with two readings is asked back, with a button per reading, never guessed.

When a command's time reads two ways (`a las 5` typed at 19:00: tomorrow 05:00 or 17:00?;
`mañana` typed at 01:00: today or tomorrow?), `timeparse` raises `UnsureTime`. `handle` then
undoes the turn as for a `DomainError` and calls `ask`: the update is kept in
`time_questions` and the bot replies "Which one do you mean by “…”?" with one button per
reading. The person who typed the command presses one (`pick`): the kept update runs again
through the same handler, inside the press's transaction, with the chosen reading as the
answer to that text (`timeparse.answered`), and the question is edited to say what was
chosen. Everything lives in SQL, so a restart between question and press changes nothing; a
second press, another person's press or a press on an answered question changes nothing and
gets a short toast. A kept update that meets a second doubt asks again, keeping the first
answer.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.core.callbacks import STALE_BUTTON, Callback
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.messenger import Messenger
from bot.core.models import TimeQuestion
from bot.core.records import frozen
from bot.core.timeparse import UnsureTime, answered

if TYPE_CHECKING:
    from bot.core.turn import Turn

log = logging.getLogger(__name__)

WHICH = N_("Which one do you mean by “{value}”?")
CHOSEN = N_("“{value}”: {moment}.")
NOT_YOURS = N_("Only the person who wrote it can answer this.")
ANSWERED = N_("That was answered already.")


@frozen
class PickTime(Callback):
    prefix = "core:when"
    question: int
    choice: int


async def ask(
    turn: Turn,
    unsure: UnsureTime,
    handler: str,
    *,
    kept: Update | None = None,
    answers: dict[str, str] | None = None,
) -> None:
    """Keep the update (`kept`, else the turn's own) for `handler`, and ask which reading of
    its time is meant."""
    source = kept or turn.update
    user = source.effective_user
    chat = source.effective_chat
    assert user is not None and chat is not None
    question = TimeQuestion(
        chat_id=chat.id,
        user_id=user.id,
        handler=handler,
        update=source.to_dict(),
        text=str(unsure.args[0])[:200],
        candidates=[c.isoformat() for c in unsure.candidates],
        answers=answers or {},
        asked_at=turn.now,
    )
    turn.session.add(question)
    await turn.session.flush()
    local = turn.local
    buttons = [
        [
            InlineKeyboardButton(
                local.moment(turn.tr, candidate),
                callback_data=PickTime(question.id, index).pack(),
            )
        ]
        for index, candidate in enumerate(unsure.candidates)
    ]
    turn.reply(turn.tr.gettext(WHICH).format(value=question.text), InlineKeyboardMarkup(buttons))


async def pick(turn: Turn) -> None:
    """A reading was pressed: run the kept command with it."""
    from bot.core.turn import registered, run_kept  # the turn module imports this one

    pressed = turn.pressed(PickTime)
    question = await turn.session.scalar(
        select(TimeQuestion).where(
            TimeQuestion.id == pressed.question, TimeQuestion.chat_id == turn.chat.id
        )
    )
    if question is None or not 0 <= pressed.choice < len(question.candidates):
        raise DomainError(STALE_BUTTON)
    if turn.user is None or turn.user.id != question.user_id:
        raise DomainError(NOT_YOURS)
    claimed = await turn.session.execute(
        update(TimeQuestion)
        .where(TimeQuestion.id == question.id, TimeQuestion.answered_at.is_(None))
        .values(answered_at=turn.now, choice=pressed.choice)
    )
    if claimed.rowcount != 1:
        raise DomainError(ANSWERED)
    target = registered(question.handler)
    if target is None:  # a handler this version of the bot no longer has
        raise DomainError(STALE_BUTTON)
    chosen = datetime.fromisoformat(question.candidates[pressed.choice])
    answers = {**question.answers, question.text: chosen.isoformat()}
    kept = Update.de_json(question.update, turn.context.bot)
    assert kept is not None
    parsed = {text: datetime.fromisoformat(at) for text, at in answers.items()}
    try:
        with answered(parsed):
            await run_kept(turn, kept, target)
    except UnsureTime as again:  # the kept command meets a second doubt: ask it too
        await ask(turn, again, question.handler, kept=kept, answers=answers)
    # after what the command says: the question shows what was chosen, if it still can
    said = turn.tr.gettext(CHOSEN).format(
        value=question.text, moment=turn.local.moment(turn.tr, chosen, relative=True)
    )
    query = turn.update.callback_query
    assert query is not None and query.message is not None
    chat_id, message_id = query.message.chat.id, query.message.message_id

    async def show_choice(messenger: Messenger) -> None:
        try:
            await messenger.edit(chat_id, message_id, said)
        except BadRequest as exc:  # deleted meanwhile: what was chosen is done all the same
            log.info("question %s not edited: %s", question.id, exc.message)

    turn.then(show_choice)
