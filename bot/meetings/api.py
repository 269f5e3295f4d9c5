"""What other features may ask of meetings from their handlers: open a slot poll."""

from __future__ import annotations

from bot.core.turn import Turn
from bot.meetings import handlers, render, service


async def open_poll(turn: Turn, title: str, slots_text: str) -> int:
    """A new slot poll titled `title` from `date | date …`, posted in the turn's chat.
    Raises DomainError (with examples) for dates it cannot read. Returns the meeting id."""
    _, slots = service.parse_request(
        f"{title} | {slots_text}", tz=turn.identity.timezone, now=turn.now
    )
    creator = turn.user.id if turn.user is not None and not turn.user.is_bot else None
    created = await service.create(
        turn.session, turn.group_id, title, slots, creator, turn.thread_id
    )
    views = await handlers.slot_views(turn.session, created.id)
    text = render.poll_text(turn.tr, title, views, turn.identity.timezone, None)
    await handlers.send_and_remember(
        turn, text, render.poll_keyboard(views), created.id, "poll_message_id"
    )
    return created.id
