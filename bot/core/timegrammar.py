"""What a typed moment or duration says, before any clock or zone: the grammar that
`bot.core.timeparse` documents, as plain values. `readings(clean)` gives every way a
normalized phrase is a day (`Day`: its candidate dates) and a time (`At`); `duration(clean)`
reads a length of time. Which instant a reading is, given `now` and a zone, is timeparse's.

Pure and stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from functools import cache

from bot.core.records import frozen
from bot.core.timewords import (
    AND_A_HALF,
    BARE_PARTS,
    CLOCK_UNITS,
    DURATION_LEADS,
    END_OF_MONTH,
    HALF_HOUR,
    MINUTE_WORDS,
    MONTHS,
    NOON,
    NUMBERS,
    PART_TIMES,
    PERIODS,
    RELATIVE_DAYS,
    UNITS,
    WEEKDAYS,
    WEEKS,
    alternation,
)

MAX_DURATION = timedelta(days=365)
MAX_LENGTH = 80  # longer text is not a time phrase; also bounds the regex work


# --- days ----------------------------------------------------------------------------------


@frozen
class Day:
    """A day as said: its candidate days, earliest first (the first whose moment is ahead of
    now wins, else the last; a fixed day has one candidate, so it is kept even when past)."""

    candidates: Callable[[date], Iterator[date]]
    weekday: int | None = None  # when the text also named the weekday, it must match
    yearless: bool = False  # a date typed without its year: refused when far ahead
    early_doubt: bool = False  # `mañana`: typed before 05:00 it may mean later today
    span: bool = False  # a span of days (`fin de mes`): deadlines only, 18:00 by default


def _fixed(day: date) -> Day:
    return Day(lambda _today: iter([day]))


def _in_days(n: int) -> Day:
    return Day(lambda today: iter([today + timedelta(days=n)]), early_doubt=n == 1)


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

    return Day(candidates, yearless=True)


def _monthly(m: re.Match[str]) -> Day | None:
    day = int(m["dom"])
    if not 1 <= day <= 31:
        return None

    def candidates(today: date) -> Iterator[date]:
        for ahead in range(3):  # a 31st is at most two months away
            year, month = divmod(today.month - 1 + ahead, 12)
            try:
                yield date(today.year + year, month + 1, day)
            except ValueError:
                continue

    return Day(candidates)


def _month_end(today: date) -> Iterator[date]:
    for ahead in range(2):
        year, month = divmod(today.month + ahead, 12)  # the month after, 0-based
        yield date(today.year + year, month + 1, 1) - timedelta(days=1)


def _week(n: int) -> Day:
    """The Friday of this week (n = 0) or the next (n = 1), as a span's last working day."""
    return Day(lambda today: iter([today + timedelta(days=4 + 7 * n - today.weekday())]), span=True)


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
    return Day(day.candidates, weekday=WEEKDAYS[g["wd"]], yearless=day.yearless)


_WEEKDAY = alternation(WEEKDAYS)
_MONTH = alternation(MONTHS)
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
    (r"(?:(?:el|del|al|o|do|no|the)\s+(?:dia\s+)?|dia\s+)(?P<dom>\d{1,2})" + _ORDINAL, _monthly),
    (r"(?P<dom>\d{1,2})(?:st|nd|rd|th)", _monthly),
    (rf"(?:{alternation(END_OF_MONTH)})", lambda _m: Day(_month_end, span=True)),
    (rf"(?P<week>{alternation(WEEKS)})", lambda m: _week(WEEKS[m["week"]])),
]
_DAY_LEAD = r"(?:(?:el|la|this|este|esta|on|o|a|al|na|no|em|de|del|do|da|para)\s+)*"
Build = Callable[[re.Match[str]], Day | None]


# compiled when a time is first read, not when the program starts (two dozen patterns)
@cache
def _days_at_start() -> list[tuple[re.Pattern[str], Build]]:
    return [(re.compile(rf"^{_DAY_LEAD}(?:{f})(?=\s|$)"), b) for f, b in _DAY_FORMS]


@cache
def _days_at_end() -> list[tuple[re.Pattern[str], Build]]:
    return [(re.compile(rf"(?:^|\s){_DAY_LEAD}(?:{f})$"), b) for f, b in _DAY_FORMS]


def _splits(text: str) -> Iterator[tuple[Day | None, str]]:
    """Ways to read `text` as (day, rest): no day at all, a day in front, a day behind."""
    yield None, text
    for pattern, build in _days_at_start():
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[m.end() :].strip()
    for pattern, build in _days_at_end():
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[: m.start()].strip()


# --- times of day --------------------------------------------------------------------------


@frozen
class At:
    """A time of day as said."""

    time: time
    said: time | None = None  # a bare hour 1-7 read as the evening: the hour as said


