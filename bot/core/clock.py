"""The program's one clock.

Every "now" of Minga comes from a `Clock`: the `Runtime` holds one (`runtime.clock`), a handled
update reads it once (`turn.now`), a tick once (`tick.now`), and functions below them get the
moment as an argument. Columns whose default is "now" (`created_at`, `sent_at`, …) read the
clock of the session that writes them (`make_sessionmaker` puts it in the engine's execution
options), so a test that freezes the clock freezes those too.

This module is the only place in `bot/` that reads the wall clock (a test keeps it so).
Durations that only pace or time out work (the messenger's waits, the JobQueue's delays, the
SQLite turn timeout) stay on the event loop's monotonic clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

# the key under which a session's clock travels in its engine's execution options
EXECUTION_OPTION = "minga_clock"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock: what `minga run` uses."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until it is told to move (tests, benchmarks)."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> datetime:
        self._now = _aware(moment)
        return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**parts)`: `advance(hours=30)`."""
        self._now += (delta or timedelta()) + timedelta(**parts)
        return self._now


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"a clock needs a timezone-aware moment, not {moment!r}")
    return moment.astimezone(UTC)


SYSTEM = SystemClock()


def column_now(context: Any) -> datetime:
    """The default of a "now" column: the writing session's clock.

    `context` is SQLAlchemy's execution context; a connection made without a clock (a raw
    engine connection, a migration) is a mistake in Minga's own code, so it fails loudly
    instead of falling back to the wall clock."""
    clock = context.execution_options.get(EXECUTION_OPTION)
    if clock is None:
        raise RuntimeError(
            "this connection has no clock: open sessions with bot.core.db.make_sessionmaker"
        )
    return clock.now()
