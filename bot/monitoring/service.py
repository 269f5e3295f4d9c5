"""The weekly digest: when it is due, and the facts it tells, gathered for many groups at once.

Facts are read in batches of groups with a fixed number of queries per batch (one per kind
of fact), never per member, vote or commitment. Monitoring reads the other features' tables;
it writes only its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.actors.models import SECTORS, ActivityDay, Profile
from bot.actors.service import gini, reading, top_share
from bot.charter.models import CharterAcceptance, CharterVersion
from bot.commitments.models import ACTIVE, DONE, DROPPED, Commitment, CommitmentOwner
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.quiet import QuietHours
from bot.groups.models import Group, Membership, Person
from bot.meetings.models import CONFIRMED, HELD, Attendance, Meeting
from bot.monitoring.models import (
    DEFAULT_MINUTE,
    DEFAULT_WEEKDAY,
    Digest,
    DigestSettings,
    Recognition,
)
from bot.reactions.models import Acknowledgement, Notice
from bot.reviews.service import counts_between as review_counts
from bot.votes.models import Decision, Position, Vote

CATCH_UP = timedelta(days=1)  # a digest missed while the bot was down is still sent this late
LATE_AFTER = timedelta(minutes=15)
WEEK = timedelta(days=7)
NOTICE_WINDOW = timedelta(days=14)
MAX_REASON = 300

WEEKDAY_WORDS = {
    **dict.fromkeys(("monday", "mon", "lunes", "lun", "segunda", "seg", "segunda-feira"), 0),
    **dict.fromkeys(("tuesday", "tue", "martes", "mar", "terça", "terca", "ter", "terça-feira"), 1),
    **dict.fromkeys(("wednesday", "wed", "miércoles", "miercoles", "mié", "quarta", "qua"), 2),
    **dict.fromkeys(("thursday", "thu", "jueves", "jue", "quinta", "qui"), 3),
    **dict.fromkeys(("friday", "fri", "viernes", "vie", "sexta", "sex"), 4),
    **dict.fromkeys(("saturday", "sat", "sábado", "sabado", "sáb", "sab"), 5),
    **dict.fromkeys(("sunday", "sun", "domingo", "dom"), 6),
}  # fmt: skip


# -- the schedule -------------------------------------------------------------------------


def last_due(now: datetime, timezone: str, weekday: int, minute: int) -> datetime:
    """The latest scheduled moment at or before `now` (UTC), in the group's time zone."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    at = time(minute // 60, minute % 60)
    due = datetime.combine(day, at, tzinfo=zone)
    if due > local:
        due = datetime.combine(day - WEEK, at, tzinfo=zone)
    return due.astimezone(UTC)


def period_of(due: datetime, timezone: str) -> str:
    year, week, _ = due.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def parse_schedule(words: Sequence[str]) -> tuple[int, int]:
    """`monday 09:00`, `lunes 9`, `segunda 18h30` → (weekday, minute after midnight)."""
    example = "/digest weekly monday 09:00"
    if len(words) != 2 or words[0].lower() not in WEEKDAY_WORDS:
        raise DomainError(N_("Say the day and the time, like this: {example}"), example=example)
    raw = words[1].lower().replace("hs", "").replace("h", ":").rstrip(":")
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and (minute.isdigit() or minute == "")):
        raise DomainError(N_("Say the day and the time, like this: {example}"), example=example)
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise DomainError(N_("Say the day and the time, like this: {example}"), example=example)
    return WEEKDAY_WORDS[words[0].lower()], h * 60 + m


async def settings_of(session: AsyncSession, group_id: int) -> DigestSettings:
    found = await session.get(DigestSettings, group_id, populate_existing=True)
    return found or DigestSettings(
        group_id=group_id, enabled=True, weekday=DEFAULT_WEEKDAY, minute=DEFAULT_MINUTE, chart=True
    )


async def save_settings(session: AsyncSession, group_id: int, **values: object) -> None:
    current = await settings_of(session, group_id)
    merged = {
        "enabled": current.enabled,
        "weekday": current.weekday,
        "minute": current.minute,
        "chart": current.chart,
        **values,
    }
    stmt = insert_for(session, DigestSettings).values(group_id=group_id, **merged)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[DigestSettings.group_id], set_=merged)
    )


@dataclass(frozen=True)
class DueDigest:
    group_id: int
    chat_id: int
    language: str
    timezone: str
    quiet: QuietHours | None
    chart: bool
    due_at: datetime
    period: str


