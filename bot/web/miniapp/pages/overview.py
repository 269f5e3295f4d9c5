"""The overview: open commitments, completion over the weeks, next meeting, open votes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr = viewer.tr
    return {
        "empty": tr.gettext(
            "Nothing here yet: when the group makes commitments, meetings or votes, "
            "they show up on this page."
        ),
    }
