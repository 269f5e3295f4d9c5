"""Telegram updates of the groups feature: membership, /start, /help, settings, roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import Chat, Update, User

from bot.config import Settings
from bot.core.callbacks import STALE_BUTTON
from bot.core.chatter import Heard
from bot.core.claims import Claim
from bot.core.errors import DomainError
from bot.core.i18n import N_, normalize_language, translator
from bot.core.models import AdminCache
from bot.core.moments import Local
from bot.core.people import ADMINS, is_person, is_present, mention, person_info, trim
from bot.core.permissions import invalidate_admins
from bot.core.runtime import Identity
from bot.core.said import Said
from bot.core.turn import Turn, handler
from bot.groups import guide, offline, render, roles, service
from bot.groups import settings as group_settings
from bot.groups.api import MEMBERS_JOINED, START_LINES, register_person, target_person
from bot.groups.callbacks import (
    ChangeZone,
    HelpIndex,
    HelpPage,
    SetLanguage,
    SetZone,
    SetZoneAsAdmin,
)
from bot.groups.known import known_members
from bot.groups.models import COORDINATOR, MEMBER, OBSERVER

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def chat_info(chat: Chat) -> service.ChatInfo:
    return service.ChatInfo(chat_id=chat.id, type=chat.type, title=chat.title)


async def identify(
    session: AsyncSession, update: Update, settings: Settings, now: datetime, claim: Claim
) -> Identity:
    """Register the chat and the sender of any handled update; resolve the chat's language.

    A group speaks its own language; a private chat the person's chosen language, else their
    Telegram language, else the default.
    """
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    person = person_info(user) if is_person(user) else None
    group, chosen, role = await service.register(
        session,
        chat_info(chat),
        person,
        default_language=settings.default_language,
        default_timezone=settings.default_timezone,
        now=now,
        # membership changes are the membership handlers' to record: someone leaving is the
        # sender of their own leaving, and must not be registered back by it
        member=not _about_membership(update),
        claim=claim,
    )
    if group is not None:
        return Identity(
            group_id=group.id, language=group.language, timezone=group.timezone, role=role
        )
    language = (
        chosen
        or normalize_language(user.language_code if user else None)
        or settings.default_language
    )
    return Identity(group_id=None, language=language, timezone=settings.default_timezone)


def _about_membership(update: Update) -> bool:
    message = update.message
    return update.chat_member is not None or (
        message is not None and message.left_chat_member is not None
    )


@handler()
async def seen(turn: Turn) -> None:
    """Any other message in a group: its sender is registered (by the turn itself), and the
    features that watch messages (counts, never text) are told. Under `minga run` most of
    these come as a batch's chatter instead (`known`, bot.core.chatter), to the same effect."""
    user = turn.user
    if turn.identity.group_id is None or user is None or not is_person(user):
        return
    said = [Said(turn.update.update_id, turn.group_id, user.id)]
    for hook in turn.runtime.message_hooks:
        await hook(turn.session, said, turn.now)


async def known(session: AsyncSession, heard: Sequence[Heard]) -> list[Said]:
    """Of a batch's chatter, the messages whose chat and sender `seen` would only read."""
    seen = [
        (
            h.update_id,
            service.ChatInfo(chat_id=h.chat_id, type=h.chat_type, title=h.title),
            h.person,
        )
        for h in heard
    ]
    return await known_members(session, seen)


# -- the bot's own membership -------------------------------------------------------------


@handler()
async def bot_membership(turn: Turn) -> None:
    """Added to a group: greet once. Removed: mark the group inactive and say nothing."""
    change = turn.update.my_chat_member
    assert change is not None
    if turn.is_private:
        return
    was, now = is_present(change.old_chat_member), is_present(change.new_chat_member)
    await invalidate_admins(turn.session, turn.chat.id)
    if now and not was:
        admin = change.new_chat_member.status in ADMINS
        turn.send(
            turn.chat.id,
            render.greeting(turn.tr, turn.chat.title, turn.local, admin=admin),
            render.zone_keyboard(
                _zones(turn.identity.language),
                turn.identity.timezone,
                SetZoneAsAdmin if admin else SetZone,
            ),
        )
    elif was and not now:
        await service.deactivate(turn.session, turn.chat.id, turn.now)


