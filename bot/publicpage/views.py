"""The plain values a public page is shown from, and the pure rules that make them: who is
named as responsible, the totals, and the names taken out of the group's own words. No
database, no Telegram, no HTML (the page's template escapes)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from bot.commitments.kinds import Status
from bot.core.records import frozen


class Who(StrEnum):
    """How a responsible person is shown: by name only when they said yes (`/profile`)."""

    NAME = "name"
    ORGANIZATION = "organization"
    SECTOR = "sector"  # a key of bot.actors.labels.SECTOR_LABELS
    MEMBER = "member"  # "a member": nothing they agreed to show


@frozen
class Responsible:
    who: Who
    value: str = ""


@frozen
class Owner:
    """An owner who accepted a commitment, with what their profile lets the page show."""

    name: str
    named: bool  # said yes to being named publicly
    organization: str | None
    sector: str | None


@frozen
class DecisionItem:
    number: int
    what: str
    kind: str  # a VoteKind, or votes.views.AGREEMENT
    outcome: str  # an OutcomeKind
    winners: tuple[str, ...]
    decided_at: datetime


@frozen
class CommitmentItem:
    number: int
    text: str
    status: str  # a Status
    progress: int  # 0-100
    due_at: datetime | None
    done_at: datetime | None
    responsible: tuple[Responsible, ...]  # empty: nobody has taken it on yet


@frozen
class Totals:
    counted: int  # commitments not dropped
    done: int
    done_with_due: int  # of the done, those that had a due date
    on_time: int  # of those, done by their due date

    @property
    def execution(self) -> int | None:
        """Percent of the commitments (not dropped) that are done; None when there are none."""
        return round(100 * self.done / self.counted) if self.counted else None

    @property
    def on_time_share(self) -> int | None:
        return round(100 * self.on_time / self.done_with_due) if self.done_with_due else None


@frozen
class PageView:
    slug: str
    title: str
    language: str
    timezone: str
    indexed: bool
    goals: str
    decisions: tuple[DecisionItem, ...]
    commitments: tuple[CommitmentItem, ...]
    totals: Totals
    now: datetime
    more_commitments: int = 0  # the group's commitments past those shown (totals count them)

    @property
    def empty(self) -> bool:
        return not (self.goals.strip() or self.decisions or self.commitments)


def responsible(owners: Sequence[Owner]) -> tuple[Responsible, ...]:
    """Each owner by name if they said yes, else their organization, else their sector, else
    "a member"; the same organization (or sector) once, "a member" once."""
    shown: list[Responsible] = []
    for owner in owners:
        if owner.named and owner.name:
            item = Responsible(Who.NAME, owner.name)
        elif owner.organization and owner.organization.strip():
            item = Responsible(Who.ORGANIZATION, owner.organization.strip())
        elif owner.sector:
            item = Responsible(Who.SECTOR, owner.sector)
        else:
            item = Responsible(Who.MEMBER)
        if item not in shown:
            shown.append(item)
    return tuple(shown)


def totals(rows: Iterable[tuple[str, datetime | None, datetime | None]]) -> Totals:
    """From every commitment's (status, due at, done at): dropped ones do not count."""
    counted = done = with_due = on_time = 0
    for status, due_at, done_at in rows:
        if status == Status.DROPPED:
            continue
        counted += 1
        if status != Status.DONE:
            continue
        done += 1
        if due_at is not None:
            with_due += 1
            if done_at is not None and done_at <= due_at:
                on_time += 1
    return Totals(counted, done, with_due, on_time)


def scrub(text: str, hidden: Sequence[str], replacement: str) -> str:
    """`text` with each of `hidden` (the full names and `@usernames` of members who did not
    say yes) as a whole word replaced by `replacement`."""
    words = sorted({h for h in hidden if h and h.strip()}, key=len, reverse=True)
    if not words or not text:
        return text
    pattern = re.compile(
        r"(?<![\w@])(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    return pattern.sub(replacement, text)
