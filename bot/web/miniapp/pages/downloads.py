"""The downloads page (coordinators only): the group's data, the same export as `/export`,
as CSV files in a zip or as one JSON document. The buttons ask `downloads` for a short-lived
link (the page's script: `data-download`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.web.miniapp.downloads import VALID

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr = viewer.tr
    return {
        "intro": tr.gettext(
            "The group's data: decisions with their positions, commitments with their owners, "
            "resources and history, meetings with attendance, lessons. The same copy as /export."
        ),
        "zip": tr.gettext("⬇️ CSV files (zip)"),
        "json": tr.gettext("⬇️ One JSON document"),
        "hint": tr.ngettext(
            "Each link works for {n} minute, for you only.",
            "Each link works for {n} minutes, for you only.",
            int(VALID.total_seconds() // 60),
        ),
        "failed": tr.gettext("The download did not start. Try again, or use /export in the group."),
    }
