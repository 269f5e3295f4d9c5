"""Groups, people, memberships, roles and per-group settings (language, time zone)."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    filters,
)

from bot.core.chatter import Chatter
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command, handler_key
from bot.groups import handlers, reachability, render, service
from bot.groups.callbacks import (
    ChangeZone,
    HelpIndex,
    HelpPage,
    SetLanguage,
    SetZone,
    SetZoneAsAdmin,
)

SEEN_GROUP = 10
# what a member says in a group: a text or an attachment (photo, sticker, voice, poll, …), not a
# command and not a service message (which carries neither). Asked of every group message, so
# cheap: `~filters.StatusUpdate.ALL` asks 46 filters each time
SAID = (
    filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGE
    & (filters.TEXT | filters.ATTACHMENT)
    & ~filters.COMMAND
)

COMMANDS = [
    CommandSpec("start", N_("What Minga is and how to begin"), in_private=True),
    CommandSpec("help", N_("The commands you can use"), in_private=True),
    CommandSpec(
        "language",
        N_("Choose the language: es, pt or en"),
        coordinator=True,
        in_private=True,
        topic="settings",
    ),
    CommandSpec("timezone", N_("Set the group's time zone"), coordinator=True, topic="settings"),
    CommandSpec(
        "coordinator", N_("See, add or remove coordinators"), coordinator=True, topic="settings"
    ),
    CommandSpec("observer", N_("See, add or remove observers"), coordinator=True, topic="settings"),
    CommandSpec(
        "member",
        N_("Members without Telegram: see, add or remove"),
        coordinator=True,
        topic="settings",
    ),
]
HELP = HelpTopic(
    "settings",
    N_("⚙️ Settings"),
    N_("language, time zone, coordinators, your data"),
    order=90,
    details=render.help_details,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    runtime.identify = handlers.identify
    runtime.role_checks.append(service.has_coordinator_role)

    async def chat_gone(chat_id: int) -> None:
        async with runtime.db() as session:
            await service.deactivate(session, chat_id, runtime.clock.now())

    async def chat_moved(old_chat_id: int, new_chat_id: int) -> None:
        async with runtime.db() as session:
            await service.migrate(session, old_chat_id, new_chat_id)

    async def chat_missing(chat_id: int) -> bool:
        async with runtime.db() as session:
            return await reachability.chat_not_found(session, chat_id, runtime.clock.now())

    async def chat_back(chat_id: int) -> None:
        async with runtime.db() as session:
            await reachability.chat_found(session, chat_id)

    runtime.messenger.forbidden_hooks.append(chat_gone)
    runtime.messenger.migration_hooks.append(chat_moved)
    runtime.messenger.not_found_hooks.append(chat_missing)
    runtime.messenger.found_hooks.append(chat_back)

    application.add_handlers(
        [
            ChatMemberHandler(handlers.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
            ChatMemberHandler(handlers.member_update, ChatMemberHandler.CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.MIGRATE, handlers.chat_migrated),
            MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, handlers.members_joined),
            MessageHandler(filters.StatusUpdate.LEFT_CHAT_MEMBER, handlers.member_left),
            command("start", handlers.start),
            command("help", handlers.help_command),
            command("language", handlers.language),
            command("timezone", handlers.timezone),
            command("coordinator", handlers.coordinator),
            command("observer", handlers.observer),
            command("member", handlers.member),
            CallbackQueryHandler(handlers.language_button, pattern=SetLanguage.pattern()),
            CallbackQueryHandler(handlers.zone_button, pattern=SetZone.pattern()),
            CallbackQueryHandler(handlers.zone_button, pattern=SetZoneAsAdmin.pattern()),
            CallbackQueryHandler(handlers.change_zone_button, pattern=ChangeZone.pattern()),
            CallbackQueryHandler(handlers.help_button, pattern=HelpPage.pattern()),
            CallbackQueryHandler(handlers.help_button, pattern=HelpIndex.pattern()),
        ]
    )
    # after every feature: whoever writes in a group is known (for @mentions, participation);
    # under `minga run` a batch's plain messages of known members are taken in one go
    runtime.chatter = Chatter(SEEN_GROUP, handler_key(handlers.seen), handlers.known)
    application.add_handler(
        MessageHandler(SAID, handlers.seen),
        group=SEEN_GROUP,
    )
