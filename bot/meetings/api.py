"""What other features may ask of meetings from their handlers: open a slot poll."""

from __future__ import annotations

from bot.core.turn import Turn
from bot.meetings import handlers, service


async def open_poll(turn: Turn, title: str, slots_text: str) -> int:
    """A new slot poll titled `title` from `date | date …`, posted in the turn's chat.
    Raises DomainError (with examples) for dates it cannot read. Returns the meeting id."""
    _, slots = service.parse_request(
        f"{title} | {slots_text}", tz=turn.identity.timezone, now=turn.now
    )
    return await handlers.post_poll(turn, title, slots)
