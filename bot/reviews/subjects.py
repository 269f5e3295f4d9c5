"""Review subjects: what went wrong, found once per trigger, and the facts shown of it.

Three finders read every active group at once: commitments overdue, dropped or blocked for
long; meetings few of those who said yes came to; votes closed without quorum. Each returns
`NewSubject`s; `find_subjects` records the new ones. The facts builders give a coordinator's
`/review` of one commitment, meeting or vote the same facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import (
    BLOCKED,
    DROPPED,
    OPEN,
    Commitment,
    CommitmentEvent,
)
from bot.commitments.service import owners_of
from bot.core.db import as_utc, insert_for
from bot.core.people import person_name
from bot.core.records import frozen
from bot.groups.models import Group, Membership, Person
from bot.groups.roles import deciding
from bot.meetings.models import HELD, Attendance, Meeting, MeetingSlot, SlotAnswer
from bot.reviews.facts import CommitmentFacts, Facts, MeetingFacts, VoteFacts, Why, to_json
from bot.reviews.models import DEFAULTS, ReviewSettings, ReviewSubject, Thresholds
from bot.reviews.settled import reviewed
from bot.votes.models import Decision, Position, Vote
from bot.votes.rules import OutcomeKind

ATTENDANCE_WAIT = timedelta(days=1)  # attendance is judged a day after the meeting ended
LOOK_BACK = timedelta(days=30)


@frozen
class NewSubject:
    """Something a finder found gone wrong, not yet recorded."""

    group_id: int
    trigger: str  # unique per group, e.g. meeting:12:attendance
    subject_id: int
    facts: Facts


def _names(people: list[Person]) -> tuple[str, ...]:
    return tuple(person_name(p.first_name, p.last_name) for p in people)


# -- finding ----------------------------------------------------------------------------------


async def find_subjects(session: AsyncSession, now: datetime) -> int:
    """Record every new subject of every active group that is not settled (`settled.py`): a
    fixed number of queries, however many groups and subjects there are, and one INSERT.
    Returns how many were new; a trigger that fires again finds its subject already there."""
    settings = {s.group_id: s.thresholds() for s in await session.scalars(select(ReviewSettings))}

    def of(group_id: int) -> Thresholds:
        return settings.get(group_id, DEFAULTS)

    active = select(Group.id).where(Group.active.is_(True))
    found = [
        *await _overdue_dropped_or_blocked(session, active, of, now),
        *await _poorly_attended_meetings(session, active, of, now),
        *await _votes_without_quorum(session, active, now),
    ]
    known = await reviewed(session, [(item.facts.kind, item.subject_id) for item in found])
    fresh = [
        replace(item, trigger=known.trigger((item.facts.kind, item.subject_id), item.trigger))
        for item in found
        if not known.settled((item.facts.kind, item.subject_id), item.facts, now)
    ]
    return await add_subjects(session, fresh, now)


async def _overdue_dropped_or_blocked(
    session: AsyncSession,
    active: Select[tuple[int]],
    of: Callable[[int], Thresholds],
    now: datetime,
) -> list[NewSubject]:
    """Commitments overdue or blocked for longer than their group's threshold, or dropped in
    the last 30 days (read for every group at once, then judged by each group's threshold).
    Only owners who accepted are named; one overdue that nobody accepted is nobody's failure
    and opens no review (`commitments.offering` tells whoever assigned it)."""
    rows = (
        await session.scalars(
            select(Commitment).where(
                Commitment.group_id.in_(active),
                Commitment.updated_at >= now - LOOK_BACK * 3,
                (
                    and_(Commitment.status == OPEN, Commitment.due_at < now - timedelta(days=1))
                    | (Commitment.status == DROPPED)
                    | (Commitment.status == BLOCKED)
                ),
            )
        )
    ).all()
    reasons = dict(
        (
            await session.execute(
                select(CommitmentEvent.commitment_id, func.max(CommitmentEvent.reason))
                .where(
                    CommitmentEvent.commitment_id.in_([c.id for c in rows if c.status == DROPPED]),
                    CommitmentEvent.new == DROPPED,
                )
                .group_by(CommitmentEvent.commitment_id)
            )
        )
        .tuples()
        .all()
    )
    owners = await owners_of(session, [c.id for c in rows])
    found = []
    for c in rows:
        limit = timedelta(days=of(c.group_id).overdue_days)
        due, updated = as_utc(c.due_at), as_utc(c.updated_at) or now
        accepted = [o.person for o in owners[c.id] if o.accepted]
        if c.status == OPEN and due is not None and due < now - limit:
            if not accepted:  # nobody took it on: not anyone's failure (the assigner is told)
                continue
            why = Why.OVERDUE
        elif c.status == DROPPED and updated >= now - LOOK_BACK:
            why = Why.DROPPED
        elif c.status == BLOCKED and updated < now - limit:
            why = Why.BLOCKED
        else:
            continue
        facts = commitment_facts(c, accepted, now, why)
        if why == Why.DROPPED:
            facts = replace(facts, reason=reasons.get(c.id))
        found.append(NewSubject(c.group_id, f"commitment:{c.id}:{why}", c.id, facts))
    return found


async def _poorly_attended_meetings(
    session: AsyncSession,
    active: Select[tuple[int]],
    of: Callable[[int], Thresholds],
    now: datetime,
) -> list[NewSubject]:
    """Meetings held in the last 30 days that fewer of those who said yes came to than their
    group's threshold."""
    meetings = (
        await session.scalars(
            select(Meeting).where(
                Meeting.group_id.in_(active),
                Meeting.status == HELD,
                Meeting.ends_at < now - ATTENDANCE_WAIT,
                Meeting.ends_at >= now - LOOK_BACK,
            )
        )
    ).all()
    if not meetings:
        return []
    said_yes: dict[int, list[Person]] = defaultdict(list)
    for meeting_id, person in (
        await session.execute(
            select(Meeting.id, Person)
            .join(SlotAnswer, SlotAnswer.slot_id == Meeting.confirmed_slot_id)
            .join(Person, Person.id == SlotAnswer.person_id)
            .where(Meeting.id.in_([m.id for m in meetings]), SlotAnswer.answer == "y")
        )
    ).tuples():
        said_yes[meeting_id].append(person)
    came: dict[int, set[int]] = defaultdict(set)
    for meeting_id, person_id in (
        await session.execute(
            select(Attendance.meeting_id, Attendance.person_id).where(
                Attendance.meeting_id.in_([m.id for m in meetings])
            )
        )
    ).tuples():
        came[meeting_id].add(person_id)
    found = []
    for m in meetings:
        yes = said_yes[m.id]
        if not yes or len(came[m.id]) * 100 >= of(m.group_id).attendance_percent * len(yes):
            continue
        absent = [p for p in yes if p.id not in came[m.id]]
        facts = MeetingFacts(
            title=m.title,
            starts_at=as_utc(m.starts_at) or now,
            yes=len(yes),
            came=len(came[m.id]),
            absent=_names(absent),
            why=Why.ATTENDANCE,
        )
        found.append(NewSubject(m.group_id, f"meeting:{m.id}:{Why.ATTENDANCE}", m.id, facts))
    return found


async def _votes_without_quorum(
    session: AsyncSession, active: Select[tuple[int]], now: datetime
) -> list[NewSubject]:
    """Votes closed without quorum in the last 30 days, with the members who did not vote."""
    closed = (
        await session.execute(
            select(Vote, Decision)
            .join(Decision, Decision.vote_id == Vote.id)
            .where(
                Vote.group_id.in_(active),
                Vote.outcome == OutcomeKind.NO_QUORUM,
                Vote.closed_at >= now - LOOK_BACK,
            )
        )
    ).all()
    missing: dict[int, list[Person]] = defaultdict(list)
    if closed:
        voted = (
            select(Position.id)
            .where(
                Position.vote_id == Vote.id,
                Position.person_id == Person.id,
                Position.choices != 0,
            )
            .exists()
        )
        for vote_id, person in (
            await session.execute(
                select(Vote.id, Person)
                .join(Membership, Membership.group_id == Vote.group_id)
                .join(Person, Person.id == Membership.person_id)
                .where(
                    Vote.id.in_([v.id for v, _ in closed]),
                    Membership.left_at.is_(None),
                    deciding(),
                    ~voted,
                )
                .order_by(Membership.joined_at, Person.id)
            )
        ).tuples():
            missing[vote_id].append(person)
    found = []
    for vote, decision in closed:
        facts = VoteFacts(
            question=vote.question,
            closed_at=as_utc(vote.closed_at) or now,
            voters=decision.voters,
            members=decision.members,
            missing=_names(missing[vote.id]),
            why=Why.QUORUM,
        )
        found.append(NewSubject(vote.group_id, f"vote:{vote.id}:{Why.QUORUM}", vote.id, facts))
    return found


async def add_subjects(session: AsyncSession, found: Sequence[NewSubject], now: datetime) -> int:
    """Record the subjects in one INSERT (SQLAlchemy sends a long list in batches); one whose
    trigger its group already has is left out. Returns how many were new."""
    if not found:
        return 0
    rows = [
        {
            "group_id": item.group_id,
            "trigger": item.trigger,
            "subject_kind": item.facts.kind,
            "subject_id": item.subject_id,
            "facts": to_json(item.facts),
            "found_at": now,
        }
        for item in found
    ]
    stmt = (
        insert_for(session, ReviewSubject)
        .on_conflict_do_nothing(index_elements=[ReviewSubject.group_id, ReviewSubject.trigger])
        .returning(ReviewSubject.id)
    )
    return len((await session.execute(stmt, rows)).all())


# -- the facts of one subject ------------------------------------------------------------------


def commitment_facts(
    commitment: Commitment, owners: list[Person], now: datetime, why: Why = Why.MANUAL
) -> CommitmentFacts:
    """The facts of one commitment: a finder's (`why` it found it) or a coordinator's /review."""
    due = as_utc(commitment.due_at)
    return CommitmentFacts(
        number=commitment.number,
        text=commitment.text,
        owners=_names(owners),
        due_at=due,
        days_late=max(0, (now - due).days) if due else 0,
        status=commitment.status,
        reason=commitment.blocked_reason,
        why=why,
    )


async def meeting_facts(session: AsyncSession, meeting: Meeting, now: datetime) -> MeetingFacts:
    """The facts of one meeting, for a review a coordinator opens on it."""
    yes = list(
        await session.scalars(
            select(Person)
            .join(SlotAnswer, SlotAnswer.person_id == Person.id)
            .where(SlotAnswer.slot_id == (meeting.confirmed_slot_id or 0), SlotAnswer.answer == "y")
        )
    )
    came = set(
        await session.scalars(
            select(Attendance.person_id).where(Attendance.meeting_id == meeting.id)
        )
    )
    starts = as_utc(meeting.starts_at)
    if starts is None:  # still choosing a date: the first option
        first = await session.scalar(
            select(func.min(MeetingSlot.starts_at)).where(MeetingSlot.meeting_id == meeting.id)
        )
        starts = as_utc(first)
    return MeetingFacts(
        title=meeting.title,
        starts_at=starts,
        yes=len(yes),
        came=len(came),
        absent=_names([p for p in yes if p.id not in came]),
        why=Why.MANUAL,
    )


async def vote_facts(session: AsyncSession, vote: Vote, now: datetime) -> VoteFacts:
    """The facts of one vote, for a review a coordinator opens on it."""
    voted = set(
        await session.scalars(
            select(Position.person_id).where(Position.vote_id == vote.id, Position.choices != 0)
        )
    )
    members = list(
        await session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id == vote.group_id, Membership.left_at.is_(None), deciding())
            .order_by(Membership.joined_at, Person.id)
        )
    )
    moment = as_utc(vote.closed_at) or as_utc(vote.closes_at) or now
    return VoteFacts(
        question=vote.question,
        closed_at=moment,
        voters=len(voted),
        members=len(members),
        missing=_names([p for p in members if p.id not in voted]),
        why=Why.MANUAL,
    )
