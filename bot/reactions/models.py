"""Reactions as positions: who reacted how, anonymous counts, the position map, notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base, RowId

USER = "user"
CHAT = "chat"  # a reaction on behalf of a chat: an anonymous admin (the group itself) or a channel


class ReactionState(Base):
    """The current reaction set of one actor on one message, as the last update said.

    `emoji` holds every reaction as a token: the emoji itself (without variation selectors),
    `custom:<id>` for a custom emoji, `paid` for a paid reaction. An empty list is a removal.
    `update_id` is the update that set it: an older update arriving later changes nothing.
    """

    __tablename__ = "reaction_states"
    __table_args__ = (UniqueConstraint("group_id", "message_id", "actor_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    message_id: Mapped[int]
    # a Telegram user id, or a chat id for reactions on behalf of a chat
    actor_id: Mapped[int] = mapped_column(info={"person": True})
    actor_kind: Mapped[str] = mapped_column(String(8), default=USER)
    actor_name: Mapped[str | None] = mapped_column(String(255))  # chats only
    emoji: Mapped[list[str]] = mapped_column(JSON)
    update_id: Mapped[int]
    reacted_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=column_now)


class ReactionCount(Base):
    """The latest anonymous counts on a message (`message_reaction_count`): {token: count}."""

    __tablename__ = "reaction_counts"
    __table_args__ = (UniqueConstraint("group_id", "message_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    message_id: Mapped[int]
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    update_id: Mapped[int]
    counted_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=column_now)


class ReactionSettings(Base):
    """One group's position map, notice reminder delay, and what it knows of the bot's rights."""

    __tablename__ = "reaction_settings"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # [[emoji, meaning], ...] in the order the coordinators gave; None = the default map
    positions: Mapped[list[list[str]] | None] = mapped_column(JSON)
    remind_after_minutes: Mapped[int | None]
    # whether the bot is an admin (and so receives reactions); None = not known yet
    bot_admin: Mapped[bool | None]
    bot_checked_at: Mapped[datetime | None]
    # when the coordinators were told the bot needs to be admin (once per loss of rights)
    admin_hint_at: Mapped[datetime | None]


class Notice(Base):
    """A notice members acknowledge; reminded once, after `remind_at`, to those who have not."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None]  # None: an anonymous admin
    text: Mapped[str] = mapped_column(Text)
    thread_id: Mapped[int | None]
    message_id: Mapped[int | None] = mapped_column(index=True)  # set once it is posted
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    remind_at: Mapped[datetime] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    # how many were reminded (0: everyone had acknowledged, nothing was sent)
    reminded_count: Mapped[int | None]


class Acknowledgement(Base):
    """A member has seen a notice: by the "seen" reaction or by the button. Once per member."""

    __tablename__ = "notice_acks"
    __table_args__ = (UniqueConstraint("notice_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    via: Mapped[str] = mapped_column(String(12))  # "reaction" | "button"
    acked_at: Mapped[datetime] = mapped_column(default=column_now)
