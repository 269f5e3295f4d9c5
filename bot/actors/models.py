"""Actor profiles (one per person, shown in each of their groups), the profile form's state,
and per-day activity counters (counts only: message text is never stored)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.actors.labels import RESOURCE_TYPES, SECTOR_LABELS, SECTORS
from bot.core.clock import column_now
from bot.core.db import Base, RowId

__all__ = ["RESOURCE_TYPES", "SECTORS", "SECTOR_LABELS"]


class Profile(Base):
    __tablename__ = "actor_profiles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    organization: Mapped[str | None] = mapped_column(String(300))
    sector: Mapped[str | None] = mapped_column(String(20))
    expectations: Mapped[str | None] = mapped_column(Text)
    # they said yes to being named on their groups' public pages (bot.publicpage); None = no
    public_name_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    updated_at: Mapped[datetime] = mapped_column(default=column_now)


class OfferedResource(Base):
    __tablename__ = "actor_resources"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("actor_profiles.person_id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(500))


class ProfileForm(Base):
    """Where a person is in the /profile form: it resumes there, after days or a restart."""

    __tablename__ = "actor_profile_forms"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(default=column_now)


class ActivityDay(Base):
    """How many messages a member sent in a group on a day (UTC)."""

    __tablename__ = "actor_activity"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
