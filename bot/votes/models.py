"""Votes (proposals, button polls, native Telegram polls), positions and the decision log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
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

from bot.core.clock import column_now
from bot.core.db import Base, RowId

__all__ = [
    "Amendment",
    "BackersLine",
    "BackersNote",
    "Decision",
    "Position",
    "Vote",
    "VoteCommitment",
    "VoteTemplate",
]


class Vote(Base):
    """One question put to a group. Open while `closed_at` is NULL.

    `dirty` says the vote message shows an older tally than the database holds; the refresh
    (at most one edit of a group's vote messages per `EDIT_INTERVAL`) clears it. `announced_at`
    is set once the outcome has been posted after closing.
    """

    __tablename__ = "votes"
    __table_args__ = (
        Index("ix_votes_open", "closed_at", "closes_at"),  # the closing sweep
        # a group's open votes (the digest, /status): ix_votes_open would walk every group's
        Index("ix_votes_group_open", "group_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    multi: Mapped[bool] = mapped_column(default=False)
    opener_id: Mapped[int | None] = mapped_column(BigInteger, info={"person": True})
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    native_poll_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    opened_at: Mapped[datetime] = mapped_column(default=column_now)
    closes_at: Mapped[datetime]
    quorum: Mapped[int | None] = mapped_column(SmallInteger)  # percent of the members
    anonymous: Mapped[bool] = mapped_column(default=False)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(BigInteger)  # None: the deadline closed it
    outcome: Mapped[str | None] = mapped_column(String(20))
    reminder_sent_at: Mapped[datetime | None]
    dirty: Mapped[bool] = mapped_column(default=False)
    rendered_at: Mapped[datetime | None]
    announced_at: Mapped[datetime | None]


class Position(Base):
    """A member's position on a vote: the chosen options as a bit set (bit i = option i).

    0 means no position (a multi-choice member unticked everything, or a native poll vote was
    retracted). The latest choice counts; `reason` is replaced by each new reply.
    """

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("vote_id", "person_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    choices: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=column_now)
    # the Telegram update that set `choices`: an older click handled late does not overwrite
    update_id: Mapped[int | None] = mapped_column(BigInteger)
    # a position a coordinator recorded for the member (`/vote @name agree`): who and when;
    # the member's own later click clears both
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime | None]


class Decision(Base):
    """The group's decision log, numbered 1, 2, 3… per group: closed votes, and agreements
    recorded in meeting minutes."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # None for an agreement recorded in a meeting's minutes (`text`, `source_*` say which)
    vote_id: Mapped[int | None] = mapped_column(
        ForeignKey("votes.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    source_kind: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(20))
    winners: Mapped[list[int]] = mapped_column(JSON, default=list)
    counts: Mapped[list[int]] = mapped_column(JSON)
    voters: Mapped[int] = mapped_column(Integer)
    members: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[datetime] = mapped_column(default=column_now)
    # the message that told the group (a vote's result, the minutes): its backers' updates
    # reply to it
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class Amendment(Base):
    """A charter change put to a vote (`/rules propose`): applied once, when the vote passes.

    `section` is a charter section or `rule_added`; `version` is the charter version it made."""

    __tablename__ = "vote_amendments"

    vote_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("votes.id", ondelete="CASCADE"), primary_key=True
    )
    section: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)


class VoteCommitment(Base):
    """The commitment a passed proposal was turned into: at most one per vote."""

    __tablename__ = "vote_commitments"

    vote_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("votes.id", ondelete="CASCADE"), primary_key=True
    )
    commitment_id: Mapped[int] = mapped_column(
        RowId, ForeignKey("commitments.id", ondelete="CASCADE"), unique=True
    )


class VoteTemplate(Base):
    """A vote kept under a short name to open again (`/template save asamblea` replying to a
    vote, then `/template asamblea`): its kind, question, options and rules; `duration` is how
    long it stayed open, so the new one closes as far from its opening."""

    __tablename__ = "vote_templates"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    multi: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)
    quorum: Mapped[int | None] = mapped_column(SmallInteger)
    duration: Mapped[int] = mapped_column(Integer)  # seconds
    saved_by: Mapped[int | None] = mapped_column(BigInteger, info={"person": True})
    saved_at: Mapped[datetime] = mapped_column(default=column_now)


class BackersNote(Base):
    """What happened today to the commitments of a decision, told to those who backed it: one
    reply under the decision's message per decision and local day (unique), edited in place as
    more of its commitments change that day. `due_at` says it is to be shown (or edited) from
    then; `revision` counts the changes, so that one arriving while it is shown keeps it due;
    `claimed_at` is the lease of the process showing it."""

    __tablename__ = "backers_notes"
    __table_args__ = (UniqueConstraint("decision_id", "day"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))  # the group's local date, ISO
    backers: Mapped[list[int]] = mapped_column(JSON, default=list)  # person ids, as first told
    reply_to: Mapped[int | None] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the reply, once sent
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=column_now)


class BackersLine(Base):
    """One commitment of a note: its latest change that day (a `commitments.kinds.Change`)."""

    __tablename__ = "backers_lines"
    __table_args__ = (UniqueConstraint("note_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("backers_notes.id", ondelete="CASCADE"))
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"))
    change: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(default=column_now)
