"""The group's charter: versions of its four sections, who accepted which, pins, welcomes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId


class CharterVersion(Base):
    """One version of the charter: a full copy of the sections, and what changed from the last."""

    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    goals: Mapped[str] = mapped_column(Text, default="")
    schedule: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    methods: Mapped[str] = mapped_column(Text, default="")
    # what changed: goals | schedule | methods | rule_added | rule_removed | amended
    change: Mapped[str] = mapped_column(String(20))
    change_detail: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    by_vote: Mapped[bool] = mapped_column(default=False, server_default=false())  # /rules propose
    created_at: Mapped[datetime] = mapped_column(default=column_now)


class CharterAcceptance(Base):
    __tablename__ = "charter_acceptances"
    __table_args__ = (UniqueConstraint("version_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("charter_versions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    accepted_at: Mapped[datetime] = mapped_column(default=column_now)


class CharterBoard(Base):
    """Per group: the pinned charter message, the last notice of a new version, whether we
    said how to allow pinning, and what is still to be shown (bot.charter.publication)."""

    __tablename__ = "charter_boards"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    pinned_message_id: Mapped[int | None]
    pinned_version: Mapped[int | None] = mapped_column(Integer)
    pin_hint_at: Mapped[datetime | None]
    # the outbox: the newest version not yet shown, and the one before the first such change
    due_version: Mapped[int | None] = mapped_column(Integer)
    due_base: Mapped[int | None] = mapped_column(Integer)
    publishing_at: Mapped[datetime | None]  # a process is showing it (a lease)
    # the last notice of a new version: it shows `notice_version`, the changes since
    # `notice_base`, and asks who accepted `notice_base`
    notice_message_id: Mapped[int | None]
    notice_version: Mapped[int | None] = mapped_column(Integer)
    notice_base: Mapped[int | None] = mapped_column(Integer)
    notice_at: Mapped[datetime | None]


class Welcome(Base):
    """A newcomer waiting for the group's welcome; newcomers close in time share one message."""

    __tablename__ = "charter_welcomes"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(default=column_now, index=True)
    welcomed_at: Mapped[datetime | None]
