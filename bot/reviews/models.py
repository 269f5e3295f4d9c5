""" "Try again" reviews: what failed (subjects), what members answered, what was learnt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId
from bot.core.records import frozen
from bot.reviews.facts import Facts, from_json

AUTOMATIC = "automatic"
MANUAL = "manual"
PERIODIC = "periodic"


@frozen
class Thresholds:
    """What counts as gone wrong, and how often the periodic review comes: a group's
    `ReviewSettings` row, or `DEFAULTS` for a group without one."""

    overdue_days: int = 7  # a commitment this many days late, or blocked this long
    attendance_percent: int = 30  # a meeting fewer of those who said yes came to
    periodic_days: int | None = 30  # None: no periodic review


DEFAULTS = Thresholds()


class Review(Base):
    """One review message: a few subjects, three questions, answers, and the learnings."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=column_now)
    message_id: Mapped[int | None] = mapped_column(index=True)
    thread_id: Mapped[int | None]
    closed_at: Mapped[datetime | None]
    summary: Mapped[str | None] = mapped_column(Text)


class ReviewSubject(Base):
    """Something that went wrong, found once (unique trigger per group), reviewed once."""

    __tablename__ = "review_subjects"
    __table_args__ = (UniqueConstraint("group_id", "trigger"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviews.id", ondelete="SET NULL"), index=True
    )
    trigger: Mapped[str] = mapped_column(String(80))  # e.g. meeting:12:attendance
    subject_kind: Mapped[str] = mapped_column(String(12))  # meeting | commitment | vote
    subject_id: Mapped[int]
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)  # `details` as JSON (reviews/facts.py)
    found_at: Mapped[datetime] = mapped_column(default=column_now)
    # the "reply with the new date" message of its Try again button, once pressed
    prompt_message_id: Mapped[int | None] = mapped_column(index=True)

    @property
    def details(self) -> Facts:
        """The facts, typed."""
        return from_json(self.subject_kind, self.facts)


class ReviewAnswer(Base):
    __tablename__ = "review_answers"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    question: Mapped[int] = mapped_column(
        Integer
    )  # 1 what got in the way, 2 what we change, 3 try again?
    text: Mapped[str] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(default=False)  # given after the review was closed
    at: Mapped[datetime] = mapped_column(default=column_now)


class ReviewSettings(Base):
    __tablename__ = "review_settings"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    overdue_days: Mapped[int] = mapped_column(Integer, default=DEFAULTS.overdue_days)
    attendance_percent: Mapped[int] = mapped_column(Integer, default=DEFAULTS.attendance_percent)
    periodic_days: Mapped[int | None] = mapped_column(
        Integer, default=DEFAULTS.periodic_days
    )  # None: off
    last_periodic_at: Mapped[datetime | None]

    def thresholds(self) -> Thresholds:
        return Thresholds(self.overdue_days, self.attendance_percent, self.periodic_days)


class Attempt(Base):
    """A re-plan: `new_id` tries again what `original_id` did not achieve."""

    __tablename__ = "review_attempts"
    __table_args__ = (UniqueConstraint("subject_kind", "new_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(12))
    original_id: Mapped[int]
    new_id: Mapped[int]
    attempt: Mapped[int] = mapped_column(Integer)  # 2 for the first re-plan, 3 …
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=column_now)
