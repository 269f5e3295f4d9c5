"""Plain values a digest is shown from (no database, no Telegram): what the renderer receives.

Meetings, notices, open votes and the charter's standing are the same values in a group's
`Facts` (service.py) and in its `DigestView`; handlers.digest_text builds the view, where
people become mentions and outcomes and sectors words.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.moments import Local
from bot.core.records import frozen

MAX_LINES = 10  # of a long section; the rest are counted ("…and 3 more")


@frozen
class MeetingHeld:
    title: str
    starts_at: datetime
    attended: int


@frozen
class MeetingComing:
    title: str
    starts_at: datetime


@frozen
class NoticePending:
    text: str
    missing: int  # members who have not acknowledged it


@frozen
class OpenVote:
    question: str
    closes_at: datetime
    missing: int  # members who have not voted


@frozen
class CharterStanding:
    version: int
    accepted: int  # by current members
    of: int  # the current members asked to accept it (no observers, no members offline)


@frozen
class DecisionLine:
    number: int
    what: str
    outcome: str  # in words
    commitments: tuple[tuple[int, str, str], ...] = ()  # (number, text, state in words)


@frozen
class CommitmentLine:
    number: int
    text: str
    owners: str  # the mentions of who accepted it, joined
    moment: datetime  # done at, or due at
    asked: str = ""  # the names of who is asked and did not accept (yet), joined
    asked_count: int = 0


@frozen
class RecognitionLine:
    to: str  # a mention
    by: str | None  # a mention; None when the giver is not known
    reason: str


@frozen
class DigestView:
    """What one digest shows, section by section."""

    timezone: str
    now: datetime
    late: bool  # sent after it was due, because the bot was offline
    quiet: bool  # nothing to report
    decisions: tuple[DecisionLine, ...]
    open_votes: tuple[OpenVote, ...]
    completed: tuple[CommitmentLine, ...]
    overdue: tuple[CommitmentLine, ...]
    due_next: tuple[CommitmentLine, ...]
    meetings_held: tuple[MeetingHeld, ...]
    meetings_coming: tuple[MeetingComing, ...]
    notices_pending: tuple[NoticePending, ...]
    members: int
    charter: CharterStanding | None
    new_actors: int
    missing_sectors: tuple[str, ...]  # in words
    unequal: bool  # a few members carried the conversation
    reviews_opened: int
    reviews_closed: int
    recognitions: tuple[RecognitionLine, ...]
    thanked: tuple[str, ...]  # mentions of who attended, delivered or voted
    waiting: tuple[CommitmentLine, ...] = ()  # to do, and nobody accepted it
    # how many commitments each section has when more than its lines (the facts keep only
    # the first MAX_LINES of each); None: as many as its lines
    completed_count: int | None = None
    overdue_count: int | None = None
    due_next_count: int | None = None
    waiting_count: int | None = None

    @property
    def local(self) -> Local:
        return Local(self.timezone, self.now)
