"""Votes: a command's text as a `NewVote`, opening, what the vote message shows and its refresh,
finding votes, reminders. (Positions: `positions`; closing and the decision log: `decisions`.)

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.people import person_name
from bot.groups.models import Group, Membership, Person
from bot.groups.roles import deciding
from bot.votes import rules
from bot.votes.models import (
    Amendment,
    Decision,
    Position,
    Vote,
)
from bot.votes.positions import hold_vote
from bot.votes.rules import VoteKind
from bot.votes.views import Voter, VoteView

# the vote message is edited at most once per this interval (Telegram: ~20 edits/min/group)
EDIT_INTERVAL = timedelta(seconds=3)


@dataclass(frozen=True)
class NewVote:
    kind: VoteKind
    question: str
    options: tuple[str, ...]
    multi: bool
    closes_at: datetime
    quorum: int | None
    anonymous: bool


def proposal_from(text: str, *, tz: str, now: datetime, language: str) -> NewVote:
    """`/propose`'s text, its options read in English and the group's `language`."""
    tail = rules.read_tail(text, language)
    rules.check_question(tail.text, rules.PROPOSAL_EXAMPLE)
    return NewVote(
        kind=VoteKind.PROPOSAL,
        question=tail.text,
        options=(),
        multi=False,
        closes_at=rules.closing_time(tail.closes, tz=tz, now=now),
        quorum=tail.quorum,
        anonymous=tail.anonymous,
    )


def poll_from(text: str, *, tz: str, now: datetime, language: str) -> NewVote:
    """`/poll`'s text, its options read in English and the group's `language`."""
    tail = rules.read_tail(text, language)
    poll = rules.read_poll(tail.text)
    if poll.native and tail.anonymous:
        raise DomainError(
            N_("A native Telegram poll here is always open by name; remove “anonymous”.")
        )
    return NewVote(
        kind=poll.ballot or (VoteKind.NATIVE if poll.native else VoteKind.POLL),
        question=poll.question,
        options=poll.options,
        multi=poll.multi,
        closes_at=rules.closing_time(tail.closes, tz=tz, now=now),
        quorum=tail.quorum,
        anonymous=tail.anonymous,
    )


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
    """The members who decide (observers are not counted for quorum)."""
    return (
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.group_id == group_id, Membership.left_at.is_(None), deciding())
        )
    ) or 0


async def view(session: AsyncSession, vote_id: int) -> VoteView | None:
    vote = await session.get(Vote, vote_id)
    if vote is None:
        return None
    group = await session.get(Group, vote.group_id)
    assert group is not None
    recorder = aliased(Person)
    rows = (
        await session.execute(
            select(
                Position.person_id,
                Person.first_name,
                Person.last_name,
                Position.choices,
                Position.reason,
                recorder.first_name,
                recorder.last_name,
                Position.recorded_at,
            )
            .join(Person, Person.id == Position.person_id)
            .outerjoin(recorder, recorder.id == Position.recorded_by)
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
        voters=tuple(
            Voter(
                *row[:5],
                # "" when an anonymous admin recorded it (no person)
                recorded_by=(person_name(row[5], row[6]) if row[5] else "")
                if row[7] is not None
                else None,
                recorded_at=as_utc(row[7]),
            )
            for row in rows
        ),
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


async def release_reminder(session: AsyncSession, vote_id: int, claimed_at: datetime) -> None:
    """The reminder claimed at `claimed_at` did not go out: a later tick tries again."""
    await session.execute(
        update(Vote)
        .where(Vote.id == vote_id, Vote.reminder_sent_at == claimed_at)
        .values(reminder_sent_at=None)
    )


async def not_voted(session: AsyncSession, vote_id: int, group_id: int) -> list[Person]:
    voted = select(Position.person_id).where(Position.vote_id == vote_id, Position.choices != 0)
    return list(
        await session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.group_id == group_id,
                Membership.left_at.is_(None),
                deciding(),
                Person.id.not_in(voted),
            )
            .order_by(Membership.joined_at, Person.id)
        )
    )
