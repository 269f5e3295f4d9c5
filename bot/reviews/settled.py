"""What is settled stays settled: the subjects an automatic review leaves alone.

A drop with a reason is a decision, not a failure: no automatic review opens on it (a
coordinator's `/review` still may). The bot always asks why a commitment is dropped, so a drop
without a reason is a row nobody explained; it is reviewed as before.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reviews.facts import CommitmentFacts, Facts, Why
from bot.reviews.models import ReviewSubject


def is_decision(facts: Facts) -> bool:
    """A commitment dropped with a reason: the group decided, nothing failed."""
    return (
        isinstance(facts, CommitmentFacts)
        and facts.why == Why.DROPPED
        and bool((facts.reason or "").strip())
    )


async def forget_settled(session: AsyncSession, group_id: int) -> None:
    """Forget the group's waiting subjects that are settled (found before they were judged
    so): the finders will not find them again, as they judge alike."""
    waiting = list(
        await session.scalars(
            select(ReviewSubject).where(
                ReviewSubject.group_id == group_id, ReviewSubject.review_id.is_(None)
            )
        )
    )
    settled = [s.id for s in waiting if is_decision(s.details)]
    if settled:
        await session.execute(
            delete(ReviewSubject)
            .where(ReviewSubject.id.in_(settled), ReviewSubject.review_id.is_(None))
            .execution_options(synchronize_session=False)
        )
