"""The digest's decisions: those made in the period, and the earlier ones (of `RECENT`) whose
commitments are still to do or changed in the period — each with the commitments it became
(a passed proposal's, the `Todo:`s of minutes that agreed it) and their state. One query for
a batch of groups, like every fact (bot.monitoring.facts)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import ACTIVE, Commitment
from bot.core.db import as_utc
from bot.meetings.models import MinuteTask
from bot.monitoring.service import DecisionCommitment, DecisionFact, Facts
from bot.votes.models import Decision, Vote, VoteCommitment

RECENT = timedelta(days=30)  # an older decision is listed while its commitments move


def state_of(status: str, due_at: datetime | None, now: datetime) -> str:
    """done | dropped | overdue | open (a blocked commitment is still open)."""
    if status in ACTIVE:
        return "overdue" if due_at is not None and due_at < now else "open"
    return status


async def decisions(
    session: AsyncSession,
    ids: list[int],
    start: datetime,
    now: datetime,
    facts: dict[int, Facts],
) -> None:
    links = union_all(
        select(Decision.id.label("decision_id"), VoteCommitment.commitment_id).join(
            VoteCommitment, VoteCommitment.vote_id == Decision.vote_id
        ),
        select(MinuteTask.decision_id, MinuteTask.commitment_id).where(
            MinuteTask.decision_id.is_not(None)
        ),
    ).subquery()
    rows = await session.execute(
        select(
            Decision.id,
            Decision.group_id,
            Decision.number,
            Vote.question,
            Decision.text,
            Decision.outcome,
            Decision.decided_at,
            Commitment.number,
            Commitment.text,
            Commitment.status,
            Commitment.progress,
            Commitment.due_at,
            Commitment.updated_at,
        )
        .outerjoin(Vote, Vote.id == Decision.vote_id)
        .outerjoin(links, links.c.decision_id == Decision.id)
        .outerjoin(Commitment, Commitment.id == links.c.commitment_id)
        .where(
            Decision.group_id.in_(ids),
            Decision.decided_at >= start - RECENT,
            Decision.decided_at < now,
        )
        .order_by(Decision.number, Commitment.number)
    )
    found: dict[int, tuple[int, DecisionFact, bool]] = {}
    made: dict[int, list[DecisionCommitment]] = {}
    for did, gid, number, question, text, outcome, decided_at, *commitment in rows.tuples():
        if did not in found:
            fact = DecisionFact(number, question or text or "", outcome)
            found[did] = (gid, fact, as_utc(decided_at) >= start)
            made[did] = []
        c_number, c_text, status, progress, due_at, updated_at = commitment
        if c_number is None:
            continue
        state = state_of(status, as_utc(due_at), now)
        moved = status in ACTIVE or as_utc(updated_at) >= start
        made[did].append(DecisionCommitment(c_number, c_text, state, progress, moved))
    for did, (gid, fact, in_period) in found.items():
        listed = made[did]
        if in_period or any(c.moved for c in listed):
            fact.commitments.extend(listed)
            facts[gid].decisions.append(fact)
