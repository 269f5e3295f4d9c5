"""The plain values a call is shown from (no database, no Telegram)."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import frozen


@frozen
class Volunteer:
    person_id: int
    first_name: str
    last_name: str | None


@frozen
class CallView:
    id: int
    text: str
    target: int
    due_at: datetime | None
    caller: Volunteer | None
    volunteers: tuple[Volunteer, ...]  # in the order they said "I'm in"
    declined: tuple[Volunteer, ...]
    commitment_number: int | None  # set once the call became a commitment (closed)

    @property
    def covered(self) -> bool:
        return len(self.volunteers) >= self.target

    @property
    def closed(self) -> bool:
        return self.commitment_number is not None