async def due_digests(session: AsyncSession, now: datetime) -> list[DueDigest]:
    """Active groups whose weekly digest is due (within the catch-up window) and not sent."""
    rows = await session.execute(
        select(Group, DigestSettings)
        .outerjoin(DigestSettings, DigestSettings.group_id == Group.id)
        .where(Group.active.is_(True))
    )
    sent = {
        (group_id, period)
        for group_id, period in (
            await session.execute(
                select(Digest.group_id, Digest.period).where(Digest.due_at >= now - WEEK - CATCH_UP)
            )
        ).tuples()
    }
    due = []
    for group, settings in rows.tuples():
        if settings is not None and not settings.enabled:
            continue
        weekday = settings.weekday if settings else DEFAULT_WEEKDAY
        minute = settings.minute if settings else DEFAULT_MINUTE
        at = last_due(now, group.timezone, weekday, minute)
        period = period_of(at, group.timezone)
        created = as_utc(group.created_at) or now
        # a group's first digest is the first one due after it arrived, not a catch-up
        if now - at > CATCH_UP or (group.id, period) in sent or created > at:
            continue
        due.append(
            DueDigest(
                group_id=group.id,
                chat_id=group.chat_id,
                language=group.language,
                timezone=group.timezone,
                quiet=QuietHours.of(group.quiet_start, group.quiet_end),
                chart=settings.chart if settings else True,
                due_at=at,
                period=period,
            )
        )
    return due


async def record_sent(session: AsyncSession, digest: DueDigest, now: datetime) -> bool:
    """The (group, week) record; False if another process recorded it first."""
    stmt = insert_for(session, Digest).values(
        group_id=digest.group_id,
        period=digest.period,
        due_at=digest.due_at,
        sent_at=now,
        late=now - digest.due_at > LATE_AFTER,
    )
    result = await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[Digest.group_id, Digest.period])
    )
    return result.rowcount == 1


# -- recognition ----------------------------------------------------------------------------


async def recognize(
    session: AsyncSession, group_id: int, from_id: int | None, to_id: int, reason: str
) -> Recognition:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(
            N_("Say why, so the group knows: {example}"),
            example="/recognize @ana por organizar la feria",
        )
    if len(reason) > MAX_REASON:
        reason = reason[: MAX_REASON - 1].rstrip() + "…"
    thanks = Recognition(group_id=group_id, from_id=from_id, to_id=to_id, reason=reason)
    session.add(thanks)
    await session.flush()
    return thanks


# -- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFact:
    number: int
    text: str
    owners: tuple[Person, ...]
    moment: datetime  # done at, or due at


@dataclass
class Facts:
    """What a digest (or /status) says about one group, as plain values."""

    members: int = 0
    charter: tuple[int, int] | None = None  # (version, accepted by current members)
    meetings_held: list[tuple[str, datetime, int]] = field(default_factory=list)
    meetings_coming: list[tuple[str, datetime]] = field(default_factory=list)
    notices_pending: list[tuple[str, int]] = field(default_factory=list)
    recognitions: list[tuple[Person, Person | None, str]] = field(default_factory=list)
    thanked: dict[int, Person] = field(default_factory=dict)  # attended, voted, delivered
    new_actors: int = 0
    missing_sectors: list[str] = field(default_factory=list)
    # commitments: (number, text, owners, due or done moment)
    completed: list[CommitmentFact] = field(default_factory=list)
    overdue: list[CommitmentFact] = field(default_factory=list)
    due_next: list[CommitmentFact] = field(default_factory=list)
    reviews_opened: int = 0
    reviews_closed: int = 0
    unequal: bool = False  # messages this week very unequally shared among members
    decisions: list[tuple[int, str, str]] = field(default_factory=list)  # number, what, outcome
    open_votes: list[tuple[str, datetime, int]] = field(default_factory=list)  # not voted yet

    def quiet(self) -> bool:
        return not (
            self.decisions
            or self.open_votes
            or self.reviews_opened
            or self.reviews_closed
            or self.completed
            or self.overdue
            or self.due_next
            or self.meetings_held
            or self.meetings_coming
            or self.notices_pending
            or self.recognitions
            or self.new_actors
        )


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


@dataclass(frozen=True)
class WeekBar:
    done: int
    open: int
    overdue: int


async def chart_weeks(
    session: AsyncSession, group_id: int, now: datetime, weeks: int = 8
) -> list[WeekBar]:
    """Commitments done / open / overdue at the end of each of the last `weeks` weeks (one
    query; the counting is done here)."""
    rows = (
        (
            await session.execute(
                select(
                    Commitment.created_at, Commitment.due_at, Commitment.done_at, Commitment.status
                ).where(Commitment.group_id == group_id)
            )
        )
        .tuples()
        .all()
    )
    bars = []
    for back in range(weeks - 1, -1, -1):
        end = now - WEEK * back
        begin = end - WEEK
        done = opened = late = 0
        for created_at, due_at, done_at, status in rows:
            created, due, finished = as_utc(created_at), as_utc(due_at), as_utc(done_at)
            if created is None or created >= end or status == DROPPED:
                continue
            if finished is not None and finished < end:
                if finished >= begin:
                    done += 1
                continue
            if due is not None and due < end:
                late += 1
            else:
                opened += 1
        bars.append(WeekBar(done, opened, late))
    return bars
