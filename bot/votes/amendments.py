"""Charter changes by vote (`/rules propose`): the change a proposal carries, applied once it
passes, by the charter feature through the `AMENDMENT_PASSED` hook (votes never imports charter).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.hooks import Hook, Hooks
from bot.votes.models import Amendment, Vote

# A passed proposal to change the charter, applied by the charter feature: (session, group id,
# author id, section, text) -> the number of the new charter version, or None when the change
# cannot be made any more (the rules are full, say).
AmendFn = Callable[[AsyncSession, int, int | None, str, str], Awaitable[int | None]]
AMENDMENT_PASSED: Hook[AmendFn] = Hook("votes.amendment_passed")


async def open_amendment(session: AsyncSession, vote_id: int, section: str, text: str) -> None:
    """The vote `vote_id` proposes to change the charter's `section` to `text` (the charter
    feature checked both)."""
    session.add(Amendment(vote_id=vote_id, section=section, text=text))
    await session.flush()


async def apply_amendment(session: AsyncSession, vote_id: int, group_id: int, hooks: Hooks) -> None:
    """A passed charter change becomes a new charter version (author: the proposer), once."""
    amendment = await session.get(Amendment, vote_id)
    if amendment is None or amendment.version is not None:
        return
    author = await session.scalar(select(Vote.opener_id).where(Vote.id == vote_id))
    for amend in hooks.of(AMENDMENT_PASSED):
        number = await amend(session, group_id, author, amendment.section, amendment.text)
        if number is not None:
            amendment.version = number
    await session.flush()
