"""The buttons of a commitment's card: done, progress (and back), blocked, resume and help
(accepting or declining it is `answers.py`). The presser's right to change it is checked on
every press."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.commitments import callbacks as cb
from bot.commitments import changes, render, service, views
from bot.commitments.handlers import sender_id
from bot.commitments.kinds import ACTIVE, Change
from bot.commitments.models import Commitment
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.people import mention
from bot.core.turn import Turn, handler


async def _pressed(turn: Turn, kind: type[Any], *, change: bool = True) -> tuple[Any, Commitment]:
    """The button's data and its commitment (of this group), after checking the presser."""
    choice = turn.pressed(kind)
    found = await service.get(turn.session, turn.group_id, choice.commitment_id)
    if found is None:
        raise DomainError(STALE_BUTTON)
    if change:
        await changes.check_can_change(turn.session, found, sender_id(turn), turn.coordinator)
    return choice, found


async def _refresh(
    turn: Turn, found: Commitment, markup: InlineKeyboardMarkup | None = None
) -> None:
    view = await views.load_view(turn.session, found)
    text = render.card_text(turn.tr, view, turn.local)
    turn.edit(text, markup if markup is not None else render.card_markup(turn.tr, view))


@handler(groups_only=True, knows_role=True)
async def done(turn: Turn) -> None:
    _, found = await _pressed(turn, cb.Done)
    if await changes.mark_done(turn.session, found, sender_id(turn), turn.now):
        await service.state_changed(turn.session, turn.runtime.hooks, found, Change.DONE, turn.now)
        await _refresh(turn, found)
        turn.toast(turn.tr.gettext("Done! Thank you. 🎉"))
    else:
        turn.toast(turn.tr.gettext("It was already closed."))


@handler(groups_only=True, knows_role=True)
async def ask_progress(turn: Turn) -> None:
    _, found = await _pressed(turn, cb.AskProgress)
    if found.status not in ACTIVE:
        turn.toast(turn.tr.gettext("It was already closed."))
        return
    await _refresh(turn, found, render.progress_markup(turn.tr, found.id))
    turn.toast(turn.tr.gettext("How far along is it?"))


@handler(groups_only=True, knows_role=True)
async def set_progress(turn: Turn) -> None:
    choice, found = await _pressed(turn, cb.SetProgress)
    await changes.set_progress(turn.session, found, choice.percent, sender_id(turn), turn.now)
    await _refresh(turn, found)
    turn.toast(turn.tr.gettext("Progress: {percent}%", percent=found.progress))


@handler(groups_only=True)
async def back(turn: Turn) -> None:
    """Leave the progress buttons unchanged: anyone may, it changes nothing."""
    _, found = await _pressed(turn, cb.Back, change=False)
    await _refresh(turn, found)


@handler(groups_only=True, knows_role=True)
async def block(turn: Turn) -> None:
    _, found = await _pressed(turn, cb.Block)
    if await changes.block(turn.session, found, sender_id(turn), turn.now):
        await _refresh(turn, found)
    turn.toast(turn.tr.gettext("Marked as blocked. Reply to the card with the reason."), alert=True)


@handler(groups_only=True, knows_role=True)
async def resume(turn: Turn) -> None:
    _, found = await _pressed(turn, cb.Resume)
    if await changes.unblock(turn.session, found, sender_id(turn), turn.now):
        await _refresh(turn, found)
    turn.toast(turn.tr.gettext("Back on track."))


@handler(groups_only=True, knows_role=True)
async def ask_help(turn: Turn) -> None:
    _, found = await _pressed(turn, cb.Help)
    if not await changes.request_help(turn.session, found, sender_id(turn), turn.now):
        turn.toast(turn.tr.gettext("The group was already asked today. Try again tomorrow."))
        return
    view = await views.load_view(turn.session, found)
    user = turn.user
    asker = mention(user.id, user.first_name, user.last_name) if user is not None else ""
    turn.send(turn.chat.id, render.help_request(turn.tr, view, asker), thread_id=turn.thread_id)
    turn.toast(turn.tr.gettext("I asked the group for help."))
