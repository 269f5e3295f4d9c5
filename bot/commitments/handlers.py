"""Telegram updates of the commitments ledger: /commit, /mine, /commitments (and its pages),
/commitment, and reasons given as replies to a card. The card's buttons are buttons.py, the
reminders reminders.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, MessageEntity, Update
from telegram.error import BadRequest

from bot.commitments import changes, creating, grammar, lists, render, service, views
from bot.commitments.callbacks import Page
from bot.commitments.kinds import Change
from bot.commitments.models import Commitment
from bot.core import outbox
from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.messenger import Messenger
from bot.core.people import is_person, person_info, person_name
from bot.core.reading import command_end, mentions
from bot.core.runtime import BotContext
from bot.core.turn import Mention, Turn, handler
from bot.groups import service as groups
from bot.groups.models import Person

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

UNKNOWN_USERNAME = N_(
    "I don't know {username} yet: they have not written in this group since I arrived. Reply "
    "to one of their messages with the same command, or ask them to write here first. People "
    "without a username: type @ and pick their name from the list."
)
NEEDS_OWNER = N_("Say who will do it, for example: {example}")


def sender_id(turn: Turn) -> int | None:
    """The person acting, who may own a commitment: None for a bot, an anonymous admin or a
    channel."""
    user = turn.user
    if user is None or not is_person(user):
        return None
    if (
        turn.message is not None
        and turn.message.sender_chat is not None
        and not (turn.update.callback_query)
    ):
        return None  # an anonymous admin or a channel: no person to own it
    return user.id


CARD_SENT = "commitments.card"


@outbox.after_sent(CARD_SENT)
async def _card_sent(session: AsyncSession, args: dict[str, Any], message_ids: list[int]) -> None:
    """A card reached the chat: remember its message, in the transaction that marks it sent
    (a reply to it is about its commitment)."""
    await service.record_card(session, args["commitment_id"], message_ids[-1])


def _post_card(
    turn: Turn,
    commitment_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    quote: bool = True,
) -> None:
    """Send a card as a reply, through the outbox: a stored commitment gets its card once."""
    reply_to = turn.message.message_id if quote and turn.message else None
    turn.post(
        turn.chat.id,
        text,
        markup,
        thread_id=turn.thread_id,
        reply_to=reply_to,
        after=CARD_SENT,
        after_args={"commitment_id": commitment_id},
    )


async def show_card(turn: Turn, commitment: Commitment) -> None:
    """Queue the commitment's card (with its buttons) as a reply in the turn's chat."""
    view = await views.load_view(turn.session, commitment)
    text = render.card_text(turn.tr, view, turn.local)
    _post_card(turn, commitment.id, text, render.card_markup(turn.tr, view))


# -- who is meant -----------------------------------------------------------------------------


async def _mentions(turn: Turn) -> tuple[str, list[str], list[int]]:
    """The command's arguments with each mention replaced by a marker, the mentions' texts,
    and the persons they name (resolved, in order)."""
    message = turn.message
    assert message is not None and message.text is not None
    text = message.text
    pieces, names, people = [], [], []
    position = turn.command_end
    for found in turn.mentions(position):
        pieces += [text[position : found.start], grammar.marker(len(names))]
        names.append(found.text)
        people.append(await _resolve(turn, found))
        position = found.end
    pieces.append(text[position:])
    return "".join(pieces), names, people


async def _resolve(turn: Turn, found: Mention) -> int:
    entity, shown = found.entity, found.text
    if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None:
        if not is_person(entity.user):
            raise DomainError(N_("A bot cannot own a commitment."))
        await groups.upsert_person(turn.session, person_info(entity.user), turn.now)
        return entity.user.id
    username = shown.lstrip("@").lower()
    replied = turn.replied
    if (
        replied is not None
        and replied.from_user is not None
        and is_person(replied.from_user)
        and (replied.from_user.username or "").lower() == username
    ):
        await groups.upsert_person(turn.session, person_info(replied.from_user), turn.now)
        await groups.upsert_membership(turn.session, turn.group_id, replied.from_user.id, turn.now)
        return replied.from_user.id
    known = await groups.find_person_by_username(turn.session, username)
    if known is None:
        raise DomainError(UNKNOWN_USERNAME, username=shown)
    return known.id


def _owners(people: list[int], sender: int | None, coordinator: bool) -> list[grammar.OwnerSpec]:
    """Coordinators assign; a member owns only themself, others are asked to accept."""
    return [
        grammar.OwnerSpec(pid, accepted=coordinator or pid == sender)
        for pid in dict.fromkeys(people)
    ]


# -- /commit --------------------------------------------------------------------------------


def _names_someone(update: Update) -> bool:
    """Whether a /commit names owners: only then does the sender's role matter (a
    coordinator assigns, a member's others are asked to accept); one without names is the
    sender's own, so its role is not looked up."""
    message = update.effective_message
    return bool(mentions(message, command_end(message)))


