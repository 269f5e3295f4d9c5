"""Groups, people and memberships."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId

MEMBER = "member"
COORDINATOR = "coordinator"
OBSERVER = "observer"  # follows the group, does not decide (bot.groups.roles)


class Group(Base):
    """A Telegram group the bot is in (or was in: `active` is False once it was removed)."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    # the Telegram chat id; changes once when a group becomes a supergroup, and the old one is
    # kept: updates sent there before the change still arrive with it
    chat_id: Mapped[int] = mapped_column(unique=True)
    migrated_from: Mapped[int | None] = mapped_column(unique=True)
    title: Mapped[str | None] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # quiet hours (bot.core.quiet), minutes after midnight in the group's time zone
    quiet_start: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_end: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    left_at: Mapped[datetime | None]
    # "chat not found" answers in a row, on separate attempts; a few of them and the group is
    # given up on as when the bot is removed (`service.chat_not_found`); a success resets it
    not_found: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    not_found_at: Mapped[datetime | None]


class Person(Base):
    """A Telegram user Minga has seen. `language` is their own choice for private chats.

    `id` is the Telegram user id, except for a tombstone (`erased_at` set): a negative
    surrogate (bot.privacy.erasure)."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # Telegram user id
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    language_code: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    # they wrote to the bot in private (/start...), so it may write to them there (reminders)
    has_private_chat: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    updated_at: Mapped[datetime] = mapped_column(default=column_now)
    # /forgetme: the row stays as a tombstone ("a former member") under a negative id, with
    # no name, username or Telegram id, so the group's records and totals stay whole
    erased_at: Mapped[datetime | None]


class Membership(Base):
    """A person in a group: their Minga role and whether they are still there."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MEMBER)
    joined_at: Mapped[datetime] = mapped_column(default=column_now)
    left_at: Mapped[datetime | None]
