"""Answering a commitment offered to you: "I accept" and "I can't", on its card in the group or
on the private question (`offering.py`), and the reason for "I can't" — a reply to the card or
to the private question — passed on to whoever assigned it: in private if they have a private
chat with the bot, else in the group. Only a person asked can answer (checked on every press);
the group's card is edited in place."""

from __future__ import annotations

import logging
from dataclasses import replace
from html import escape

from telegram.error import BadRequest

from bot.commitments import callbacks as cb
from bot.commitments import changes, handlers, offer_texts, offers, render, service, views
from bot.commitments.kinds import ACTIVE
from bot.commitments.models import Commitment
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.i18n import N_, translator
from bot.core.messenger import Messenger
from bot.core.moments import Local
from bot.core.people import mention, person_name
from bot.core.turn import Turn, handler
from bot.groups import service as groups
from bot.groups.models import Group, Person

log = logging.getLogger(__name__)

NOT_FOR_YOU = N_("This is for the people it was offered to.")


async def _offered(
    turn: Turn, kind: type[cb.Accept] | type[cb.Decline]
) -> tuple[Commitment, Group]:
    """The pressed button's commitment and its group: in a group, only one of its own; in
    private, the one the question was about."""
    choice = turn.pressed(kind)
    if turn.is_private:
        found = await offers.with_group(turn.session, choice.commitment_id)
        if found is None:
            raise DomainError(STALE_BUTTON)
        return found
    commitment = await service.get(turn.session, turn.group_id, choice.commitment_id)
    group = await turn.session.get(Group, turn.group_id)
    if commitment is None or group is None:
        raise DomainError(STALE_BUTTON)
    return commitment, group


async def _show(turn: Turn, commitment: Commitment, group: Group, private_text: str) -> None:
    """After an answer: in the group, the card pressed is edited; in private, the question
    becomes `private_text` and the group's newest card is edited (in the group's language)."""
    view = await views.load_view(turn.session, commitment)
    if not turn.is_private:
        turn.edit(render.card_text(turn.tr, view, turn.local), render.card_markup(turn.tr, view))
        return
    turn.edit(private_text)
    card_id = await offers.latest_card(turn.session, commitment.id)
    if card_id is not None:
        _edit_card(turn, group, card_id, view)


def _edit_card(turn: Turn, group: Group, card_id: int, view: render.CardView) -> None:
    tr, local = translator(group.language), Local(group.timezone, turn.now)
    text, markup = render.card_text(tr, view, local), render.card_markup(tr, view)
    chat_id = group.chat_id

    async def edit(messenger: Messenger) -> None:
        try:
            await messenger.edit(chat_id, card_id, text, markup=markup)
        except BadRequest as exc:  # the card was deleted: the answer is stored all the same
            log.info("card %s in %s not edited: %s", card_id, chat_id, exc.message)

    turn.then(edit)


def _name(person: Person | None) -> str | None:
    return person_name(person.first_name, person.last_name) if person is not None else None


@handler()
async def accept(turn: Turn) -> None:
    """Only a person who was asked can accept (no coordinator check needed)."""
    commitment, group = await _offered(turn, cb.Accept)
    sender = handlers.sender_id(turn)
    result = (
        await changes.accept(turn.session, commitment, sender, turn.now)
        if sender is not None
        else "not_owner"
    )
    if result == "accepted":
        view = await views.load_view(turn.session, commitment, group.title)
        await _show(turn, commitment, group, offer_texts.accepted_text(turn.tr, view))
        turn.toast(turn.tr.gettext("Thank you! It is yours now."))
    elif result == "already":
        turn.toast(turn.tr.gettext("You had already accepted it."))
    else:
        turn.toast(turn.tr.gettext(NOT_FOR_YOU))


