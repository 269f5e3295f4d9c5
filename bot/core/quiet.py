"""Quiet hours: a daily range, in a group's time zone, when the bot sends nothing that can wait.

Scheduled and non-urgent messages due inside the range wait until it ends. A range may cross
midnight (22:00-08:00). Stored as minutes after midnight, start and end.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.records import frozen

_RANGE = re.compile(
    r"^\s*(\d{1,2})(?::(\d{2}))?\s*(?:-|–|a|to|até|ate|hasta)\s*(\d{1,2})(?::(\d{2}))?\s*$"
)


class BadQuietRange(ValueError):
    """Not a range of two times of day like 22:00-08:00."""


@frozen
class QuietHours:
    start: int  # minutes after midnight, 0..1439
    end: int

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`22:00-08:00`, `22-8`, `22:30 a 07:00` → QuietHours; anything else BadQuietRange."""
        match = _RANGE.match(text.lower())
        if match is None:
            raise BadQuietRange(text)
        h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
            raise BadQuietRange(text)
        return cls(h1 * 60 + m1, h2 * 60 + m2)

    @classmethod
    def of(cls, start: int | None, end: int | None) -> QuietHours | None:
        return None if start is None or end is None else cls(start, end)

    def label(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    def contains(self, minute: int) -> bool:
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end  # crosses midnight

    def release(self, when: datetime, timezone: str) -> datetime:
        """The first moment at or after `when` outside the quiet hours (UTC)."""
        zone = ZoneInfo(timezone)
        when = when.astimezone(UTC)
        local = when.astimezone(zone)
        if not self.contains(_minute_of(local)):
            return when
        day = local.date()
        if self.start > self.end and _minute_of(local) >= self.start:
            day += timedelta(days=1)  # after the start, before midnight: ends tomorrow
        end = datetime.combine(day, time(self.end // 60, self.end % 60))
        # The end's local time can happen twice (clocks turned back: the later one is still to
        # come when `when` is in the repeated hour) or never (clocks jumped past it: the quiet
        # hours end at the jump, the first minute between the two readings that is outside).
        ends = sorted({end.replace(tzinfo=zone, fold=fold).astimezone(UTC) for fold in (0, 1)})
        later = [e for e in ends if e >= when] or [when]
        moment, last = later[0], later[-1]
        while moment < last and self.contains(_minute_of(moment.astimezone(zone))):
            moment += timedelta(minutes=1)
        return moment


def _minute_of(local: datetime) -> int:
    return local.hour * 60 + local.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def release_time(when: datetime, quiet: QuietHours | None, timezone: str) -> datetime:
    """When a message due at `when` may go out, given a group's quiet hours (UTC)."""
    return when.astimezone(UTC) if quiet is None else quiet.release(when, timezone)
