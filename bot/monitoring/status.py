"""What /status tells about one group now, in one prebuilt statement.

The same rules as the digest's facts (`facts._commitments`, `_meetings`, `_open_votes`) and as
`commitments.service.completion_rate`; `tests/monitoring/test_digest.py` holds them together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commitments.models import ACTIVE, DONE, DROPPED, Commitment
from bot.commitments.service import accepted_by_someone
from bot.core.db import as_utc
from bot.meetings.models import CONFIRMED, Meeting
from bot.monitoring.service import COMPLETION_WINDOW, WEEK, StatusNow
from bot.monitoring.views import MeetingComing
from bot.votes.models import Vote

# Built once. The group's commitments counted with FILTER, one row even when it has none; its
# open votes and its next meeting as scalar subqueries of the same row. The same rules as the
# digest's facts (`_commitments`, `_meetings`, `_open_votes`) and as
# commitments.service.completion_rate: to do and due before the coming week ends, a commitment
# nobody accepted is waiting, never overdue; the completion counts what fell due in the window,
# not dropped, done or accepted by someone.
_TO_DO = and_(Commitment.status.in_(ACTIVE), Commitment.due_at < bindparam("week_end"))
_ACCEPTED = accepted_by_someone()
_FELL_DUE = and_(
    Commitment.due_at >= bindparam("since"),
    Commitment.due_at < bindparam("now"),
    Commitment.status != DROPPED,
    or_(Commitment.status == DONE, _ACCEPTED),
)
_NEXT_MEETING = (
    select(Meeting.title, Meeting.starts_at)
    .where(
        Meeting.group_id == bindparam("group_id"),
        Meeting.status == CONFIRMED,
        Meeting.starts_at >= bindparam("now"),
        Meeting.starts_at < bindparam("week_end"),
    )
    .order_by(Meeting.starts_at, Meeting.id)
    .limit(1)
)
_STATUS = select(
    (
        select(func.count())
        .where(Vote.group_id == bindparam("group_id"), Vote.closed_at.is_(None))
        .scalar_subquery()
        .label("open_votes")
    ),
    func.count().filter(_TO_DO, _ACCEPTED, Commitment.due_at < bindparam("now")).label("overdue"),
    func.count().filter(_TO_DO, _ACCEPTED, Commitment.due_at >= bindparam("now")).label("due_soon"),
    func.count().filter(_TO_DO, ~_ACCEPTED).label("waiting"),
    _NEXT_MEETING.with_only_columns(Meeting.title).scalar_subquery().label("meeting"),
    _NEXT_MEETING.with_only_columns(Meeting.starts_at).scalar_subquery().label("meeting_at"),
    func.count().filter(_FELL_DUE).label("fell_due"),
    func.count().filter(_FELL_DUE, Commitment.status == DONE).label("done"),
).where(Commitment.group_id == bindparam("group_id"))


async def status(session: AsyncSession, group_id: int, now: datetime) -> StatusNow:
    """What /status shows of the group now: one statement."""
    row = (
        await session.execute(
            _STATUS,
            {
                "group_id": group_id,
                "now": now,
                "week_end": now + WEEK,
                "since": now - COMPLETION_WINDOW,
            },
        )
    ).one()
    at = as_utc(row.meeting_at)
    return StatusNow(
        open_votes=row.open_votes,
        overdue=row.overdue,
        due_soon=row.due_soon,
        waiting=row.waiting,
        next_meeting=MeetingComing(row.meeting, at) if at is not None else None,
        completion=row.done / row.fell_due if row.fell_due else None,
    )
