"""Volunteer calls: a call for a number of people, and each member's answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, SmallInteger, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId

__all__ = ["Call", "CallAnswer"]


class Call(Base):
    """`/call <what> | <how many> [| <date>]`: open until it becomes a commitment (then
    `closed_at` and `commitment_id` are set, once)."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    target: Mapped[int] = mapped_column(SmallInteger)
    due_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    closed_at: Mapped[datetime | None]
    commitment_id: Mapped[int | None] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="SET NULL"), unique=True
    )


class CallAnswer(Base):
    """A member's answer to a call: in (`willing`) or not. One per call and member; a newer
    press replaces it (guarded by `update_id`, so an older press handled late does not)."""

    __tablename__ = "call_answers"
    __table_args__ = (UniqueConstraint("call_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    willing: Mapped[bool]
    update_id: Mapped[int] = mapped_column(BigInteger)
    answered_at: Mapped[datetime] = mapped_column(default=column_now)
