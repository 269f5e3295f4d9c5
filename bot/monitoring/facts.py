"""The facts a digest (or /status) tells, gathered for many groups at once.

Facts are read in batches of groups with a fixed number of queries per batch (one per kind
of fact), never per member, vote or commitment. Monitoring reads the other features' tables
here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.actors.models import SECTORS, ActivityDay, Profile
from bot.actors.service import gini, reading, top_share
from bot.charter.models import CharterAcceptance, CharterVersion
from bot.commitments.models import ACTIVE, DONE, Commitment, CommitmentOwner
from bot.core.db import as_utc
from bot.groups.models import Membership, Person
from bot.groups.roles import accepting, deciding
from bot.meetings.models import CONFIRMED, HELD, Attendance, Meeting
from bot.monitoring import decided
from bot.monitoring.models import Recognition
from bot.monitoring.service import (
    WEEK,
    CommitmentFact,
    Facts,
    Named,
    RecognitionFact,
)
from bot.monitoring.views import (
    MAX_LINES,
    CharterStanding,
    MeetingComing,
    MeetingHeld,
    NoticePending,
    OpenVote,
)
from bot.reactions.models import Acknowledgement, Notice
from bot.reviews.service import counts_between as review_counts
from bot.votes.models import Position, Vote

NOTICE_WINDOW = timedelta(days=14)
_NAMED = (Person.id, Person.first_name, Person.last_name)  # read as `Named`


ByGroup = dict[int, Facts]


# A batch's facts read a tenth of a table or so (a hundred groups' votes, their positions, their
# commitments). With PostgreSQL's default cost of reading a page at random (4: a spinning disk's)
# the planner scans whole tables instead of walking the indexes, three times slower at 1,000
# groups (bench/digest.py). For the batch's transaction only: the cost on a database that is in
# memory or on an SSD, as a coalition's few megabytes are.
_IN_MEMORY = sql("SET LOCAL random_page_cost = 1.1")


async def collect(
    session: AsyncSession, group_ids: Sequence[int], start: datetime, now: datetime
) -> ByGroup:
    """The facts of many groups for the period [start, now) and the week after `now`.

    A fixed number of queries for the whole batch, whatever its size: one per fact in `GATHER`.
    """
    facts = {gid: Facts() for gid in group_ids}
    ids = list(group_ids)
    if not ids:
        return facts
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_IN_MEMORY)
    for gather in GATHER:
        await gather(session, ids, start, now, facts)
    return facts


def _present(ids: list[int]) -> ColumnElement[bool]:
    """The current members of the groups."""
    return and_(Membership.group_id.in_(ids), Membership.left_at.is_(None))


async def _members(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """How many members each group has now, how many of them decide (not observers:
    `groups.roles.deciding`) and how many are asked to accept the chat rules
    (`groups.roles.accepting`)."""
    for gid, count, deciders, asked in (
        await session.execute(
            select(
                Membership.group_id,
                func.count(),
                func.count().filter(deciding()),
                func.count().filter(accepting()),
            )
            .where(_present(ids))
            .group_by(Membership.group_id)
        )
    ).tuples():
        facts[gid].members, facts[gid].deciders, facts[gid].accepting = count, deciders, asked


async def _charter(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """The current version of the chat rules and how many current members accepted it."""
    latest = (
        select(CharterVersion.group_id, func.max(CharterVersion.number).label("number"))
        .where(CharterVersion.group_id.in_(ids))
        .group_by(CharterVersion.group_id)
        .subquery()
    )
    accepted = (
        select(CharterVersion.group_id, CharterVersion.number, func.count(Membership.id))
        .join(
            latest,
            and_(
                latest.c.group_id == CharterVersion.group_id,
                latest.c.number == CharterVersion.number,
            ),
        )
        .outerjoin(CharterAcceptance, CharterAcceptance.version_id == CharterVersion.id)
        .outerjoin(
            Membership,
            and_(
                Membership.person_id == CharterAcceptance.person_id,
                Membership.group_id == CharterVersion.group_id,
                Membership.left_at.is_(None),
                accepting(),
            ),
        )
        .group_by(CharterVersion.group_id, CharterVersion.number)
    )
    for gid, number, count in (await session.execute(accepted)).tuples():
        facts[gid].charter = CharterStanding(number, count, facts[gid].accepting)


async def _meetings(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Meetings held in the period, with how many attended, and the confirmed meetings of the
    coming week; and who attended a meeting of the period, to thank them. One query, a row per
    meeting and attendee, in order of time (the id orders two at the same time, so /status
    shows the first of them too)."""
    rows = (
        select(
            Meeting.id,
            Meeting.group_id,
            Meeting.status,
            Meeting.title,
            Meeting.starts_at,
            Attendance.id,
            *_NAMED,
        )
        .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .outerjoin(Person, Person.id == Attendance.person_id)
        .where(
            Meeting.group_id.in_(ids),
            Meeting.starts_at >= start,
            Meeting.starts_at < now + WEEK,
        )
        .order_by(Meeting.starts_at, Meeting.id, Attendance.id)
    )
    found: dict[int, tuple[int, str, str, datetime]] = {}
    attended: dict[int, int] = defaultdict(int)
    for mid, gid, status, title, starts_at, attendance, *person in (
        await session.execute(rows)
    ).tuples():
        if mid not in found:
            found[mid] = (gid, status, title, as_utc(starts_at) or now)
        if attendance is None:
            continue
        attended[mid] += 1
        if found[mid][3] < now and person[0] is not None:  # of the period, whatever its status
            facts[gid].thanked.setdefault(person[0], Named(*person))
    for mid, (gid, status, title, at) in found.items():
        if at < now:
            if status in (CONFIRMED, HELD):
                facts[gid].meetings_held.append(MeetingHeld(title, at, attended[mid]))
        elif status == CONFIRMED:
            facts[gid].meetings_coming.append(MeetingComing(title, at))


