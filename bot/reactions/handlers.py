"""Telegram updates of the reactions feature: reactions, /positions, /notice, the seen button,
the bot's own rights, and the notice reminders."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import (
    ReactionType,
    ReactionTypeCustomEmoji,
    ReactionTypeEmoji,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.callbacks import STALE_BUTTON
from bot.core.errors import DomainError
from bot.core.i18n import N_, translator
from bot.core.people import ADMINS, is_present
from bot.core.quiet import release_time
from bot.core.runtime import BotContext, Runtime
from bot.core.scheduler import Tick, run_once
from bot.core.turn import Turn, handler, replied_to
from bot.groups import settings as group_settings
from bot.reactions import notices, render, service
from bot.reactions.callbacks import SeenNotice
from bot.reactions.models import CHAT
from bot.reactions.positions import is_delay, merge_map, normalize_emoji, parse_map, seen_emoji

log = logging.getLogger(__name__)

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}

POSITIONS_USAGE = N_(
    "Reply to a message with /positions to see the positions on it. "
    "To see what each reaction means: /positions map"
)


def reaction_token(reaction: ReactionType) -> str:
    """An emoji as itself; a custom emoji as `custom:<id>`; a paid reaction as `paid`."""
    if isinstance(reaction, ReactionTypeEmoji):
        return normalize_emoji(reaction.emoji)
    if isinstance(reaction, ReactionTypeCustomEmoji):
        return f"custom:{reaction.custom_emoji_id}"
    return str(reaction.type)


# -- reactions --------------------------------------------------------------------------


@handler()
async def reaction_changed(turn: Turn) -> None:
    """`message_reaction`: an actor's new reaction set on a message replaces the old one."""
    change = turn.update.message_reaction
    assert change is not None
    if turn.identity.group_id is None:
        return
    if change.user is not None:
        actor = service.Actor(change.user.id)
    elif change.actor_chat is not None:  # an anonymous admin (the group) or a channel
        chat = change.actor_chat
        actor = service.Actor(chat.id, CHAT, chat.title or chat.username)
    else:
        return
    tokens = [reaction_token(r) for r in change.new_reaction]
    notice_id = await service.reactions_arrive(
        turn.session, turn.group_id, change.message_id, turn.now
    )
    await service.record_reaction(
        turn.session,
        turn.group_id,
        change.message_id,
        actor,
        tokens,
        update_id=turn.update.update_id,
        at=change.date,
        now=turn.now,
    )
    if notice_id is not None and change.user is not None and not change.user.is_bot:
        await notices.acknowledge_by_reaction(
            turn.session, turn.group_id, notice_id, change.user.id, tokens
        )


@handler()
async def reaction_counted(turn: Turn) -> None:
    """`message_reaction_count`: anonymous counts on a message, stored as the latest snapshot."""
    change = turn.update.message_reaction_count
    assert change is not None
    if turn.identity.group_id is None:
        return
    await service.reactions_arrive(turn.session, turn.group_id, change.message_id, turn.now)
    counts: dict[str, int] = {}
    for item in change.reactions:
        token = reaction_token(item.type)
        counts[token] = counts.get(token, 0) + item.total_count
    await service.record_counts(
        turn.session,
        turn.group_id,
        change.message_id,
        counts,
        update_id=turn.update.update_id,
        at=change.date,
        now=turn.now,
    )


# -- the bot's rights -------------------------------------------------------------------


@handler(register=False)
async def bot_rights_changed(turn: Turn) -> None:
    """The bot's own membership changed: remember whether it is admin (it only receives
    reactions then) and, when it is in the group without the rights, tell the coordinators
    once. Runs after the groups feature's handler, which registers and greets the group."""
    change = turn.update.my_chat_member
    assert change is not None
    if turn.chat.type not in GROUP_TYPES or not is_present(change.new_chat_member):
        return
    group = await service.group_for_chat(turn.session, turn.chat.id)
    if group is None:
        return
    is_admin = change.new_chat_member.status in ADMINS
    # just added: the greeting already says the bot needs to be admin
    just_added = not is_present(change.old_chat_member)
    if await service.note_bot_rights(
        turn.session, group.id, is_admin, turn.now, already_told=just_added
    ):
        turn.send(turn.chat.id, render.admin_hint(translator(group.language)))


async def refresh_bot_rights(runtime: Runtime, chat_id: int) -> None:
    """Before a tally: if what we know of the bot's rights is unknown or old, ask Telegram
    (outside any transaction) and store the answer."""
    async with runtime.db() as session:
        group = await service.group_for_chat(session, chat_id)
        if group is None:
            return
        known, checked = await service.bot_rights(session, group.id)
    fresh_after = runtime.clock.now() - timedelta(seconds=runtime.settings.admin_cache_seconds)
    if known is not None and checked is not None and checked > fresh_after:
        return
    bot = runtime.messenger.bot
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        log.info("cannot read the bot's own rights in %s: %s", chat_id, exc)
        return
    async with runtime.db() as session:
        # the tally itself then says what is missing and how to fix it
        await service.note_bot_rights(
            session, group.id, member.status in ADMINS, runtime.clock.now()
        )


# -- /positions -------------------------------------------------------------------------


def _changes_map(args: list[str]) -> bool:
    return len(args) > 1 and args[0].lower() == "map"


async def positions(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in (context.args or [])]
    if args and args[0] == "map":
        await positions_map(update, context)
        return
    chat = update.effective_chat
    if chat is not None and chat.type in GROUP_TYPES and replied_to(update.effective_message):
        await refresh_bot_rights(context.runtime, chat.id)
    await positions_tally(update, context)


