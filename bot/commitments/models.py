"""The commitments ledger: who does what, by when, with what resources, and every change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.commitments.kinds import ACTIVE, HUMAN, MATERIAL, RESOURCE_TYPES, SYMBOLIC, Status
from bot.core.clock import column_now
from bot.core.db import Base, RowId

__all__ = ["ACTIVE", "HUMAN", "MATERIAL", "RESOURCE_TYPES", "SYMBOLIC", "Status"]

# the statuses by their old names, which other features import
OPEN, DONE, BLOCKED, DROPPED = Status.OPEN, Status.DONE, Status.BLOCKED, Status.DROPPED
STATUSES = tuple(Status)


class Commitment(Base):
    """One task of a group. `number` is what people type (`/commitment 3`), unique per group."""

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("group_id", "number"),
        Index("ix_commitments_group_status_due", "group_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # the message the command replied to, if any: its id in the group and a copy of its text
    context_message_id: Mapped[int | None]
    context_text: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default=Status.OPEN)
    progress: Mapped[int] = mapped_column(SmallInteger, default=0)
    blocked_reason: Mapped[str | None] = mapped_column(Text)
    # where it came from, for later links: "proposal", "minutes"... and that row's id
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None]
    help_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    updated_at: Mapped[datetime] = mapped_column(default=column_now)
    done_at: Mapped[datetime | None]


class CommitmentOwner(Base):
    """Someone responsible. Assigned by a plain member, they must accept (`accepted_at`)."""

    __tablename__ = "commitment_owners"
    __table_args__ = (UniqueConstraint("commitment_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    accepted_at: Mapped[datetime | None]
    added_at: Mapped[datetime] = mapped_column(default=column_now)


class CommitmentResource(Base):
    """What the task needs or uses: material, symbolic or human, with an optional quantity."""

    __tablename__ = "commitment_resources"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int | None]


class CommitmentEvent(Base):
    """One change: who, when, which field, from what to what, and why."""

    __tablename__ = "commitment_history"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=column_now)
    # created | status | progress | due | owners | accepted | reason | help
    field: Mapped[str] = mapped_column(String(20))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


class CommitmentCard(Base):
    """A message of the bot showing a commitment: a reply to it is about that commitment."""

    __tablename__ = "commitment_cards"
    __table_args__ = (UniqueConstraint("commitment_id", "message_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE")
    )
    message_id: Mapped[int] = mapped_column(index=True)


class Reminder(Base):
    """A reminder sent to a commitment's owners for one due date: `kind` is `soon` (24 h
    before) or `overdue`. Written after the send (claimed with `run_once`); the tick skips
    commitments that have one, and a new due date gets new reminders."""

    __tablename__ = "commitment_reminders"
    __table_args__ = (UniqueConstraint("commitment_id", "kind", "due_at"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    # how it went out: private (to every owner), group (a mention), mixed, or none (nobody)
    channel: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=column_now)


class OwnerAsk(Base):
    """The one private question to a person asked to take a commitment on ("Acepto" / "No
    puedo"), for one (commitment, person) ever: written after it went out (claimed with
    `run_each_once`). `channel`: private, group (they have no private chat with the bot) or
    none; `message_id`: the private message, a reply to which is the reason they decline."""

    __tablename__ = "commitment_asks"
    __table_args__ = (UniqueConstraint("commitment_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    sent_at: Mapped[datetime] = mapped_column(default=column_now)
