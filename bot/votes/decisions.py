"""Closing a vote and the decision log: the outcome, numbered per group with the agreements of
meetings' minutes; a passed proposal turned into a commitment.

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.creating import create_commitment
from bot.commitments.models import Commitment
from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.hooks import Hooks
from bot.core.i18n import N_
from bot.groups.models import Group
from bot.votes import ballots, rules, service
from bot.votes.amendments import apply_amendment
from bot.votes.models import Decision, Vote, VoteCommitment
from bot.votes.positions import hold_vote
from bot.votes.rules import OutcomeKind, VoteKind
from bot.votes.views import AGREEMENT, DecisionLine, VoteView

# -- closing ----------------------------------------------------------------------------------


def outcome_of(v: VoteView) -> rules.Outcome:
    if v.kind == VoteKind.RANKED:
        rankings = [ballots.ranking_of(voter.choices) for voter in v.voters]
        return ballots.ranked_outcome(rankings, v.n_options, v.members, v.quorum)
    if v.kind == VoteKind.SCORE:
        scores = [ballots.scores_of(voter.choices, v.n_options) for voter in v.voters]
        return ballots.score_outcome(scores, v.n_options, v.members, v.quorum)
    if v.kind == VoteKind.PROPOSAL:
        return rules.proposal_outcome(v.stances, v.members, v.quorum)
    return rules.poll_outcome(v.stances, v.n_options, v.members, v.quorum)


async def close_vote(
    session: AsyncSession, vote_id: int, now: datetime, by: int | None = None, *, hooks: Hooks
) -> bool:
    """Close the vote once (False if it was closed already) and log the decision; a passed
    charter change is applied (through `AMENDMENT_PASSED`, in `hooks`)."""
    await hold_vote(session, vote_id, alone=True)  # the positions in flight are counted
    result = await session.execute(
        update(Vote)
        .where(Vote.id == vote_id, Vote.closed_at.is_(None))
        .values(closed_at=now, closed_by=by)
    )
    if result.rowcount != 1:
        return False
    v = await service.view(session, vote_id)
    assert v is not None
    outcome = outcome_of(v)
    group_id = await session.scalar(select(Vote.group_id).where(Vote.id == vote_id))
    number = await _next_decision_number(session, group_id)
    session.add(
        Decision(
            group_id=group_id,
            number=number,
            vote_id=vote_id,
            outcome=outcome.kind,
            winners=list(outcome.winners),
            counts=list(outcome.counts),
            voters=outcome.voters,
            members=outcome.members,
            decided_at=now,
        )
    )
    await session.execute(update(Vote).where(Vote.id == vote_id).values(outcome=outcome.kind))
    await session.flush()
    if outcome.kind == OutcomeKind.PASSED:
        await apply_amendment(session, vote_id, group_id, hooks)
    return True


async def _next_decision_number(session: AsyncSession, group_id: int) -> int:
    """The group's decision log is numbered 1, 2, 3… (votes and agreements alike)."""
    last = await session.scalar(
        select(func.coalesce(func.max(Decision.number), 0)).where(Decision.group_id == group_id)
    )
    return (last or 0) + 1


async def due_to_close(session: AsyncSession, now: datetime) -> list[int]:
    return list(
        await session.scalars(
            select(Vote.id)
            .join(Group, Group.id == Vote.group_id)
            .where(Vote.closed_at.is_(None), Vote.closes_at <= now, Group.active.is_(True))
            .order_by(Vote.closes_at)
        )
    )


async def unannounced(session: AsyncSession) -> list[int]:
    return list(
        await session.scalars(
            select(Vote.id).where(Vote.closed_at.is_not(None), Vote.announced_at.is_(None))
        )
    )


async def mark_announced(session: AsyncSession, vote_id: int, now: datetime) -> None:
    await session.execute(
        update(Vote)
        .where(Vote.id == vote_id)
        .values(announced_at=now, dirty=False, rendered_at=now)
    )


async def record_result(session: AsyncSession, vote_id: int, message_id: int) -> None:
    """The message that posted the vote's result (the backers' updates reply to it)."""
    await session.execute(
        update(Decision).where(Decision.vote_id == vote_id).values(message_id=message_id)
    )


# -- the decision log -----------------------------------------------------------------------


async def decisions(session: AsyncSession, group_id: int, limit: int = 20) -> list[DecisionLine]:
    rows = (
        await session.execute(
            select(Decision, Vote, Group.chat_id)
            .outerjoin(Vote, Vote.id == Decision.vote_id)
            .join(Group, Group.id == Decision.group_id)
            .where(Decision.group_id == group_id)
            .order_by(Decision.number.desc())
            .limit(limit)
        )
    ).all()
    lines = []
    for d, v, chat_id in rows:
        if v is None:  # an agreement from a meeting's minutes
            lines.append(
                DecisionLine(
                    number=d.number,
                    question=d.text or "",
                    kind=AGREEMENT,
                    outcome=OutcomeKind.AGREED,
                    winners=(),
                    decided_at=as_utc(d.decided_at),  # type: ignore[arg-type]
                    chat_id=chat_id,
                    message_id=None,
                )
            )
            continue
        lines.append(
            DecisionLine(
                number=d.number,
                question=v.question,
                kind=v.kind,
                outcome=d.outcome,
                winners=tuple(v.options[i] for i in d.winners if i < len(v.options)),
                decided_at=as_utc(d.decided_at),  # type: ignore[arg-type]
                chat_id=chat_id,
                message_id=v.message_id,
            )
        )
    return lines


