"""Meetings: slot polls, answers, confirmation, attendance and minutes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId
from bot.meetings.statuses import Answer, MeetingStatus

# the short names, as the features reading meetings import them
POLLING = MeetingStatus.POLLING
CONFIRMED = MeetingStatus.CONFIRMED
HELD = MeetingStatus.HELD
CANCELLED = MeetingStatus.CANCELLED

YES = Answer.YES
MAYBE = Answer.MAYBE
NO = Answer.NO
ANSWERS = tuple(Answer)


class Meeting(Base):
    __tablename__ = "meetings"
    # a series' occurrence is made once: a second try at the same instant is a conflict
    __table_args__ = (UniqueConstraint("series_id", "starts_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=POLLING)  # a MeetingStatus
    poll_message_id: Mapped[int | None]
    announce_message_id: Mapped[int | None]
    attendance_message_id: Mapped[int | None]
    thread_id: Mapped[int | None]
    confirmed_slot_id: Mapped[int | None]  # a meeting_slots id (no FK: the two refer to each other)
    starts_at: Mapped[datetime | None] = mapped_column(index=True)  # of the confirmed slot
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    cancelled_at: Mapped[datetime | None]
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL")
    )


class MeetingSeries(Base):
    """A meeting that repeats (`/meeting weekly thursday 19:00 | …`): its next occurrence is
    made a confirmed meeting by the scheduler, until it is stopped. The rule's fields are
    `bot.meetings.recurrence.Rule`'s, in the group's local time."""

    __tablename__ = "meeting_series"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the group, for /meeting stop 2
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # a recurrence.Kind
    weekday: Mapped[int | None] = mapped_column(SmallInteger)  # 0 = Monday
    nth: Mapped[int | None] = mapped_column(SmallInteger)  # 1-4, -1 = the last
    day: Mapped[int | None] = mapped_column(SmallInteger)  # of the month, 1-28
    at_minute: Mapped[int] = mapped_column(SmallInteger)  # local time, minutes after midnight
    anchor: Mapped[date]  # the first occurrence's local date (every other week counts from it)
    thread_id: Mapped[int | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    stopped_at: Mapped[datetime | None]


class MeetingSlot(Base):
    __tablename__ = "meeting_slots"
    __table_args__ = (UniqueConstraint("meeting_id", "position"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … as shown
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))


class SlotAnswer(Base):
    __tablename__ = "meeting_answers"
    __table_args__ = (UniqueConstraint("slot_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(1))  # an Answer
    updated_at: Mapped[datetime] = mapped_column(default=column_now)


class Attendance(Base):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=column_now)


class Minutes(Base):
    """What a meeting agreed. `Agreed:` lines become decisions, `Todo:` lines commitments."""

    __tablename__ = "meeting_minutes"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    agreed: Mapped[list[str]] = mapped_column(JSON, default=list)
    todo: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the numbers the Agreed: lines took in the decision log
    decisions: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=column_now)


class MeetingSettings(Base):
    """Per group: how long before a meeting the reminders go (minutes)."""

    __tablename__ = "meeting_settings"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON, default=lambda: [24 * 60, 60])


class MinuteTask(Base):
    """A `Todo:` line of the minutes that someone took on: it became a commitment, once."""

    __tablename__ = "meeting_minute_tasks"
    __table_args__ = (UniqueConstraint("minutes_id", "position"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("meeting_minutes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # the Todo line, from 0
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    # the decision the minutes agreed (their first `Agreed:` line), whose backers are told how
    # the task goes; None when the minutes agreed nothing
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id", ondelete="SET NULL"))