@handler(groups_only=True)
async def positions_tally(turn: Turn) -> None:
    replied = turn.replied
    if replied is None or turn.args:
        raise DomainError(POSITIONS_USAGE)
    result = await service.tally(turn.session, turn.group_id, replied.message_id)
    turn.reply(render.tally(turn.tr, result))


@handler(coordinator=_changes_map, groups_only=True)
async def positions_map(turn: Turn) -> None:
    args = turn.args[1:]
    if not args:
        pairs = await service.position_map(turn.session, turn.group_id)
        turn.reply(render.position_map(turn.tr, pairs))
        return
    if len(args) == 1 and args[0].lower() in {"reset", "default"}:
        pairs = await service.set_position_map(turn.session, turn.group_id, None)
    else:  # the listed emoji change; the others keep their meaning
        current = await service.position_map(turn.session, turn.group_id)
        merged = merge_map(current, parse_map(" ".join(args)))
        pairs = await service.set_position_map(turn.session, turn.group_id, merged)
    turn.reply(render.position_map(turn.tr, pairs, saved=True))


# -- /notice ----------------------------------------------------------------------------


def _notice_needs_coordinator(args: list[str]) -> bool:
    return not (len(args) == 1 and args[0].lower() == "status")


@handler(coordinator=_notice_needs_coordinator, groups_only=True)
async def notice(turn: Turn) -> None:
    args = turn.args
    first = args[0].lower() if args else ""
    if first == "status" and len(args) == 1:
        await _notice_status(turn)
        return
    rest = " ".join(args[1:])
    # `/notice remind 12h`, `/notice remind 2 días`; "remind everyone to…" is a notice
    if first == "remind" and (len(args) <= 2 or is_delay(rest)):
        if not rest:
            delay = await notices.remind_delay(turn.session, turn.group_id)
            turn.reply(render.remind_current(turn.tr, delay))
        else:
            delay = await notices.set_remind_delay(turn.session, turn.group_id, rest)
            turn.reply(render.remind_set(turn.tr, delay))
        return
    await _post_notice(turn)


async def _post_notice(turn: Turn) -> None:
    message = turn.message
    assert message is not None
    parts = (message.text or "").split(None, 1)
    body = parts[1] if len(parts) > 1 else ""
    user = turn.user
    author = user.id if user is not None and not user.is_bot else None  # None: anonymous admin
    thread_id = turn.thread_id
    notice = await notices.create_notice(
        turn.session, turn.group_id, author, body, turn.now, thread_id
    )
    emoji = seen_emoji(await service.position_map(turn.session, turn.group_id))[0]
    text, markup = render.notice(turn.tr, notice.id, notice.text, emoji)
    notice_id, chat_id, runtime = notice.id, turn.chat.id, turn.runtime

    async def post(messenger) -> None:
        sent = await messenger.send(chat_id, text, thread_id=thread_id, markup=markup)
        if sent:
            async with runtime.db() as session:
                await notices.notice_posted(session, notice_id, sent[-1].message_id)

    turn.then(post)


async def _notice_status(turn: Turn) -> None:
    replied = turn.replied
    if replied is not None:
        found = await notices.notice_at(turn.session, turn.group_id, replied.message_id)
        if found is None:
            raise DomainError(
                N_("That message is not a notice. Reply to a notice with: /notice status")
            )
    else:
        found = await notices.latest_notice(turn.session, turn.group_id)
        if found is None:
            raise DomainError(
                N_(
                    "There are no notices here yet. Post one like this: "
                    "/notice The assembly moves to Saturday at 10:00"
                )
            )
    status = await notices.notice_status(turn.session, found)
    turn.reply(render.notice_status(turn.tr, status))


@handler(groups_only=True)
async def seen_pressed(turn: Turn) -> None:
    data = turn.pressed(SeenNotice)
    found = await notices.notice_in_group(turn.session, turn.group_id, data.notice_id)
    user = turn.user
    if found is None or user is None or user.is_bot:
        raise DomainError(STALE_BUTTON)
    first = await notices.acknowledge(turn.session, found.id, user.id, "button")
    turn.toast(render.acknowledged(turn.tr, first))


# -- reminders (due work) ---------------------------------------------------------------


async def send_reminders(tick: Tick) -> None:
    """Once per notice, after its delay and outside quiet hours: remind who has not seen it
    (nothing is sent when everyone has)."""
    runtime = tick.runtime
    ready: list[int] = []
    async with runtime.db() as session:
        for due in await notices.due_reminders(session, tick.now):
            quiet, zone = await group_settings.quiet_hours(session, due.group_id)
            if release_time(due.remind_at, quiet, zone) <= tick.now:
                ready.append(due.notice_id)
    for notice_id in ready:
        await run_once(
            tick, f"reactions:notice-reminder:{notice_id}", _reminder_work(runtime, notice_id)
        )


def _reminder_work(runtime: Runtime, notice_id: int):
    async def work() -> int:
        async with runtime.db() as session:
            data = await notices.reminder(session, notice_id)
        if data is None:
            return 0
        if data.pending:
            text, markup = render.reminder(translator(data.language), notice_id, data)
            await runtime.messenger.send(
                data.chat_id,
                text,
                thread_id=data.thread_id,
                reply_to=data.message_id,
                markup=markup,
            )
        async with runtime.db() as session:
            await notices.mark_reminded(session, notice_id, len(data.pending), runtime.clock.now())

        return len(data.pending)

    return work
