"""The facts a digest (or /status) tells, gathered for many groups at once.

Facts are read in batches of groups with a fixed number of queries per batch (one per kind
of fact), never per member, vote or commitment. Monitoring reads the other features' tables
here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.actors.models import SECTORS, ActivityDay, Profile
from bot.actors.service import gini, reading, top_share
from bot.charter.models import CharterAcceptance, CharterVersion
from bot.commitments.models import ACTIVE, DONE, Commitment, CommitmentOwner
from bot.core.db import as_utc
from bot.groups.models import Membership, Person
from bot.meetings.models import CONFIRMED, HELD, Attendance, Meeting
from bot.monitoring.models import Recognition
from bot.monitoring.service import WEEK, CommitmentFact, Facts
from bot.reactions.models import Acknowledgement, Notice
from bot.reviews.service import counts_between as review_counts
from bot.votes.models import Decision, Position, Vote

NOTICE_WINDOW = timedelta(days=14)


async def collect(
    session: AsyncSession, group_ids: Sequence[int], start: datetime, now: datetime
) -> dict[int, Facts]:
    """The facts of many groups for the period [start, now) and the week after `now`.

    A fixed number of queries for the whole batch, whatever its size.
    """
    facts = {gid: Facts() for gid in group_ids}
    ids = list(group_ids)
    if not ids:
        return facts
    present = and_(Membership.group_id.in_(ids), Membership.left_at.is_(None))

    # 1. members per group
    for gid, count in (
        await session.execute(
            select(Membership.group_id, func.count()).where(present).group_by(Membership.group_id)
        )
    ).tuples():
        facts[gid].members = count

    # 2. charter: the current version and how many current members accepted it
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
            ),
        )
        .group_by(CharterVersion.group_id, CharterVersion.number)
    )
    for gid, number, count in (await session.execute(accepted)).tuples():
        facts[gid].charter = (number, count)

    # 3. meetings held in the period, with attendance; 4. meetings of the coming week
    held = (
        select(Meeting.group_id, Meeting.title, Meeting.starts_at, func.count(Attendance.id))
        .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .where(
            Meeting.group_id.in_(ids),
            Meeting.status.in_((CONFIRMED, HELD)),
            Meeting.starts_at >= start,
            Meeting.starts_at < now,
        )
        .group_by(Meeting.id, Meeting.group_id, Meeting.title, Meeting.starts_at)
        .order_by(Meeting.starts_at)
    )
    for gid, title, starts_at, count in (await session.execute(held)).tuples():
        facts[gid].meetings_held.append((title, as_utc(starts_at) or now, count))
    coming = (
        select(Meeting.group_id, Meeting.title, Meeting.starts_at)
        .where(
            Meeting.group_id.in_(ids),
            Meeting.status == CONFIRMED,
            Meeting.starts_at >= now,
            Meeting.starts_at < now + WEEK,
        )
        .order_by(Meeting.starts_at)
    )
    for gid, title, starts_at in (await session.execute(coming)).tuples():
        facts[gid].meetings_coming.append((title, as_utc(starts_at) or now))

    # 5. attendees of the period, to thank them
    attended = (
        select(Meeting.group_id, Person)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .join(Person, Person.id == Attendance.person_id)
        .where(Meeting.group_id.in_(ids), Meeting.starts_at >= start, Meeting.starts_at < now)
    )
    for gid, person in (await session.execute(attended)).tuples():
        facts[gid].thanked.setdefault(person.id, person)

    # 6. recent notices not acknowledged by everyone
    acks = (
        select(Acknowledgement.notice_id, func.count().label("acks"))
        .group_by(Acknowledgement.notice_id)
        .subquery()
    )
    notices = (
        select(Notice.group_id, Notice.text, func.coalesce(acks.c.acks, 0))
        .outerjoin(acks, acks.c.notice_id == Notice.id)
        .where(Notice.group_id.in_(ids), Notice.created_at >= now - NOTICE_WINDOW)
        .order_by(Notice.created_at)
    )
    for gid, text, count in (await session.execute(notices)).tuples():
        missing = facts[gid].members - count
        if missing > 0:
            facts[gid].notices_pending.append((text, missing))

    # 7. thank-yous recorded in the period
    giver = aliased(Person)
    thanks = (
        select(Recognition.group_id, Person, giver, Recognition.reason)
        .join(Person, Person.id == Recognition.to_id)
        .outerjoin(giver, giver.id == Recognition.from_id)
        .where(
            Recognition.group_id.in_(ids),
            Recognition.created_at >= start,
            Recognition.created_at < now,
        )
        .order_by(Recognition.created_at)
    )
    for gid, to, by, reason in (await session.execute(thanks)).tuples():
        facts[gid].recognitions.append((to, by, reason))

    # 8. actors: new profiles in the period; 9. sectors present
    for gid, count in (
        await session.execute(
            select(Membership.group_id, func.count())
            .join(Profile, Profile.person_id == Membership.person_id)
            .where(present, Profile.created_at >= start)
            .group_by(Membership.group_id)
        )
    ).tuples():
        facts[gid].new_actors = count
    sectors: dict[int, set[str]] = defaultdict(set)
    profiled: set[int] = set()
    for gid, sector in (
        await session.execute(
            select(Membership.group_id, Profile.sector)
            .join(Profile, Profile.person_id == Membership.person_id)
            .where(present)
            .distinct()
        )
    ).tuples():
        profiled.add(gid)
        if sector:
            sectors[gid].add(sector)
    for gid in profiled:  # only groups that use profiles get the nudge
        facts[gid].missing_sectors = [s for s in SECTORS if s != "other" and s not in sectors[gid]]

    # 10. commitments done in the period, overdue now, due in the coming week; 11. their owners
    rows = (
        (
            await session.execute(
                select(
                    Commitment.id,
                    Commitment.group_id,
                    Commitment.number,
                    Commitment.text,
                    Commitment.status,
                    Commitment.due_at,
                    Commitment.done_at,
                )
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
                .order_by(Commitment.due_at, Commitment.number)
            )
        )
        .tuples()
        .all()
    )
    owners: dict[int, list[Person]] = defaultdict(list)
    if rows:
        for commitment_id, person in (
            await session.execute(
                select(CommitmentOwner.commitment_id, Person)
                .join(Person, Person.id == CommitmentOwner.person_id)
                .where(CommitmentOwner.commitment_id.in_([r[0] for r in rows]))
                .order_by(CommitmentOwner.id)
            )
        ).tuples():
            owners[commitment_id].append(person)
    for cid, gid, number, text, status, due_at, done_at in rows:
        fact = CommitmentFact(number, text, tuple(owners[cid]), as_utc(done_at or due_at) or now)
        if status == DONE:
            facts[gid].completed.append(fact)
            for person in fact.owners:
                facts[gid].thanked.setdefault(person.id, person)
        elif (as_utc(due_at) or now) < now:
            facts[gid].overdue.append(fact)
        else:
            facts[gid].due_next.append(fact)

    # 12. decisions made in the period; 13. open votes with how many voted; 14. voters
    for gid, number, question, text, outcome in (
        await session.execute(
            select(
                Decision.group_id, Decision.number, Vote.question, Decision.text, Decision.outcome
            )
            .outerjoin(Vote, Vote.id == Decision.vote_id)
            .where(
                Decision.group_id.in_(ids), Decision.decided_at >= start, Decision.decided_at < now
            )
            .order_by(Decision.number)
        )
    ).tuples():
        facts[gid].decisions.append((number, question or text or "", outcome))
    voted = (
        select(Position.vote_id, func.count().label("voted"))
        .where(Position.choices != 0)
        .group_by(Position.vote_id)
        .subquery()
    )
    for gid, question, closes_at, count in (
        await session.execute(
            select(Vote.group_id, Vote.question, Vote.closes_at, func.coalesce(voted.c.voted, 0))
            .outerjoin(voted, voted.c.vote_id == Vote.id)
            .where(Vote.group_id.in_(ids), Vote.closed_at.is_(None))
            .order_by(Vote.closes_at)
        )
    ).tuples():
        missing = max(0, facts[gid].members - count)
        facts[gid].open_votes.append((question, as_utc(closes_at) or now, missing))
    for gid, person in (
        await session.execute(
            select(Vote.group_id, Person)
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
        facts[gid].thanked.setdefault(person.id, person)

    # 16. who spoke this week: a nudge when very few carry the conversation
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

    # 15. reviews opened and closed in the period
    for gid, (opened, closed) in (await review_counts(session, ids, start, now)).items():
        facts[gid].reviews_opened, facts[gid].reviews_closed = opened, closed
    return facts
