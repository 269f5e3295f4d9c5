"""Who is a coordinator: the group's Telegram administrators plus members given the role.

Telegram's admin list is cached in the database (`admin_cache`) for
`ADMIN_CACHE_SECONDS`, and dropped when a membership change may have altered it, so a
promotion or demotion counts at once. An anonymous admin posting as the group itself counts
as an administrator. In a private chat each person is the coordinator of their own settings.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Chat, User
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.db import as_utc, insert_for
from bot.core.faults import describe
from bot.core.models import AdminCache
from bot.core.runtime import Runtime

log = logging.getLogger(__name__)


async def invalidate_admins(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(AdminCache).where(AdminCache.chat_id == chat_id))


async def _fetch_admins(runtime: Runtime, chat_id: int, cached: list[int] | None) -> set[int]:
    """Ask Telegram (outside any transaction), then store the answer."""
    try:
        admins = await runtime.messenger.bot.get_chat_administrators(chat_id)
    except TelegramError as exc:
        line = describe(exc) or f"telegram getChatAdministrators failed for chat {chat_id}: {exc}"
        log.warning("%s; the administrators known stay as they were", line)
        return set(cached) if cached is not None else set()
    ids = sorted(admin.user.id for admin in admins)
    async with runtime.db() as session:
        stmt = insert_for(session, AdminCache).values(chat_id=chat_id, user_ids=ids)
        stmt = stmt.on_conflict_do_update(
            index_elements=[AdminCache.chat_id],
            set_={"user_ids": ids, "fetched_at": runtime.clock.now()},
        )
        await session.execute(stmt)
    return set(ids)


def is_anonymous_admin(chat: Chat, sender_chat: Chat | None) -> bool:
    return sender_chat is not None and sender_chat.id == chat.id


async def is_coordinator(
    runtime: Runtime, chat: Chat, user: User | None, sender_chat: Chat | None = None
) -> bool:
    if chat.type == ChatType.PRIVATE:
        return True
    if is_anonymous_admin(chat, sender_chat):
        return True
    if user is None or user.is_bot:
        return False
    admins = AdminCache.__table__.c
    roles = [has_role(chat.id, user.id) for has_role in runtime.role_checks]
    async with runtime.db() as session:  # one short read: roles and the cached admin list
        row = (
            await session.execute(
                select(
                    or_(*roles) if roles else false(),
                    select(admins.user_ids).where(admins.chat_id == chat.id).scalar_subquery(),
                    select(admins.fetched_at).where(admins.chat_id == chat.id).scalar_subquery(),
                )
            )
        ).one()
    has_role, cached, fetched_at = row
    if has_role:
        return True
    fresh_after = runtime.clock.now() - timedelta(seconds=runtime.settings.admin_cache_seconds)
    if cached is not None and as_utc(fetched_at) > fresh_after:
        return user.id in cached
    return user.id in await _fetch_admins(runtime, chat.id, cached)