@handler(groups_only=True, knows_role=_names_someone)
async def commit(turn: Turn) -> None:
    body, names, people = await _mentions(turn)
    now = turn.now
    draft = grammar.parse_commit(body, names, tz=turn.identity.timezone, now=now)
    sender = sender_id(turn)
    if people:
        owners = _owners(people, sender, turn.coordinator)
    elif sender is not None:
        owners = [grammar.OwnerSpec(sender)]
    else:
        raise DomainError(NEEDS_OWNER, example=N_("/commit Pintar el mural @ana by sábado"))
    replied = turn.replied
    created = await creating.create(
        turn.session,
        turn.group_id,
        draft.text,
        owners,
        draft.due_at,
        draft.resources,
        sender,
        context_message_id=replied.message_id if replied else None,
        context_text=(replied.text or replied.caption) if replied else None,
        now=now,
    )
    view = views.created_view(created)  # what it stored: nothing to read back
    text = render.card_text(turn.tr, view, turn.local)
    _post_card(turn, created.commitment.id, text, render.card_markup(turn.tr, view))


# -- /mine ----------------------------------------------------------------------------------


@handler()
async def mine(turn: Turn) -> None:
    user = turn.user
    if user is None or not is_person(user):
        raise DomainError(N_("Write /mine from your own account to see your commitments."))
    private = turn.is_private
    rows = await service.for_person(turn.session, user.id, None if private else turn.group_id)
    items = await views.lines(turn.session, [(c, g) for c, g in rows])
    turn.reply(lists.mine_text(turn.tr, items, turn.local, private=private, viewer=user.id))


async def start_lines(turn: Turn) -> list[str]:
    """A private /start (`groups.api.START_LINES`): the person's open commitments, counted,
    the most urgent few with their due dates, and /mine for all of them."""
    assert turn.user is not None
    rows = await service.for_person(turn.session, turn.user.id)
    items = await views.lines(turn.session, [(c, g) for c, g in rows[: lists.START_SHOWN]])
    return lists.start_lines(turn.tr, items, len(rows), turn.local)


# -- /commitments ---------------------------------------------------------------------------


@handler(groups_only=True)
async def board(turn: Turn) -> None:
    person_id, person = None, None
    page = 1
    if turn.mentions():
        _, names, people = await _mentions(turn)
        person_id = people[0]
        person = names[0]
    for arg in turn.args:
        if arg.isdigit():
            page = max(1, int(arg))
    text, markup = await _board(turn, page, person_id, person)
    turn.reply(text, markup)