async def _notices(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Recent notices not yet acknowledged by every member (reads `members`)."""
    acks = (  # per notice of the batch, not grouped over every acknowledgement ever made
        select(func.count())
        .where(Acknowledgement.notice_id == Notice.id)
        .correlate(Notice)
        .scalar_subquery()
    )
    notices = (
        select(Notice.group_id, Notice.text, acks)
        .where(Notice.group_id.in_(ids), Notice.created_at >= now - NOTICE_WINDOW)
        .order_by(Notice.created_at)
    )
    for gid, text, count in (await session.execute(notices)).tuples():
        missing = facts[gid].members - count
        if missing > 0:
            facts[gid].notices_pending.append(NoticePending(text, missing))


async def _recognitions(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Thank-yous recorded in the period."""
    giver = aliased(Person)
    thanks = (
        select(
            Recognition.group_id,
            *_NAMED,
            giver.id,
            giver.first_name,
            giver.last_name,
            Recognition.reason,
        )
        .join(Person, Person.id == Recognition.to_id)
        .outerjoin(giver, giver.id == Recognition.from_id)
        .where(
            Recognition.group_id.in_(ids),
            Recognition.created_at >= start,
            Recognition.created_at < now,
        )
        .order_by(Recognition.created_at)
    )
    for gid, *to, by_id, by_first, by_last, reason in (await session.execute(thanks)).tuples():
        by = Named(by_id, by_first, by_last) if by_id is not None else None
        facts[gid].recognitions.append(RecognitionFact(Named(*to), by, reason))


async def _actors(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Members whose actor profile is new in the period, and the sectors no member's profile is
    from, for groups that use profiles: one row per group and sector."""
    sectors: dict[int, set[str]] = defaultdict(set)
    profiled: set[int] = set()
    for gid, sector, new in (
        await session.execute(
            select(
                Membership.group_id,
                Profile.sector,
                func.count().filter(Profile.created_at >= start),
            )
            .join(Profile, Profile.person_id == Membership.person_id)
            .where(_present(ids))
            .group_by(Membership.group_id, Profile.sector)
        )
    ).tuples():
        profiled.add(gid)
        facts[gid].new_actors += new
        if sector:
            sectors[gid].add(sector)
    for gid in profiled:  # only groups that use profiles get the nudge
        facts[gid].missing_sectors = [s for s in SECTORS if s != "other" and s not in sectors[gid]]


async def _commitments(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Commitments done in the period (their owners thanked), overdue now, or due in the
    coming week, or — when nobody accepted them — waiting for those asked; with their owners,
    in the same query (one row per owner, in the order they were added). Only owners who
    accepted are named as owners. Each kind is counted, and only the first MAX_LINES of each
    (all a digest lists) are built."""
    rows = (
        await session.execute(
            select(
                Commitment.id,
                Commitment.group_id,
                Commitment.number,
                Commitment.text,
                Commitment.status,
                func.coalesce(Commitment.done_at, Commitment.due_at),  # its moment
                Commitment.due_at < now,  # late, when to do
                CommitmentOwner.accepted_at.is_not(None),
                *_NAMED,
            )
            .outerjoin(CommitmentOwner, CommitmentOwner.commitment_id == Commitment.id)
            .outerjoin(Person, Person.id == CommitmentOwner.person_id)
            .where(
                Commitment.group_id.in_(ids),
                or_(
                    and_(
                        Commitment.status == DONE,
                        Commitment.done_at >= start,
                        Commitment.done_at < now,
                    ),
                    and_(Commitment.status.in_(ACTIVE), Commitment.due_at < now + WEEK),
                ),
            )
            .order_by(Commitment.due_at, Commitment.number, Commitment.id, CommitmentOwner.id)
        )
    ).tuples()
    # a commitment's rows come one after the other (its id is in the order): it is filed when
    # the next one starts
    current: tuple[int, int, str, str, datetime | None, bool | None] | None = None
    owners: list[Named] = []
    asked: list[Named] = []  # not accepted (yet): not theirs
    last = None
    for cid, gid, number, text, status, moment, late, accepted, *person in rows:
        if cid != last:
            if current is not None:
                _file(facts[current[0]], current, owners, asked, now)
            current, owners, asked, last = (gid, number, text, status, moment, late), [], [], cid
        if person[0] is not None:  # None: no owner
            (owners if accepted else asked).append(Named(*person))
    if current is not None:
        _file(facts[current[0]], current, owners, asked, now)


def _file(
    facts: Facts,
    commitment: tuple[int, int, str, str, datetime | None, bool | None],
    owners: list[Named],
    asked: list[Named],
    now: datetime,
) -> None:
    """One commitment of `_commitments` counted in its kind, and built if the digest lists it."""
    _, number, text, status, moment, late = commitment
    if status == DONE:
        for person in owners:
            facts.thanked.setdefault(person.id, person)
        facts.completed_count += 1
        kind = facts.completed
    elif not owners:  # nobody accepted it: waiting, never anyone's lateness
        facts.waiting_count += 1
        kind = facts.waiting
    elif late:
        facts.overdue_count += 1
        kind = facts.overdue
    else:
        facts.due_next_count += 1
        kind = facts.due_next
    if len(kind) < MAX_LINES:
        at = as_utc(moment) or now
        kind.append(CommitmentFact(number, text, tuple(owners), at, tuple(asked)))


async def _open_votes(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Open votes, with how many members who decide (not observers) have not voted yet (reads
    `deciders`)."""
    # counted per open vote of the batch (the positions' primary key starts with vote_id), not
    # grouped over every position of every vote ever held
    voted = (
        select(func.count())
        .where(Position.vote_id == Vote.id, Position.choices != 0)
        .correlate(Vote)
        .scalar_subquery()
    )
    rows = (
        await session.execute(
            # no ORDER BY: SQLite would walk ix_votes_open (every group's open votes) for it
            select(Vote.group_id, Vote.question, Vote.closes_at, voted).where(
                Vote.group_id.in_(ids), Vote.closed_at.is_(None)
            )
        )
    ).all()
    rows.sort(key=lambda row: (row.closes_at is None, row.closes_at or now))
    for gid, question, closes_at, count in rows:
        missing = max(0, facts[gid].deciders - count)
        facts[gid].open_votes.append(OpenVote(question, as_utc(closes_at) or now, missing))


async def _voters(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Who voted in the period, to thank them."""
    for gid, *person in (
        await session.execute(
            select(Vote.group_id, *_NAMED)
            .distinct()  # once a person, not once a vote they took part in
            .join(Position, Position.vote_id == Vote.id)
            .join(Person, Person.id == Position.person_id)
            .where(
                Vote.group_id.in_(ids),
                Position.choices != 0,
                Position.updated_at >= start,
                Position.updated_at < now,
            )
        )
    ).tuples():
        facts[gid].thanked.setdefault(person[0], Named(*person))


async def _conversation(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Who spoke in the period: a nudge when very few carry the conversation (reads
    `members`: those who said nothing count as zero)."""
    spoke: dict[int, list[int]] = defaultdict(list)
    for gid, count in (
        await session.execute(
            select(ActivityDay.group_id, func.sum(ActivityDay.messages))
            .where(ActivityDay.group_id.in_(ids), ActivityDay.day >= start.date())
            .group_by(ActivityDay.group_id, ActivityDay.person_id)
        )
    ).tuples():
        spoke[gid].append(int(count or 0))
    for gid, counts in spoke.items():
        values = counts + [0] * max(0, facts[gid].members - len(counts))
        share, gini_value = top_share(values), gini(values)
        facts[gid].unequal = reading(share, gini_value, len(values)) == "very_uneven"


async def _reviews(
    session: AsyncSession, ids: list[int], start: datetime, now: datetime, facts: ByGroup
) -> None:
    """Reviews opened and closed in the period."""
    for gid, (opened, closed) in (await review_counts(session, ids, start, now)).items():
        facts[gid].reviews_opened, facts[gid].reviews_closed = opened, closed


Gather = Callable[[AsyncSession, list[int], datetime, datetime, ByGroup], Awaitable[None]]

# In this order: `members` first (notices, open votes and the conversation read it, and open
# votes `deciders`); the
# people thanked are named in the order attendees, owners of what was done, voters.
GATHER: tuple[Gather, ...] = (
    _members,
    _charter,
    _meetings,
    _notices,
    _recognitions,
    _actors,
    _commitments,
    decided.decisions,
    _open_votes,
    _voters,
    _conversation,
    _reviews,
)


# -- /status: what it shows of one group, in one statement --------------------------------------
