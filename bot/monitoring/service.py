"""The weekly digest: when it is due, its record once sent, thank-yous, the facts it tells
(gathered by facts.py) and the chart's counts. Monitoring writes only its own tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import DROPPED, Commitment, CommitmentOwner
from bot.core.db import as_utc, insert_for
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.quiet import QuietHours
from bot.core.records import frozen
from bot.core.text import shorten
from bot.groups.models import Group
from bot.monitoring.models import (
    DEFAULT_MINUTE,
    DEFAULT_WEEKDAY,
    Digest,
    DigestSettings,
    Recognition,
)
from bot.monitoring.views import (
    CharterStanding,
    MeetingComing,
    MeetingHeld,
    NoticePending,
    OpenVote,
)

CATCH_UP = timedelta(days=1)  # a digest missed while the bot was down is still sent this late
LATE_AFTER = timedelta(minutes=15)
WEEK = timedelta(days=7)
COMPLETION_WINDOW = timedelta(days=30)  # /status: done on the due dates of the last 30 days
MAX_REASON = 300
RECOGNIZE_EXAMPLE = N_("/recognize @ana por organizar la feria")

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


@frozen
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
    """Active groups whose weekly digest is due (within the catch-up window) and not sent.
    Read as plain columns, not ORM objects: every active group is read at each tick."""
    rows = await session.execute(
        select(
            Group.id,
            Group.chat_id,
            Group.language,
            Group.timezone,
            Group.quiet_start,
            Group.quiet_end,
            Group.created_at,
            DigestSettings.enabled,
            DigestSettings.weekday,
            DigestSettings.minute,
            DigestSettings.chart,
        )
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
    for gid, chat_id, language, timezone, quiet_start, quiet_end, created_at, *settings in rows:
        enabled, weekday, minute, chart = settings  # all None: the group never set them
        if enabled is False:
            continue
        weekday = DEFAULT_WEEKDAY if weekday is None else weekday
        minute = DEFAULT_MINUTE if minute is None else minute
        at = last_due(now, timezone, weekday, minute)
        period = period_of(at, timezone)
        created = as_utc(created_at) or now
        # a group's first digest is the first one due after it arrived, not a catch-up
        if now - at > CATCH_UP or (gid, period) in sent or created > at:
            continue
        due.append(
            DueDigest(
                group_id=gid,
                chat_id=chat_id,
                language=language,
                timezone=timezone,
                quiet=QuietHours.of(quiet_start, quiet_end),
                chart=True if chart is None else chart,
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
            example=RECOGNIZE_EXAMPLE,
        )
    reason = shorten(reason, MAX_REASON)
    thanks = Recognition(group_id=group_id, from_id=from_id, to_id=to_id, reason=reason)
    session.add(thanks)
    await session.flush()
    return thanks


# -- the facts a digest tells (facts.py gathers them) -----------------------------------------


class Named(NamedTuple):
    """A person as a digest names them (read as three columns: a digest names hundreds, and
    loading each as an ORM object cost more than the rest of its query)."""

    id: int
    first_name: str
    last_name: str | None


@frozen
class CommitmentFact:
    number: int
    text: str
    owners: tuple[Named, ...]  # who accepted it
    moment: datetime  # done at, or due at
    asked: tuple[Named, ...] = ()  # asked to take it, not accepted (yet)


@frozen
class DecisionCommitment:
    """A commitment a decision became, and its state now."""

    number: int
    text: str
    state: str  # done | dropped | overdue | open
    progress: int  # percent
    moved: bool = True  # still to do, or changed in the period


@frozen
class DecisionFact:
    number: int
    what: str  # the vote's question, or the agreement's text
    outcome: str  # a code: passed, not_passed, …, agreed
    commitments: list[DecisionCommitment] = field(default_factory=list)


@frozen
class RecognitionFact:
    to: Named
    by: Named | None  # None when the giver is not known
    reason: str


@dataclass
class Facts:
    """What a digest (or /status) says about one group, as plain values."""

    members: int = 0
    deciders: int = 0  # of them, those who decide (not observers)
    accepting: int = 0  # of them, those asked to accept the chat rules
    charter: CharterStanding | None = None
    meetings_held: list[MeetingHeld] = field(default_factory=list)
    meetings_coming: list[MeetingComing] = field(default_factory=list)
    notices_pending: list[NoticePending] = field(default_factory=list)
    recognitions: list[RecognitionFact] = field(default_factory=list)
    thanked: dict[int, Named] = field(default_factory=dict)  # attended, delivered or voted
    new_actors: int = 0
    missing_sectors: list[str] = field(default_factory=list)
    # commitments: the first MAX_LINES of each kind (all a digest lists), and how many there are
    completed: list[CommitmentFact] = field(default_factory=list)
    overdue: list[CommitmentFact] = field(default_factory=list)
    due_next: list[CommitmentFact] = field(default_factory=list)
    waiting: list[CommitmentFact] = field(default_factory=list)  # to do, nobody accepted it
    completed_count: int = 0
    overdue_count: int = 0
    due_next_count: int = 0
    waiting_count: int = 0
    reviews_opened: int = 0
    reviews_closed: int = 0
    unequal: bool = False  # messages this week very unequally shared among members
    decisions: list[DecisionFact] = field(default_factory=list)
    open_votes: list[OpenVote] = field(default_factory=list)

    def quiet(self) -> bool:
        return not (
            self.decisions
            or self.open_votes
            or self.reviews_opened
            or self.reviews_closed
            or self.completed
            or self.overdue
            or self.due_next
            or self.waiting
            or self.meetings_held
            or self.meetings_coming
            or self.notices_pending
            or self.recognitions
            or self.new_actors
        )


@frozen
class StatusNow:
    """What /status tells about one group now (`status.status` reads it in one statement)."""

    open_votes: int
    overdue: int  # to do, accepted by someone, due before now
    due_soon: int  # to do, accepted by someone, due in the coming week
    waiting: int  # to do, due before the coming week ends, nobody accepted it
    next_meeting: MeetingComing | None  # the first confirmed one of the coming week
    completion: float | None  # as commitments.service.completion_rate, the last 30 days


# -- the chart ------------------------------------------------------------------------------


@frozen
class WeekBar:
    done: int
    open: int
    overdue: int


async def chart_weeks(
    session: AsyncSession, group_id: int, now: datetime, weeks: int = 8
) -> list[WeekBar]:
    """Commitments done / open / overdue at the end of each of the last `weeks` weeks (one
    query; the counting is done here). A commitment nobody had accepted by a week's end was
    nobody's yet: open that week, never overdue (issue 17)."""
    accepted = (
        select(func.min(CommitmentOwner.accepted_at))
        .where(CommitmentOwner.commitment_id == Commitment.id)
        .scalar_subquery()
    )
    rows = (
        (
            await session.execute(
                select(
                    Commitment.created_at,
                    Commitment.due_at,
                    Commitment.done_at,
                    Commitment.status,
                    accepted,
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
        for created_at, due_at, done_at, status, accepted_at in rows:
            created, due, finished = as_utc(created_at), as_utc(due_at), as_utc(done_at)
            if created is None or created >= end or status == DROPPED:
                continue
            if finished is not None and finished < end:
                if finished >= begin:
                    done += 1
                continue
            taken = accepted_at is not None and as_utc(accepted_at) < end
            if taken and due is not None and due < end:
                late += 1
            else:
                opened += 1
        bars.append(WeekBar(done, opened, late))
    return bars