_TIME_TEXT = rf"""^(?P<lead>(?:a\ las|a\ la|las|as|at|@|pelas|pela)\s+)?
    (?:
        (?P<noon>{alternation(NOON)})
      | (?P<h>\d{{1,2}})
        (?: [:.](?P<m>\d{{2}}) | h(?P<hm>\d{{2}})m? )?
        \s*(?:(?P<hs>hs|hrs|hr|horas|h)\b)?
        (?:\s+(?P<words>{alternation(MINUTE_WORDS)}))?
        \s*(?:(?P<ampm>am|pm)
              |(?:de\ la|da|de|in\ the|at|por\ la|en\ la|a\ la)\s+(?P<period>{alternation(PERIODS)})
        )?
      | (?:(?P<prep>por\ la|en\ la|de\ la|de|da|a|pela|in\ the)\s+)?
        (?P<part>{alternation(PART_TIMES)})
    )$"""


@cache
def _time_pattern() -> re.Pattern[str]:
    return re.compile(_TIME_TEXT, re.VERBOSE)


def time_of_day(text: str, *, dated: bool) -> At | None:
    """`18:30`, `7pm`, `3 da tarde`, `a las 5 y media`, `a la noche`, ... → At, else None."""
    m = _time_pattern().match(text)
    if m is None:
        return None
    if m["noon"]:
        return At(time(12, 0))
    if m["part"]:
        said_with_a_word = m["lead"] or m["prep"] or (dated and m["part"] in BARE_PARTS)
        return At(PART_TIMES[m["part"]]) if said_with_a_word else None
    hour, written = int(m["h"]), m["m"] or m["hm"]
    if written and m["words"]:
        return None  # `5:30 y media`
    minute = int(written or MINUTE_WORDS.get(m["words"] or "", 0))
    if m["ampm"] or m["period"]:
        hour = _twelve_hour(hour, m["ampm"], m["period"])
    elif not (written or m["hs"]):
        if not (m["lead"] or m["words"] or dated):
            return None  # a lone number is not a time
        if 1 <= hour <= 7:
            return At(time(hour + 12, minute), said=time(hour, minute))
    if hour is None or hour > 23 or minute > 59:
        return None
    return At(time(hour, minute))


def _twelve_hour(hour: int, ampm: str | None, period: str | None) -> int | None:
    if period:
        return PERIODS[period](hour)
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if ampm == "pm" else 0)


def readings(clean: str) -> Iterator[tuple[Day | None, At | None]]:
    """Every way the grammar reads `clean` (normalized) as an optional day and a time, a day
    or both; no time (None) when only a day was said."""
    if len(clean) > MAX_LENGTH:
        return
    for day, rest in _splits(clean):
        if not rest:
            if day is not None:
                yield day, None
        elif at := time_of_day(rest, dated=day is not None):
            yield day, at


# --- durations -----------------------------------------------------------------------------


@cache
def _duration_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The lead (`en`, `in`, `por`...) and one part (`2 horas`, `y media`...)."""
    lead = re.compile(rf"^(?:(?P<lead>{alternation(DURATION_LEADS)})\s+)?")
    part = re.compile(
        rf"""(?:(?:y|e|and)\s+)?
        (?P<n>\d{{1,6}}|(?:{alternation(NUMBERS)})(?=\s))\s*(?P<unit>{alternation(UNITS)})(?![a-z])
        (?:\s+(?P<half>{alternation(AND_A_HALF)})(?![a-z]))?\s*""",
        re.VERBOSE,
    )
    return lead, part


_TRAILING_MINUTES = re.compile(r"(?P<n>[0-5]\d)$")  # the 30 of 1h30


def duration(clean: str) -> tuple[timedelta, bool] | None:
    """(the duration, whether it is written like a clock time: `18h`, `19h30`), or None."""
    lead_pattern, part_pattern = _duration_patterns()
    lead = lead_pattern.match(clean)
    assert lead is not None
    if clean[lead.end() :] in HALF_HOUR:
        return timedelta(minutes=30), False
    total, parts, position = timedelta(0), [], lead.end()
    while m := part_pattern.match(clean, position):
        unit, n = UNITS[m["unit"]], int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"]]
        total += timedelta(**{unit: n + (0.5 if m["half"] else 0)})
        parts.append(m)
        position = m.end()
    hours = parts and UNITS[parts[-1]["unit"]] == "hours" and not parts[-1]["half"]
    if hours and (m := _TRAILING_MINUTES.match(clean, position)):
        total += timedelta(minutes=int(m["n"]))
        position = m.end()
    if not parts or position != len(clean) or not timedelta(0) < total <= MAX_DURATION:
        return None
    clock = (
        not lead["lead"]
        and len(parts) == 1
        and parts[0]["unit"] in CLOCK_UNITS
        and parts[0]["n"].isdigit()
        and int(parts[0]["n"]) <= 23
    )
    return total, clock
