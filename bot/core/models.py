"""Tables the core itself needs: handled updates, work claims, the admin-list cache and the
questions a time with two readings asks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId


class ProcessedUpdate(Base):
    """An update whose state change is committed: a redelivered copy changes and sends nothing.

    Keyed by the handler too, so that two features may each act once on the same update (the
    groups feature registers a newcomer, the charter feature welcomes them).
    """

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    handler: Mapped[str] = mapped_column(String(80), primary_key=True, default="")
    processed_at: Mapped[datetime] = mapped_column(default=column_now, index=True)


class WorkClaim(Base):
    """One piece of scheduled work (`key`) claimed by one process at a time, done once.

    A claim that was taken but never completed (the process died) can be taken again after its
    lease runs out, so work missed by a crash is caught up rather than lost. Work that failed
    is released (`owner` empty) after `attempts` tries, not to be taken again before
    `not_before` (a backoff).
    """

    __tablename__ = "work_claims"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(default=column_now)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    not_before: Mapped[datetime | None]


class AdminCache(Base):
    """The Telegram administrators of a chat as last fetched; refreshed when it grows stale."""

    __tablename__ = "admin_cache"

    chat_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_ids: Mapped[list[int]] = mapped_column(JSON)
    fetched_at: Mapped[datetime] = mapped_column(default=column_now)


class TimeQuestion(Base):
    """A command whose time read two ways, kept until its sender says which (core.questions).

    `update` is the command's update as Telegram sent it, `text` the time as typed,
    `candidates` its readings (ISO, UTC), `answers` earlier answers for the same command
    (text → ISO), `choice` the reading pressed, once.
    """

    __tablename__ = "time_questions"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    chat_id: Mapped[int] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(info={"person": True})
    handler: Mapped[str] = mapped_column(String(80))
    update: Mapped[dict[str, Any]] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(String(200))
    candidates: Mapped[list[str]] = mapped_column(JSON)
    answers: Mapped[dict[str, str]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(default=column_now, index=True)
    answered_at: Mapped[datetime | None]
    choice: Mapped[int | None]


class OutboxMessage(Base):
    """A message a committed turn must send (core.outbox): written in the turn's transaction,
    sent right after the commit and marked done; retried by the tick until it is.

    `payload` holds what to send (text, topic, quoted message, keyboard); `after` names what to
    record in the transaction that marks it sent (`after_args`, the message ids); `claimed_by`
    and `claimed_at` are the lease of the process sending it, so two never send one row.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    chat_id: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    update_id: Mapped[int | None]
    after: Mapped[str | None] = mapped_column(String(80))
    after_args: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=column_now)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    done_at: Mapped[datetime | None]
    message_id: Mapped[int | None]

    __table_args__ = (Index("ix_outbox_due", "done_at", "next_attempt_at"),)
