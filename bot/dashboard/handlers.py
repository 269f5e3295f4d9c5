"""/dashboard: the button that opens the coordinators' Mini App for this group (in private,
the one that opens it on the chooser of the person's groups)."""

from __future__ import annotations

from bot.core.turn import Turn, handler
from bot.dashboard import render
from bot.dashboard.links import app_url, direct_link


@handler()
async def dashboard(turn: Turn) -> None:
    settings = turn.runtime.settings
    if turn.is_private:
        url = app_url(settings)
        if url is None:
            turn.reply(render.not_set_up(turn.tr))
            return
        turn.reply(*render.open_in_private(turn.tr, url))
        return
    link = direct_link(settings, turn.context.bot.username, turn.group_id)
    if link is None:
        turn.reply(render.not_set_up(turn.tr))
        return
    turn.reply(*render.open_in_group(turn.tr, turn.chat.title or "", link))
