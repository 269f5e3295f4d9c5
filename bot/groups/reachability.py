"""Whether a group's chat can still be reached: Telegram answering "chat not found".

The bot removed from a group is `Forbidden`, and the group is marked inactive at once. A chat
that is "not found" is usually the same thing seen from another side (the group was deleted,
the bot's access was lost), but it can also be a passing fault of Telegram's: so it is counted,
once per separate attempt, and after `GIVE_UP_AFTER` misses in a row the group is marked
inactive as if the bot had been removed. A success, or the group writing again, resets it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc
from bot.groups.models import Group

log = logging.getLogger(__name__)

GIVE_UP_AFTER = 3
# misses closer together than this are one attempt (several due works of one tick)
SEPARATE = timedelta(seconds=30)
# a miss long after the last one starts the count again
FORGET_AFTER = timedelta(days=7)


async def chat_not_found(session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """Count a "chat not found" for the active group of `chat_id`; True when that was one too
    many and the group is now inactive (logged once)."""
    group = await session.scalar(
        select(Group).where(Group.chat_id == chat_id, Group.active.is_(True)).with_for_update()
    )
    if group is None:
        return False
    last = as_utc(group.not_found_at)
    if last is not None and now - last < SEPARATE and group.not_found:
        return False  # the same attempt, seen by another piece of work
    count = group.not_found + 1 if last is not None and now - last < FORGET_AFTER else 1
    group.not_found, group.not_found_at = count, now
    if count < GIVE_UP_AFTER:
        return False
    group.active, group.left_at = False, now
    log.warning(
        "group %s (chat %s) marked inactive: Telegram answered 'chat not found' %s times",
        group.id,
        chat_id,
        count,
    )
    return True


async def chat_found(session: AsyncSession, chat_id: int) -> None:
    """A chat that was not found answered again: its count starts over."""
    await session.execute(
        update(Group).where(Group.chat_id == chat_id, Group.not_found > 0).values(not_found=0)
    )
