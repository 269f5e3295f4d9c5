"""Votes: a command's text as a `NewVote`, opening, what the vote message shows and its refresh,
finding votes, reminders. (Positions: `positions`; closing and the decision log: `decisions`.)

Plain async functions of an `AsyncSession` and plain values; nothing here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import as_utc
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.people import person_name
from bot.core.records import frozen
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


@frozen
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


# Built once, Core columns only: the refresh of a vote message runs these (a burst of clicks
# asks for one every `EDIT_INTERVAL`), and so do the final edit, /decision and the Mini App.
# The vote with its group, its decision number, its amendment and the count of members who
# decide, in one statement (a decision and an amendment are at most one per vote).
_V, _G = Vote.__table__.c, Group.__table__.c
_D, _A = Decision.__table__.c, Amendment.__table__.c
_M, _P = Membership.__table__.c, Person.__table__.c
_MEMBERS = (
    select(func.count())
    .where(_M.group_id == _V.group_id, _M.left_at.is_(None), deciding())
    .scalar_subquery()
)
_VIEW = (
    select(
        _V.id,
        _V.kind,
        _V.question,
        _V.options,
        _V.multi,
        _V.anonymous,
        _V.quorum,
        _V.opened_at,
        _V.closes_at,
        _V.closed_at,
        _V.outcome,
        _V.message_id,
        _V.thread_id,
        _G.chat_id,
        _G.language,
        _G.timezone,
        _G.active,
        _MEMBERS.label("members"),
        _D.number,
        _A.vote_id.label("amendment"),
        _A.version,
    )
    .select_from(
        Vote.__table__.join(Group.__table__, _G.id == _V.group_id)
        .outerjoin(Decision.__table__, _D.vote_id == _V.id)
        .outerjoin(Amendment.__table__, _A.vote_id == _V.id)
    )
    .where(_V.id == bindparam("vote_id"))
)
_RECORDER = Person.__table__.alias("recorder")
_VOTERS = (
    select(
        Position.__table__.c.person_id,
        _P.first_name,
        _P.last_name,
        Position.__table__.c.choices,
        Position.__table__.c.reason,
        _RECORDER.c.first_name,
        _RECORDER.c.last_name,
        Position.__table__.c.recorded_at,
    )
    .select_from(
        Position.__table__.join(
            Person.__table__, _P.id == Position.__table__.c.person_id
        ).outerjoin(_RECORDER, _RECORDER.c.id == Position.__table__.c.recorded_by)
    )
    .where(Position.__table__.c.vote_id == bindparam("vote_id"), Position.__table__.c.choices != 0)
    .order_by(Position.__table__.c.id)
)


async def view(session: AsyncSession, vote_id: int) -> VoteView | None:
    """What the vote message shows: two statements (the vote with its group and figures; the
    positions with the names)."""
    vote = (await session.execute(_VIEW, {"vote_id": vote_id})).first()
    if vote is None:
        return None
    rows = (await session.execute(_VOTERS, {"vote_id": vote_id})).all()
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
        chat_id=vote.chat_id,
        message_id=vote.message_id,
        thread_id=vote.thread_id,
        language=vote.language,
        timezone=vote.timezone,
        group_active=vote.active,
        members=vote.members or 0,
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
        decision_number=vote.number,
        amendment=vote.amendment is not None,
        charter_version=vote.version,
    )


# The claim, built once: `since` is `now - EDIT_INTERVAL`.
_OTHER = Vote.__table__.alias("other")
_CLAIM = (
    update(Vote.__table__)
    .where(
        _V.id == bindparam("vote_id"),
        _V.dirty.is_(True),
        _V.message_id.is_not(None),
        _V.closed_at.is_(None),
        or_(_V.rendered_at.is_(None), _V.rendered_at <= bindparam("since")),
        ~select(_OTHER.c.id)
        .where(
            _OTHER.c.group_id == _V.group_id,
            _OTHER.c.id != _V.id,
            _OTHER.c.rendered_at > bindparam("since"),
        )
        .exists(),
    )
    .values(dirty=False, rendered_at=bindparam("now"))
)
_LAST_IN_GROUP = (
    select(func.max(_OTHER.c.rendered_at)).where(_OTHER.c.group_id == _V.group_id).scalar_subquery()
)
_UNCLAIMED = select(_V.dirty, _V.closed_at, _V.message_id, _LAST_IN_GROUP.label("last")).where(
    _V.id == bindparam("vote_id")
)


async def claim_refresh(
    session: AsyncSession, vote_id: int, now: datetime
) -> tuple[bool, datetime | None]:
    """Take the right to edit the vote message now: (claimed, or when to try again).

    At most one vote message of a group is edited per `EDIT_INTERVAL` (Telegram allows about
    20 edits a minute in a group, whatever the number of open votes). The vote is held alone
    until this transaction ends, so the tally read next includes every click in flight."""
    await hold_vote(session, vote_id, alone=True)
    since = now - EDIT_INTERVAL
    result = await session.execute(_CLAIM, {"vote_id": vote_id, "since": since, "now": now})
    if result.rowcount == 1:
        return True, None
    row = (await session.execute(_UNCLAIMED, {"vote_id": vote_id})).first()
    if row is None or not row.dirty or row.closed_at is not None or row.message_id is None:
        return False, None
    return False, max(as_utc(row.last) or now, since) + EDIT_INTERVAL


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
