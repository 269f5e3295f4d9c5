"""The weekly digest's schedule and record, and thank-yous for the next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_MINUTE = 9 * 60  # 09:00


class DigestSettings(Base):
    """When a group's digest goes out, in its time zone; no row means the defaults."""

    __tablename__ = "digest_settings"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    weekday: Mapped[int] = mapped_column(Integer, default=DEFAULT_WEEKDAY)
    minute: Mapped[int] = mapped_column(Integer, default=DEFAULT_MINUTE)
    chart: Mapped[bool] = mapped_column(default=True)


class Digest(Base):
    """A weekly digest sent: one per (group, ISO week of its due date)."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("group_id", "period"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(10))  # 2026-W49
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=column_now)
    late: Mapped[bool] = mapped_column(default=False)


class Recognition(Base):
    """A thank-you from one member to another, shown in the next digest."""

    __tablename__ = "recognitions"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    from_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    to_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=column_now, index=True)