# -- other people's membership ------------------------------------------------------------


@handler()
async def member_update(turn: Turn) -> None:
    change = turn.update.chat_member
    assert change is not None
    old, new = change.old_chat_member, change.new_chat_member
    if old.status in ADMINS or new.status in ADMINS:
        await invalidate_admins(turn.session, turn.chat.id)
    if not is_person(new.user):
        return
    if is_present(new):
        await service.upsert_membership(
            turn.session, turn.group_id, await _newcomer(turn, new.user), turn.now
        )
        if new.status in ADMINS:  # an admin coordinates, and a coordinator is no observer
            await roles.stop_observing(turn.session, turn.group_id, new.user.id)
        if not is_present(old):
            await _joined(turn, [new.user.id])
    else:
        await service.member_left(turn.session, turn.chat.id, new.user.id, turn.now)


@handler()
async def members_joined(turn: Turn) -> None:
    """`new_chat_members` service message: seen even when the bot is not admin."""
    message = turn.message
    assert message is not None
    joined = []
    for user in message.new_chat_members:
        if is_person(user):
            await service.upsert_membership(
                turn.session, turn.group_id, await _newcomer(turn, user), turn.now
            )
            joined.append(user.id)
    await _joined(turn, joined)


async def _newcomer(turn: Turn, user: User) -> int:
    """Register someone in the group's members (their id): unless they are the update's own
    sender, as the update tells of them — whom the turn has registered already (`identify`)."""
    sender = turn.user
    if sender is None or sender.id != user.id or person_info(sender) != person_info(user):
        await register_person(turn, user)
    return user.id


async def _joined(turn: Turn, person_ids: list[int]) -> None:
    """Newcomers registered: the features that greet them hear of it in the same turn (one
    transaction for the membership and, say, the charter's welcome queue)."""
    if person_ids:
        for hear in turn.runtime.hooks.of(MEMBERS_JOINED):
            await hear(turn, person_ids)