async def record_agreements(
    session: AsyncSession,
    group_id: int,
    texts: Sequence[str],
    source_kind: str,
    source_id: int,
    now: datetime,
) -> list[int]:
    """Agreements reached outside a vote (a meeting's `Agreed:` lines) join the decision log.
    Returns their numbers."""
    numbers = []
    for agreed in texts:
        for attempt in range(5):
            number = await _next_decision_number(session, group_id)
            try:
                async with session.begin_nested():
                    session.add(
                        Decision(
                            group_id=group_id,
                            number=number,
                            vote_id=None,
                            text=agreed,
                            source_kind=source_kind,
                            source_id=source_id,
                            outcome=OutcomeKind.AGREED,
                            winners=[],
                            counts=[],
                            voters=0,
                            members=0,
                            decided_at=now,
                        )
                    )
                    await session.flush()
            except IntegrityError:  # another decision took the number at the same moment
                if attempt == 4:
                    raise
                continue
            numbers.append(number)
            break
    return numbers


async def agreement(session: AsyncSession, group_id: int, number: int) -> Decision | None:
    return await session.scalar(
        select(Decision).where(
            Decision.group_id == group_id, Decision.number == number, Decision.vote_id.is_(None)
        )
    )


async def decision_vote(session: AsyncSession, group_id: int, number: int) -> int | None:
    return await session.scalar(
        select(Decision.vote_id).where(Decision.group_id == group_id, Decision.number == number)
    )


# -- turning a decision into a commitment ---------------------------------------------------


async def opener_of(session: AsyncSession, vote_id: int) -> int | None:
    return await session.scalar(select(Vote.opener_id).where(Vote.id == vote_id))


async def vote_commitment(session: AsyncSession, vote_id: int) -> Commitment | None:
    return await session.scalar(
        select(Commitment)
        .join(VoteCommitment, VoteCommitment.commitment_id == Commitment.id)
        .where(VoteCommitment.vote_id == vote_id)
    )


ALREADY_COMMITTED = N_("This decision is already commitment #{number}: /commitment {number}")


async def to_commitment(
    session: AsyncSession, group_id: int, vote_id: int, person_id: int, now: datetime
) -> Commitment:
    """A passed proposal becomes a commitment owned by `person_id`, once: the vote's row in
    `vote_commitments` is unique, so a second press (even at the same moment) adds nothing."""
    vote = await session.get(Vote, vote_id)
    if (
        vote is None
        or vote.group_id != group_id
        or vote.kind != VoteKind.PROPOSAL
        or vote.outcome != OutcomeKind.PASSED
    ):
        raise DomainError(STALE_BUTTON)
    existing = await vote_commitment(session, vote_id)
    if existing is not None:
        raise DomainError(ALREADY_COMMITTED, number=existing.number)
    commitment = await create_commitment(
        session, group_id, vote.question, [person_id], None, (), person_id, "vote", vote_id, now=now
    )
    claimed = await session.execute(
        insert_for(session, VoteCommitment)
        .values(vote_id=vote_id, commitment_id=commitment.id)
        .on_conflict_do_nothing()
    )
    if claimed.rowcount != 1:  # another press won: this turn (and its commitment) rolls back
        other = await vote_commitment(session, vote_id)
        raise DomainError(ALREADY_COMMITTED, number=other.number if other else "?")
    return commitment


async def decision_of_source(session: AsyncSession, kind: str, source_id: int) -> int | None:
    """For commitments' `DECISION_OF`: the decision a vote made, by the vote's id."""
    if kind != "vote":
        return None
    return await session.scalar(select(Decision.number).where(Decision.vote_id == source_id))


async def decision_votes(
    session: AsyncSession, group_id: int, numbers: Sequence[int]
) -> dict[int, int]:
    """Decision number → the vote that made it (agreements from minutes have none)."""
    if not numbers:
        return {}
    rows = await session.execute(
        select(Decision.number, Decision.vote_id).where(
            Decision.group_id == group_id,
            Decision.number.in_(list(numbers)),
            Decision.vote_id.is_not(None),
        )
    )
    return {number: vote_id for number, vote_id in rows.tuples() if vote_id is not None}


async def commitments_of_votes(
    session: AsyncSession, vote_ids: Sequence[int]
) -> dict[int, list[Commitment]]:
    """The commitments each vote's decision produced ("➕ Turn into commitment")."""
    found: dict[int, list[Commitment]] = {vote_id: [] for vote_id in vote_ids}
    if not vote_ids:
        return found
    rows = await session.scalars(
        select(Commitment)
        .where(Commitment.source_kind == "vote", Commitment.source_id.in_(list(vote_ids)))
        .order_by(Commitment.number)
    )
    for commitment in rows:
        found[commitment.source_id].append(commitment)  # type: ignore[index]
    return found