async def _board(
    turn: Turn, page: int, person_id: int | None, person: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    now = turn.now
    found = await service.board(turn.session, turn.group_id, now, person_id)
    entries = found.all()
    lines = await views.lines(turn.session, [(c, None) for _, c in entries])
    pages = lists.board_pages(
        turn.tr,
        [(section, line) for (section, _), line in zip(entries, lines, strict=True)],
        turn.local,
    )
    page = min(page, len(pages))
    shown_before = sum(len(p) for p in pages[: page - 1])
    example = entries[shown_before][1].number if entries else 1
    text = lists.board_text(turn.tr, pages, page, len(entries), person, example)
    return text, lists.board_markup(turn.tr, page, len(pages), person_id)


@handler(groups_only=True)
async def board_page(turn: Turn) -> None:
    choice = turn.pressed(Page)
    person = None
    if choice.person_id:
        found = await turn.session.get(Person, choice.person_id)
        if found is None:
            raise DomainError(STALE_BUTTON)
        person = person_name(found.first_name, found.last_name)
    text, markup = await _board(turn, choice.page, choice.person_id or None, person)
    turn.edit(text, markup)


# -- /commitment <n> [due|owner|drop] -------------------------------------------------------


SUBCOMMANDS = {
    "due": "due",
    "fecha": "due",
    "prazo": "due",
    "owner": "owner",
    "owners": "owner",
    "responsable": "owner",
    "responsavel": "owner",
    "responsável": "owner",
    "drop": "drop",
    "cancel": "drop",
    "cancelar": "drop",
}


@handler(groups_only=True, knows_role=True)
async def commitment(turn: Turn) -> None:
    args = turn.args
    if not args or not args[0].lstrip("#").isdigit():
        turn.reply(render.usage(turn.tr))
        return
    found = await service.by_number(turn.session, turn.group_id, int(args[0].lstrip("#")))
    if len(args) == 1:
        await _detail(turn, found)
        return
    sub = SUBCOMMANDS.get(args[1].lower())
    if sub is None:
        turn.reply(render.usage(turn.tr, found.number))
        return
    sender, now = sender_id(turn), turn.now
    await changes.check_can_change(turn.session, found, sender, turn.coordinator)
    rest = _rest(turn, 2)
    if sub == "due":
        example = turn.tr.gettext(N_("/commitment {number} due viernes 18:00"), number=found.number)
        due = grammar.read_due(rest, tz=turn.identity.timezone, now=now, example=example)
        if await changes.set_due(turn.session, found, due, sender, now):
            await service.state_changed(
                turn.session, turn.runtime.hooks, found, Change.REPLANNED, now
            )
    elif sub == "owner":
        _, _, people = await _mentions(turn)
        if not people:
            raise DomainError(
                NEEDS_OWNER, example=N_("/commitment {number} owner @ana"), number=found.number
            )
        await changes.set_owners(
            turn.session, found, _owners(people, sender, turn.coordinator), sender, now
        )
    elif await changes.drop(turn.session, found, rest, sender, now):
        await service.state_changed(turn.session, turn.runtime.hooks, found, Change.DROPPED, now)
    await show_card(turn, found)


def _rest(turn: Turn, words: int) -> str:
    """The text after the command and its first `words` arguments."""
    message = turn.message
    assert message is not None and message.text is not None
    parts = message.text.split(None, words + 1)
    return parts[words + 1] if len(parts) > words + 1 else ""


async def _detail(turn: Turn, found: Commitment) -> None:
    view = await views.load_view(turn.session, found)
    event_views, total = await views.history(turn.session, found)
    decision = await service.decision_of(turn.session, turn.runtime.hooks, found)
    text = render.detail_text(turn.tr, view, event_views, total, turn.local, decision)
    _post_card(turn, found.id, text, render.card_markup(turn.tr, view))


# -- a reason, as a reply to a card ---------------------------------------------------------


async def reason_reply(update: Update, context: BotContext) -> None:
    """A reply to one of the bot's messages: if it is a blocked commitment's card and the
    sender owns it, the text is the reason; if the sender declined it lately (on the card,
    or on the private question), the reason they cannot. Anything else is ordinary
    conversation."""
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    await _reason(update, context)


@handler()
async def _reason(turn: Turn) -> None:
    from bot.commitments import answers  # (answers imports this module)

    message = turn.message
    assert message is not None and message.reply_to_message is not None
    sender = sender_id(turn)
    if sender is None:
        return
    if turn.is_private:  # a reply to the private question: why they cannot take it on
        await answers.private_reason(turn, sender)
        return
    if turn.identity.group_id is None:
        return
    card_id = message.reply_to_message.message_id
    found = await service.by_card(turn.session, turn.group_id, card_id)
    if found is None:
        return
    if not await changes.is_owner(turn.session, found.id, sender):
        await answers.group_reason(turn, found, card_id, sender)  # why they cannot take it on
        return
    if not await changes.set_blocked_reason(
        turn.session, found, message.text or "", sender, turn.now
    ):
        return
    view = await views.load_view(turn.session, found)
    text = render.card_text(turn.tr, view, turn.local)
    markup = render.card_markup(turn.tr, view)
    chat_id = turn.chat.id

    async def edit(messenger: Messenger) -> None:
        try:
            await messenger.edit(chat_id, card_id, text, markup=markup)
        except BadRequest as exc:  # the card was deleted: the reason is stored all the same
            log.info("card %s in %s not edited: %s", card_id, chat_id, exc.message)

    turn.then(edit)