@handler()
async def member_left(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.left_chat_member is not None
    if is_person(message.left_chat_member):
        await service.member_left(turn.session, turn.chat.id, message.left_chat_member.id, turn.now)


@handler(register=False)
async def chat_migrated(turn: Turn) -> None:
    """A group became a supergroup: its data moves to the new chat id."""
    message = turn.message
    assert message is not None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = int(message.migrate_from_chat_id or 0), message.chat.id
    await service.migrate(turn.session, old, new)


# -- commands -----------------------------------------------------------------------------


@handler()
async def start(turn: Turn) -> None:
    """In private: a short greeting for the person (their groups, what other features add);
    in a group: /help."""
    if not turn.is_private:
        _help(turn)
        return
    assert turn.user is not None
    groups = await service.groups_of(turn.session, turn.user.id)
    more = [line for lines in turn.runtime.hooks.of(START_LINES) for line in await lines(turn)]
    turn.reply(guide.start_private(turn.tr, trim(turn.user.first_name), groups, more))


@handler()
async def help_command(turn: Turn) -> None:
    _help(turn)


def _help(turn: Turn) -> None:
    runtime = turn.runtime
    text, markup = guide.index(
        turn.tr, runtime.help_topics, runtime.commands, private=turn.is_private
    )
    turn.reply(text, markup)


@handler()
async def help_button(turn: Turn) -> None:
    """A topic pressed under /help: the same message shows its page; "back", the list."""
    query = turn.update.callback_query
    assert query is not None
    runtime = turn.runtime
    if HelpIndex.pattern().fullmatch(query.data or ""):
        text, markup = guide.index(
            turn.tr, runtime.help_topics, runtime.commands, private=turn.is_private
        )
    else:
        key = turn.pressed(HelpPage).key
        topic = next((t for t in runtime.help_topics if t.key == key), None)
        if topic is None:
            raise DomainError(STALE_BUTTON)
        text, markup = guide.page(turn.tr, topic, runtime.commands)
    turn.edit(text, markup)


@handler(coordinator=True)
async def language(turn: Turn) -> None:
    if not turn.args:
        text, markup = render.language_prompt(turn.tr, turn.identity.language)
        turn.reply(text, markup)
        return
    lang = await _set_language(turn, " ".join(turn.args))
    turn.reply(render.language_set(translator(lang), lang, private=turn.is_private))


@handler(coordinator=True)
async def language_button(turn: Turn) -> None:
    choice = turn.pressed(SetLanguage)
    lang = await _set_language(turn, choice.lang)
    tr = translator(lang)
    turn.edit(render.language_set(tr, lang, private=turn.is_private))
    turn.toast(tr.gettext("Saved."))


async def _set_language(turn: Turn, raw: str) -> str:
    if turn.is_private:
        assert turn.user is not None
        return await group_settings.set_person_language(turn.session, turn.user.id, raw)
    return await group_settings.set_group_language(turn.session, turn.group_id, raw)


@handler(coordinator=True, groups_only=True)
async def timezone(turn: Turn) -> None:
    zones = _zones(turn.identity.language)
    if not turn.args:
        zone = turn.identity.timezone
        example = next((z for _, z, _ in zones if z != zone), group_settings.TIMEZONE_EXAMPLE)
        turn.reply(
            render.timezone_current(turn.tr, Local(zone, turn.now), example),
            render.zone_keyboard(zones, zone, ChangeZone),
        )
        return
    zone = await group_settings.set_group_timezone(turn.session, turn.group_id, turn.args[0])
    turn.reply(render.timezone_set(turn.tr, Local(zone, turn.now)))


@handler(coordinator=True, groups_only=True)
async def change_zone_button(turn: Turn) -> None:
    """A zone pressed under `/timezone`'s answer: set, and said in the same message."""
    choice = turn.pressed(ChangeZone)
    zones = _zones(turn.identity.language)
    picked = next((zone for key, zone, _ in zones if key == choice.key), None)
    if picked is None:
        raise DomainError(STALE_BUTTON)
    zone = await group_settings.set_group_timezone(turn.session, turn.group_id, picked)
    turn.edit(
        render.timezone_set(turn.tr, Local(zone, turn.now)),
        render.zone_keyboard(zones, zone, ChangeZone),
    )


@handler(coordinator=True, groups_only=True)
async def zone_button(turn: Turn) -> None:
    """A zone pressed under the greeting: the group's time zone, said in the same message
    (which asks to make the bot admin as it did when it was sent)."""
    query = turn.update.callback_query
    assert query is not None
    kind = SetZoneAsAdmin if SetZoneAsAdmin.pattern().fullmatch(query.data or "") else SetZone
    choice = turn.pressed(kind)
    zones = _zones(turn.identity.language)
    picked = next((zone for key, zone, _ in zones if key == choice.key), None)
    if picked is None:
        raise DomainError(STALE_BUTTON)
    zone = await group_settings.set_group_timezone(turn.session, turn.group_id, picked)
    local = Local(zone, turn.now)
    turn.edit(
        render.greeting(turn.tr, turn.chat.title, local, admin=kind is SetZoneAsAdmin),
        render.zone_keyboard(zones, zone, kind),
    )
    turn.toast(local.zone(turn.tr))


def _zones(language: str) -> list[tuple[str, str, str]]:
    return [(z.key, z.zone, z.city) for z in group_settings.COMMON_ZONES.get(language, ())]


def _changes_roles(args: list[str]) -> bool:
    return bool(args) and args[0].lower() in {"add", "remove"}


COORDINATOR_USAGE = N_(
    "Reply to a message of the person with /coordinator add (or remove), "
    "or name them: /coordinator add @ana"
)


@handler(coordinator=_changes_roles, groups_only=True)
async def coordinator(turn: Turn) -> None:
    args = turn.args
    if not args:
        people = await service.coordinators(turn.session, turn.group_id)
        turn.reply(
            render.coordinators_list(
                turn.tr, [mention(p.id, p.first_name, p.last_name) for p in people]
            )
        )
        return
    action = args[0].lower()
    if action not in {"add", "remove"}:
        raise DomainError(COORDINATOR_USAGE)
    target = await target_person(turn, COORDINATOR_USAGE)
    who = mention(target.id, target.first_name, target.last_name)
    if action == "add":
        changed = await service.set_role(
            turn.session, turn.group_id, target.id, COORDINATOR, turn.now
        )
        turn.reply(
            (render.coordinator_added if changed else render.coordinator_already)(turn.tr, who)
        )
        return
    changed = await service.set_role(turn.session, turn.group_id, target.id, MEMBER, turn.now)

    cache = await turn.session.get(AdminCache, turn.chat.id)
    if cache is not None and target.id in cache.user_ids:
        turn.reply(render.coordinator_is_admin(turn.tr, who))
    else:
        turn.reply(
            (render.coordinator_removed if changed else render.coordinator_not)(turn.tr, who)
        )


OBSERVER_USAGE = N_(
    "Reply to a message of the person with /observer add (or remove), "
    "or name them: /observer add @ana"
)


@handler(coordinator=_changes_roles, groups_only=True)
async def observer(turn: Turn) -> None:
    """`/observer`: who observes; `/observer add|remove`: a coordinator gives or takes the role.
    A coordinator (by role or as a Telegram admin) stays a coordinator, and is told so."""
    args = turn.args
    if not args:
        people = await roles.observers(turn.session, turn.group_id)
        turn.reply(
            render.observers_list(
                turn.tr, [mention(p.id, p.first_name, p.last_name) for p in people]
            )
        )
        return
    action = args[0].lower()
    if action not in {"add", "remove"}:
        raise DomainError(OBSERVER_USAGE)
    target = await target_person(turn, OBSERVER_USAGE)
    who = mention(target.id, target.first_name, target.last_name)
    role = await roles.role_of(turn.session, turn.group_id, target.id)
    if action == "remove":
        if role != OBSERVER:
            turn.reply(render.observer_not(turn.tr, who))
            return
        await service.set_role(turn.session, turn.group_id, target.id, MEMBER, turn.now)
        turn.reply(render.observer_removed(turn.tr, who))
        return
    # the sender's own coordinator check has just read the group's admins into the cache
    cache = await turn.session.get(AdminCache, turn.chat.id)
    if role == COORDINATOR or (cache is not None and target.id in cache.user_ids):
        turn.reply(render.observer_is_coordinator(turn.tr, who))
        return
    changed = await service.set_role(turn.session, turn.group_id, target.id, OBSERVER, turn.now)
    turn.reply((render.observer_added if changed else render.observer_already)(turn.tr, who))


@handler(coordinator=_changes_roles, groups_only=True)
async def member(turn: Turn) -> None:
    """`/member`: the members without Telegram; `/member add|remove "Doña Rosa"`: a
    coordinator adds or removes one (their positions are recorded with `/vote`)."""
    args = turn.args
    if not args:
        people = await offline.members(turn.session, turn.group_id)
        turn.reply(render.offline_list(turn.tr, [p.first_name for p in people]))
        return
    action = args[0].lower()
    if action not in {"add", "remove"}:
        raise DomainError(offline.MEMBER_USAGE)
    message = turn.message
    assert message is not None and message.text is not None
    rest = message.text[turn.command_end :].strip()[len(args[0]) :]
    name = offline.clean_name(rest)
    if action == "add":
        added = await offline.add(turn.session, turn.group_id, name, turn.now)
        turn.reply((render.member_added if added else render.member_already)(turn.tr, name))
        return
    removed = await offline.remove(turn.session, turn.group_id, name, turn.now)
    turn.reply((render.member_removed if removed else render.member_not)(turn.tr, name))
