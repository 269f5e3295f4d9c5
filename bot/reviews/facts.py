"""The facts of a review subject: one frozen dataclass per kind (commitment, meeting, vote).

The finders and the facts builders (`subjects.py`) make them, the renderers read them, and
`review_subjects.facts` stores them as JSON: `to_json` and `from_json` are the one place that
knows that shape. It is the shape the first reviews wrote (the same keys, datetimes in ISO
8601), so every stored row loads.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from bot.core.records import frozen

COMMITMENT, MEETING, VOTE = "commitment", "meeting", "vote"  # ReviewSubject.subject_kind


class Why(StrEnum):
    """Why a subject is reviewed (the last part of its trigger, when a finder found it)."""

    OVERDUE = "overdue"  # a commitment
    DROPPED = "dropped"
    BLOCKED = "blocked"
    ATTENDANCE = "attendance"  # a meeting
    QUORUM = "quorum"  # a vote
    MANUAL = "manual"  # any of them, named by a coordinator's /review


@frozen
class CommitmentFacts:
    kind: ClassVar[str] = COMMITMENT

    number: int
    text: str
    owners: tuple[str, ...]  # their names
    due_at: datetime | None
    days_late: int
    status: str
    reason: str | None  # why it was dropped, or is blocked
    why: Why  # OVERDUE, DROPPED, BLOCKED or MANUAL


@frozen
class MeetingFacts:
    kind: ClassVar[str] = MEETING

    title: str
    starts_at: datetime | None  # still choosing a date: the first option
    yes: int  # how many said yes to the date
    came: int
    absent: tuple[str, ...]  # the names of those who said yes and did not come
    why: Why  # ATTENDANCE or MANUAL


@frozen
class VoteFacts:
    kind: ClassVar[str] = VOTE

    question: str
    closed_at: datetime | None  # still open: when it closes
    voters: int
    members: int
    missing: tuple[str, ...]  # the names of the members who did not vote
    why: Why  # QUORUM or MANUAL


Facts = CommitmentFacts | MeetingFacts | VoteFacts


def to_json(facts: Facts) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in fields(facts):
        value = getattr(facts, field.name)
        if isinstance(value, Why):
            value = value.value
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[field.name] = value
    return data


def from_json(kind: str, data: dict[str, Any]) -> Facts:
    """The facts of a stored subject of `kind`. A key the renderers always read is required;
    one they read with a default gets that default."""
    if kind == COMMITMENT:
        return CommitmentFacts(
            number=data["number"],
            text=data["text"],
            owners=tuple(data["owners"]),
            due_at=_moment(data.get("due_at")),
            days_late=data.get("days_late") or 0,
            status=data.get("status") or "",
            reason=data.get("reason"),
            why=Why(data.get("why") or Why.OVERDUE),
        )
    if kind == MEETING:
        return MeetingFacts(
            title=data["title"],
            starts_at=_moment(data.get("starts_at")),
            yes=data["yes"],
            came=data["came"],
            absent=tuple(data.get("absent") or ()),
            why=Why(data.get("why") or Why.ATTENDANCE),
        )
    if kind == VOTE:
        return VoteFacts(
            question=data["question"],
            closed_at=_moment(data.get("closed_at")),
            voters=data["voters"],
            members=data["members"],
            missing=tuple(data.get("missing") or ()),
            why=Why(data.get("why") or Why.QUORUM),
        )
    raise ValueError(f"no facts for a subject of kind {kind!r}")


def _moment(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None