@handler()
async def decline(turn: Turn) -> None:
    """ "I can't": the person asked stops being one of its owners; a reply gives the reason."""
    commitment, group = await _offered(turn, cb.Decline)
    sender = handlers.sender_id(turn)
    if commitment.status not in ACTIVE:
        turn.toast(turn.tr.gettext("It was already closed."))
        return
    result = (
        await offers.decline(turn.session, commitment, sender, turn.now)
        if sender is not None
        else offers.NOT_ASKED
    )
    if result == offers.ALREADY:
        turn.toast(
            turn.tr.gettext(
                "You had already accepted it. To hand it over: /commitment {number} owner @…",
                number=commitment.number,
            ),
            alert=True,
        )
        return
    if result != offers.DECLINED:
        turn.toast(turn.tr.gettext(NOT_FOR_YOU))
        return
    assigner = _name(await offers.assigner(turn.session, commitment))
    view = await views.load_view(turn.session, commitment, group.title)
    private = offer_texts.declined_text(turn.tr, view, escape(assigner) if assigner else None)
    await _show(turn, commitment, group, private)
    if turn.is_private:
        turn.toast(turn.tr.gettext("Understood."))
    else:
        turn.toast(offer_texts.decline_toast(turn.tr, assigner), alert=True)


# -- the reason, as a reply -------------------------------------------------------------------


async def group_reason(turn: Turn, commitment: Commitment, card_id: int, sender: int) -> bool:
    """A reply to a card in the group by someone who declined it lately: their reason. True
    if it was taken as one."""
    message = turn.message
    assert message is not None
    reason = message.text or ""
    if not await offers.set_decline_reason(turn.session, commitment, sender, reason, turn.now):
        return False
    group = await turn.session.get(Group, commitment.group_id)
    assert group is not None
    view = await views.load_view(turn.session, commitment)
    _edit_card(turn, group, card_id, view)
    await _pass_on(turn, commitment, group, view, sender, reason)
    return True


async def private_reason(turn: Turn, sender: int) -> None:
    """A reply in private to the question about a commitment the sender declined: the reason."""
    message = turn.message
    assert message is not None and message.reply_to_message is not None
    found = await offers.by_private_ask(turn.session, sender, message.reply_to_message.message_id)
    if found is None:
        return
    commitment, group = found
    reason = message.text or ""
    if not await offers.set_decline_reason(turn.session, commitment, sender, reason, turn.now):
        return
    view = await views.load_view(turn.session, commitment)
    card_id = await offers.latest_card(turn.session, commitment.id)
    if card_id is not None:
        _edit_card(turn, group, card_id, view)
    await _pass_on(turn, commitment, group, view, sender, reason)
    turn.reply(turn.tr.gettext("Thank you. I passed it on."))


async def _pass_on(
    turn: Turn,
    commitment: Commitment,
    group: Group,
    view: render.CardView,
    sender: int,
    reason: str,
) -> None:
    """The reason, to whoever assigned it: in private if they have a private chat with the
    bot (in their language), else — or if that fails — one message in the group."""
    assigner = await offers.assigner(turn.session, commitment)
    person = await turn.session.get(Person, sender)
    if assigner is None or person is None or assigner.id == sender:
        return
    who = escape(person_name(person.first_name, person.last_name))
    titled = replace(view, group_title=group.title)
    private = None
    if assigner.has_private_chat:
        tr = translator(assigner.language or assigner.language_code, group.language)
        private = offer_texts.reason_text(tr, titled, who, reason)
    group_tr = translator(group.language)
    in_group = offer_texts.reason_text(
        group_tr,
        view,
        who,
        reason,
        assigner=mention(assigner.id, assigner.first_name, assigner.last_name),
    )
    runtime, assigner_id, chat_id = turn.runtime, assigner.id, group.chat_id
    thread_id = None if turn.is_private else turn.thread_id

    async def send(messenger: Messenger) -> None:
        if private is not None:
            if await messenger.send(assigner_id, private):
                return
            async with runtime.db() as session:  # they blocked the bot: the group it is
                await groups.set_private_chat(session, assigner_id, False)
        await messenger.send(chat_id, in_group, thread_id=thread_id)

    turn.then(send)
