"""Votes: opening, refreshing the message, closing, the decision log (positions: `positions`).

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.commitments import service as commitments
from bot.commitments.models import Commitment
from bot.core.callbacks import STALE_BUTTON
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.hooks import Hook, Hooks
from bot.core.i18n import N_
from bot.groups.models import Group, Membership, Person
from bot.votes import rules
from bot.votes.models import (
    NATIVE,
    POLL,
    PROPOSAL,
    Amendment,
    Decision,
    Position,
    Vote,
    VoteCommitment,
)
from bot.votes.positions import hold_vote
from bot.votes.views import DecisionLine, Voter, VoteView

# the vote message is edited at most once per this interval (Telegram: ~20 edits/min/group)
EDIT_INTERVAL = timedelta(seconds=3)


@dataclass(frozen=True)
class NewVote:
    kind: str
    question: str
    options: tuple[str, ...]
    multi: bool
    closes_at: datetime
    quorum: int | None
    anonymous: bool


def proposal_from(text: str, *, tz: str, now: datetime) -> NewVote:
    tail = rules.read_tail(text)
    rules.check_question(tail.text, rules.PROPOSAL_EXAMPLE)
    return NewVote(
        kind=PROPOSAL,
        question=tail.text,
        options=(),
        multi=False,
        closes_at=rules.closing_time(tail.closes, tz=tz, now=now),
        quorum=tail.quorum,
        anonymous=tail.anonymous,
    )


def poll_from(text: str, *, tz: str, now: datetime) -> NewVote:
    tail = rules.read_tail(text)
    poll = rules.read_poll(tail.text)
    if poll.native and tail.anonymous:
        raise DomainError(
            N_("A native Telegram poll here is always open by name; remove “anonymous”.")
        )
    return NewVote(
        kind=NATIVE if poll.native else POLL,
        question=poll.question,
        options=poll.options,
        multi=poll.multi,
        closes_at=rules.closing_time(tail.closes, tz=tz, now=now),
        quorum=tail.quorum,
        anonymous=tail.anonymous,
    )


# -- charter changes by vote ------------------------------------------------------------------

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


async def _apply_amendment(
    session: AsyncSession, vote_id: int, group_id: int, hooks: Hooks
) -> None:
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


async def open_vote(
    session: AsyncSession,
    group_id: int,
    opener_id: int | None,
    thread_id: int | None,
    new: NewVote,
    now: datetime,
) -> int:
    vote = Vote(
        group_id=group_id,
        kind=new.kind,
        question=new.question,
        options=list(new.options),
        multi=new.multi,
        opener_id=opener_id,
        thread_id=thread_id,
        opened_at=now,
        closes_at=new.closes_at,
        quorum=new.quorum,
        anonymous=new.anonymous,
        rendered_at=now,
    )
    session.add(vote)
    await session.flush()
    return vote.id


async def set_message(
    session: AsyncSession, vote_id: int, message_id: int, native_poll_id: str | None = None
) -> None:
    await session.execute(
        update(Vote)
        .where(Vote.id == vote_id)
        .values(message_id=message_id, native_poll_id=native_poll_id)
    )


async def forget_message(session: AsyncSession, vote_id: int) -> None:
    """The vote message was deleted: stop editing it (the outcome is still posted)."""
    await session.execute(
        update(Vote).where(Vote.id == vote_id).values(message_id=None, dirty=False)
    )


# -- what the vote message shows ------------------------------------------------------------


async def member_count(session: AsyncSession, group_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.group_id == group_id, Membership.left_at.is_(None))
        )
    ) or 0


async def view(session: AsyncSession, vote_id: int) -> VoteView | None:
    vote = await session.get(Vote, vote_id)
    if vote is None:
        return None
    group = await session.get(Group, vote.group_id)
    assert group is not None
    rows = (
        await session.execute(
            select(
                Position.person_id,
                Person.first_name,
                Person.last_name,
                Position.choices,
                Position.reason,
            )
            .join(Person, Person.id == Position.person_id)
            .where(Position.vote_id == vote_id, Position.choices != 0)
            .order_by(Position.id)
        )
    ).all()
    number = await session.scalar(select(Decision.number).where(Decision.vote_id == vote_id))
    amendment = await session.get(Amendment, vote_id)
    return VoteView(
        id=vote.id,
        kind=vote.kind,
        question=vote.question,
        options=tuple(vote.options),
        multi=vote.multi,
        anonymous=vote.anonymous,
        quorum=vote.quorum,
        opened_at=as_utc(vote.opened_at),  # type: ignore[arg-type]
        closes_at=as_utc(vote.closes_at),  # type: ignore[arg-type]
        closed_at=as_utc(vote.closed_at),
        outcome=vote.outcome,
        chat_id=group.chat_id,
        message_id=vote.message_id,
        thread_id=vote.thread_id,
        language=group.language,
        timezone=group.timezone,
        group_active=group.active,
        members=await member_count(session, vote.group_id),
        voters=tuple(Voter(*row) for row in rows),
        decision_number=number,
        amendment=amendment is not None,
        charter_version=amendment.version if amendment else None,
    )


async def claim_refresh(
    session: AsyncSession, vote_id: int, now: datetime
) -> tuple[bool, datetime | None]:
    """Take the right to edit the vote message now: (claimed, or when to try again).

    At most one vote message of a group is edited per `EDIT_INTERVAL` (Telegram allows about
    20 edits a minute in a group, whatever the number of open votes). The vote is held alone
    until this transaction ends, so the tally read next includes every click in flight."""
    await hold_vote(session, vote_id, alone=True)
    other = aliased(Vote)
    recent_in_group = (
        select(other.id)
        .where(
            other.group_id == Vote.group_id,
            other.id != Vote.id,
            other.rendered_at > now - EDIT_INTERVAL,
        )
        .exists()
    )
    result = await session.execute(
        update(Vote)
        .where(
            Vote.id == vote_id,
            Vote.dirty.is_(True),
            Vote.message_id.is_not(None),
            Vote.closed_at.is_(None),
            or_(Vote.rendered_at.is_(None), Vote.rendered_at <= now - EDIT_INTERVAL),
            ~recent_in_group,
        )
        .values(dirty=False, rendered_at=now),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount == 1:
        return True, None
    row = (
        await session.execute(
            select(Vote.dirty, Vote.closed_at, Vote.message_id, Vote.group_id).where(
                Vote.id == vote_id
            )
        )
    ).first()
    if row is None or not row.dirty or row.closed_at is not None or row.message_id is None:
        return False, None
    last = await session.scalar(
        select(func.max(Vote.rendered_at)).where(Vote.group_id == row.group_id)
    )
    return False, max(as_utc(last) or now, now - EDIT_INTERVAL) + EDIT_INTERVAL


async def dirty_votes(session: AsyncSession) -> list[int]:
    return list(
        await session.scalars(
            select(Vote.id).where(
                Vote.dirty.is_(True), Vote.closed_at.is_(None), Vote.message_id.is_not(None)
            )
        )
    )


# -- finding votes ------------------------------------------------------------------------


async def vote_by_message(session: AsyncSession, group_id: int, message_id: int) -> Vote | None:
    return await session.scalar(
        select(Vote).where(Vote.group_id == group_id, Vote.message_id == message_id)
    )


async def open_votes(session: AsyncSession, group_id: int) -> list[Vote]:
    return list(
        await session.scalars(
            select(Vote)
            .where(Vote.group_id == group_id, Vote.closed_at.is_(None))
            .order_by(Vote.closes_at, Vote.id)
        )
    )


# -- closing and the decision log -----------------------------------------------------------


def outcome_of(v: VoteView) -> rules.Outcome:
    if v.kind == PROPOSAL:
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
    v = await view(session, vote_id)
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
    if outcome.kind == rules.PASSED:
        await _apply_amendment(session, vote_id, group_id, hooks)
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
                    outcome=AGREED,
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


AGREEMENT = "agreement"
AGREED = "agreed"


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
                            outcome=AGREED,
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


# -- reminders ------------------------------------------------------------------------------


async def reminder_candidates(session: AsyncSession, now: datetime) -> list[Vote]:
    """Open votes of active groups without a reminder yet, whose deadline is at most 6 h away."""
    return list(
        await session.scalars(
            select(Vote)
            .join(Group, Group.id == Vote.group_id)
            .where(
                Vote.closed_at.is_(None),
                Vote.reminder_sent_at.is_(None),
                Vote.closes_at > now,
                Vote.closes_at <= now + timedelta(hours=6),
                Group.active.is_(True),
            )
        )
    )


async def claim_reminder(session: AsyncSession, vote_id: int, now: datetime) -> bool:
    result = await session.execute(
        update(Vote)
        .where(Vote.id == vote_id, Vote.reminder_sent_at.is_(None), Vote.closed_at.is_(None))
        .values(reminder_sent_at=now)
    )
    return result.rowcount == 1


async def not_voted(session: AsyncSession, vote_id: int, group_id: int) -> list[Person]:
    voted = select(Position.person_id).where(Position.vote_id == vote_id, Position.choices != 0)
    return list(
        await session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.group_id == group_id,
                Membership.left_at.is_(None),
                Person.id.not_in(voted),
            )
            .order_by(Membership.joined_at, Person.id)
        )
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
        or vote.kind != PROPOSAL
        or vote.outcome != rules.PASSED
    ):
        raise DomainError(STALE_BUTTON)
    existing = await vote_commitment(session, vote_id)
    if existing is not None:
        raise DomainError(ALREADY_COMMITTED, number=existing.number)
    commitment = await commitments.create_commitment(
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
