"""What a typed moment or duration says, before any clock or zone: the grammar that
`bot.core.timeparse` documents, as plain values. `splits(clean)` gives the ways a normalized
phrase is a day (`Day`: its candidate dates) and the rest, `time_of_day(rest)` reads the rest,
and `duration(clean)` reads a length of time. Which instant a reading is, given `now` and a
zone, is timeparse's.

Pure and stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta

from bot.core.timewords import MONTHS, NOON, PERIODS, RELATIVE_DAYS, UNITS, WEEKDAYS, alternation

DEFAULT_TIME = time(9, 0)  # a day typed without a time
MAX_DURATION = timedelta(days=365)
MAX_LENGTH = 80  # longer text is not a time phrase; also bounds the regex work


_WEEKDAY = alternation(WEEKDAYS)
_MONTH = alternation(MONTHS)


# --- days ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """Candidate days, earliest first: the first whose moment is ahead of now wins, else the
    last. A fixed day has one candidate, so it is kept even when past."""

    candidates: Callable[[date], Iterator[date]]
    weekday: int | None = None  # when the text also named the weekday, it must match


def _fixed(day: date) -> Day:
    return Day(lambda _today: iter([day]))


def _in_days(n: int) -> Day:
    return Day(lambda today: iter([today + timedelta(days=n)]))


def _next_weekday(weekday: int) -> Day:
    def candidates(today: date) -> Iterator[date]:
        first = today + timedelta(days=(weekday - today.weekday()) % 7)
        return iter([first, first + timedelta(days=7)])

    return Day(candidates)


def _yearly(month: int, day: int) -> Day | None:
    try:
        date(2000, month, day)  # a leap year: is this day-month ever a date?
    except ValueError:
        return None

    def candidates(today: date) -> Iterator[date]:
        for year in range(today.year, today.year + 9):  # 29/02 may be up to 8 years away
            try:
                yield date(year, month, day)
            except ValueError:
                continue

    return Day(candidates)


NEXT_OCCURRENCE = Day(lambda today: iter([today, today + timedelta(days=1)]))


def _calendar_day(day: str, month: int, year: str | None) -> Day | None:
    d = int(day)
    if year is None:
        return _yearly(month, d)
    y = int(year) + (2000 if len(year) == 2 else 0)
    if not 1900 <= y <= 2999:
        return None
    try:
        return _fixed(date(y, month, d))
    except ValueError:
        return None


def _numeric_month(value: str) -> int | None:
    month = int(value)
    return month if 1 <= month <= 12 else None


def _from_date(m: re.Match[str]) -> Day | None:
    g = m.groupdict()
    month = MONTHS[g["mon"]] if g.get("mon") else _numeric_month(g["m"])
    if month is None:
        return None
    day = _calendar_day(g["d"], month, g.get("y"))
    if day is None or not g.get("wd"):
        return day
    return Day(day.candidates, weekday=WEEKDAYS[g["wd"]])


_ORDINAL = r"(?:st|nd|rd|th|o)?"
_LEADING_WEEKDAY = rf"(?:(?P<wd>{_WEEKDAY})\s+)?(?:(?:el|o|no|the)\s+)?(?:dia\s+)?"
_DATE_FORMS = [
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?",
    r"(?P<d>\d{1,2})-(?P<m>\d{1,2})(?:-(?P<y>\d{4}|\d{2}))?",
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})",
    rf"(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+(?:de|of))?\s+(?P<mon>{_MONTH})(?:\s+(?:de\s+)?(?P<y>\d{{4}}))?",
    rf"(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+(?P<y>\d{{4}}))?",
]
_DAY_FORMS: list[tuple[str, Callable[[re.Match[str]], Day | None]]] = [
    *((_LEADING_WEEKDAY + form, _from_date) for form in _DATE_FORMS),
    (
        rf"(?<!la )(?P<rel>{alternation(RELATIVE_DAYS)})",  # "de la mañana" is not a day
        lambda m: _in_days(RELATIVE_DAYS[m["rel"]]),
    ),
    (
        rf"(?:(?:next|proximo|proxima)\s+)?(?P<wd>{_WEEKDAY})",
        lambda m: _next_weekday(WEEKDAYS[m["wd"]]),
    ),
]
_DAY_LEAD = r"(?:(?:el|la|this|este|esta|on|o|a|na|no|em|de|del|do|da|para)\s+)*"
_DAY_AT_START = [(re.compile(rf"^{_DAY_LEAD}(?:{f})(?=\s|$)"), b) for f, b in _DAY_FORMS]
_DAY_AT_END = [(re.compile(rf"(?:^|\s){_DAY_LEAD}(?:{f})$"), b) for f, b in _DAY_FORMS]


def splits(text: str) -> Iterator[tuple[Day | None, str]]:
    """Ways to read `text` as (day, rest): no day at all, a day in front, a day behind."""
    yield None, text
    for pattern, build in _DAY_AT_START:
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[m.end() :].strip()
    for pattern, build in _DAY_AT_END:
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[: m.start()].strip()


# --- times of day --------------------------------------------------------------------------

_PERIOD = alternation(PERIODS)
_TIME = re.compile(
    rf"""^(?P<lead>(?:a\ las|a\ la|las|as|at|@|pelas)\s+)?
    (?:
        (?P<noon>{alternation(NOON)})
      | (?P<h>\d{{1,2}})
        (?: [:.](?P<m>\d{{2}}) | h(?P<hm>\d{{2}})m? )?
        \s*(?:(?P<hs>hs|hrs|hr|horas|h)\b)?
        \s*(?:(?P<ampm>am|pm)|(?:de\ la|da|de|in\ the|at|por\ la)\s+(?P<period>{_PERIOD}))?
    )$""",
    re.VERBOSE,
)


def time_of_day(text: str, *, dated: bool) -> time | None:
    """`18:30`, `7pm`, `3 da tarde`, ... → time; `` → 09:00 if a day was given; else None."""
    if not text:
        return DEFAULT_TIME if dated else None
    m = _TIME.match(text)
    if m is None:
        return None
    if m["noon"]:
        return time(12, 0)
    hour, minute = int(m["h"]), int(m["m"] or m["hm"] or 0)
    if m["ampm"] or m["period"]:
        hour = _twelve_hour(hour, m["ampm"], m["period"])
    elif not (m["m"] or m["hm"] or m["hs"] or m["lead"] or dated):
        return None  # a lone number is not a time
    if hour is None or hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _twelve_hour(hour: int, ampm: str | None, period: str | None) -> int | None:
    if period:
        return PERIODS[period](hour)
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if ampm == "pm" else 0)


# --- durations -----------------------------------------------------------------------------

_DURATION_PART = re.compile(
    rf"(?:(?:y|e|and)\s+)?(?P<n>\d{{1,6}})\s*(?P<unit>{alternation(UNITS)})(?![a-z])\s*"
)
_DURATION_LEAD = re.compile(r"^(?:(?:en|em|in|dentro de|within)\s+)?")
_TRAILING_MINUTES = re.compile(r"(?P<n>[0-5]\d)$")  # the 30 of 1h30


def duration(clean: str) -> timedelta | None:
    """`48h`, `90 min`, `2 dias`, `1 semana`, `1h30` (normalized) → timedelta, else None."""
    clean = _DURATION_LEAD.sub("", clean, count=1)
    total, unit, position = timedelta(0), None, 0
    while m := _DURATION_PART.match(clean, position):
        unit = UNITS[m["unit"]]
        total += timedelta(**{unit: int(m["n"])})
        position = m.end()
    if unit == "hours" and (m := _TRAILING_MINUTES.match(clean, position)):
        total += timedelta(minutes=int(m["n"]))
        position = m.end()
    if unit is None or position != len(clean) or not timedelta(0) < total <= MAX_DURATION:
        return None
    return total
