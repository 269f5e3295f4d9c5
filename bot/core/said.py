"""A plain group message as the features that watch messages see it (counts, never text).

Kept apart from `bot.core.chatter` (which reads Telegram updates) so that services, which never
import `telegram`, can take and return it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.records import frozen


@frozen
class Said:
    """One plain message of a registered member: which update, where and who (row ids)."""

    update_id: int
    group_id: int
    person_id: int


# a feature's part: note these messages, inside the transaction that records them as handled
MessageHook = Callable[[AsyncSession, Sequence[Said], datetime], Awaitable[None]]
