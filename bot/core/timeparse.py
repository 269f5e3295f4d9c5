"""Moments and durations as people type them, in Spanish, Brazilian Portuguese and English.

Pure functions: no I/O, no clock (the caller passes `now`), stdlib only. Input is read
case- and accent-insensitively (`sábado` = `SABADO`, `às` = `as`, `p.m.` = `pm`).

A *moment* (`parse_when`) is an optional day and an optional time of day, in either order,
with the usual little words around them (`el`, `na`, `a las`, `às`, `at`, `on`, ...):

Day
    ``hoy``/``hoje``/``today``; ``mañana``/``amanhã``/``tomorrow``;
    ``pasado mañana``/``depois de amanhã``/``day after tomorrow``;
    a weekday (``viernes``, ``vie``, ``sexta``, ``sexta-feira``, ``sáb``, ``friday``, ``fri``;
    not ``mar``/``sex``, which read as other words), also after
    ``el``, ``este``, ``next``, ``el próximo``, ``na próxima``...;
    a date ``15/12``, ``15-12``, ``15/12/2026``, ``15/12/26``, ``15.12.2026``, ``2026-12-15``,
    ``15 de diciembre [de 2026]``, ``15 dezembro``, ``Dec 15 [2026]``, ``15th of Dec``,
    optionally led by ``el día``/``dia`` or by its weekday (``sábado 5/12``: the weekday
    must then be right).
Time
    ``18:00``, ``18.30``, ``18h``, ``18hs``, ``18 hs``, ``19h30``, ``18 horas``, ``7pm``,
    ``7:30 p.m.``, ``10am``, ``10 de la mañana``, ``3 de la tarde``, ``8 de la noche``,
    ``9 da manhã``, ``3 da tarde``, ``8 da noite``, ``7 in the evening``, ``mediodía``,
    ``meio-dia``, ``noon``. A bare hour (``9``) counts only after a day or after
    ``a las``/``às``/``at`` (a lone number is too easily something else).

Rules
    - Times are local to the given IANA zone; the result is always an aware UTC datetime.
    - No day: today if the time is still ahead of `now`, else tomorrow.
    - A weekday: its next occurrence; today counts only if the time is still ahead.
      ``next friday``/``el próximo viernes``/``próxima sexta`` mean exactly the same as the
      plain weekday (people use them for "the coming one", not "the one after").
    - A date without a year: the first such date whose moment is still ahead (so ``15/01``
      typed in December is next January; ``29/02`` is the next leap day).
    - A day without a time means 09:00 local on that day.
    - An explicit day (``hoy 08:00``, ``15/12/2020``) is returned as read even if it is in the
      past: it was read correctly, and the caller decides what a past moment means.
    - Day first, as in Latin America: ``05/12`` is 5 December; month-first is never read.
      ``15.12`` is a time (15:12), like ``18.30``; a dotted date needs its year.
    - Parts of the day: mañana/manhã/morning 1-12 (12 is noon), madrugada 1-6 (and 12 = 0),
      tarde/afternoon 1-12 (→ 13-23, 12 is noon), noche/noite/evening/night 5-11 (→ 17-23).
      ``12am`` is 00:00 and ``12pm`` 12:00.
    - A local time that does not exist (clocks jump forward) becomes the first valid instant
      after the jump; an ambiguous one (clocks go back) is the first of the two (``fold=0``).

A *duration* (`parse_duration`) is one or more ``<number> <unit>`` parts, optionally after
``en``/``em``/``in``/``dentro de``: ``48h``, ``90 min``, ``2 días``, ``1 semana``, ``2 weeks``,
``1h30``, ``1 hora y 30 minutos``. It must be above zero and at most 365 days.

A *deadline* (`parse_deadline`) is a duration from now, or else a moment. A bare ``18h`` is
therefore 18 hours from now there; ``às 18h``/``a las 18h``/``hoy 18h`` is 18:00.

Deliberately not read: month-first dates, numbers in words (``las cinco``), ``medianoche``
(which day is meant is unclear), ``esta noche``/``tonight``, fractions (``1,5 horas``),
a day of the month alone (``el 15``), anything else left over in the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME = time(9, 0)  # a day typed without a time
MAX_DURATION = timedelta(days=365)
_MAX_LENGTH = 80  # longer text is not a time phrase; also bounds the regex work


class BadTime(ValueError):
    """The text is not a moment or duration we can read; args[0] is the text."""


# --- words ---------------------------------------------------------------------------------

_WEEKDAYS = {
    **dict.fromkeys(["lunes", "lun", "segunda", "seg", "monday", "mon"], 0),
    **dict.fromkeys(["martes", "terca", "ter", "tuesday", "tue", "tues"], 1),
    **dict.fromkeys(["miercoles", "mie", "quarta", "qua", "wednesday", "wed"], 2),
    **dict.fromkeys(["jueves", "jue", "quinta", "qui", "thursday", "thu", "thur", "thurs"], 3),
    **dict.fromkeys(["viernes", "vie", "sexta", "friday", "fri"], 4),
    **dict.fromkeys(["sabado", "sab", "saturday", "sat"], 5),
    **dict.fromkeys(["domingo", "dom", "sunday", "sun"], 6),
}
_MONTHS = {
    **dict.fromkeys(["enero", "janeiro", "january", "jan", "ene"], 1),
    **dict.fromkeys(["febrero", "fevereiro", "february", "feb", "fev"], 2),
    **dict.fromkeys(["marzo", "marco", "march", "mar"], 3),
    **dict.fromkeys(["abril", "april", "apr", "abr"], 4),
    **dict.fromkeys(["mayo", "maio", "may", "mai"], 5),
    **dict.fromkeys(["junio", "junho", "june", "jun"], 6),
    **dict.fromkeys(["julio", "julho", "july", "jul"], 7),
    **dict.fromkeys(["agosto", "august", "aug", "ago"], 8),
    **dict.fromkeys(["septiembre", "setiembre", "setembro", "september", "sep", "sept", "set"], 9),
    **dict.fromkeys(["octubre", "outubro", "october", "oct", "out"], 10),
    **dict.fromkeys(["noviembre", "novembro", "november", "nov"], 11),
    **dict.fromkeys(["diciembre", "dezembro", "december", "dec", "dic", "dez"], 12),
}
_RELATIVE_DAYS = {
    **dict.fromkeys(["hoy", "hoje", "today"], 0),
    **dict.fromkeys(["manana", "amanha", "tomorrow"], 1),
    **dict.fromkeys(["pasado manana", "depois de amanha", "day after tomorrow"], 2),
}
_NOON = ("mediodia", "meiodia", "noon", "midday")


def _morning(hour: int) -> int | None:
    return hour if 1 <= hour <= 12 else None  # "12 de la mañana" is noon, as people say it


def _small_hours(hour: int) -> int | None:
    return hour % 12 if 1 <= hour <= 6 or hour == 12 else None


def _afternoon(hour: int) -> int | None:
    return hour % 12 + 12 if 1 <= hour <= 12 else None


def _evening(hour: int) -> int | None:
    return hour + 12 if 5 <= hour <= 11 else None


# part of the day → how an hour said with it becomes 0..23 (None: not said that way)
_PERIODS: dict[str, Callable[[int], int | None]] = {
    **dict.fromkeys(["manana", "manha", "morning"], _morning),
    "madrugada": _small_hours,
    **dict.fromkeys(["tarde", "afternoon"], _afternoon),
    **dict.fromkeys(["noche", "noite", "evening", "night"], _evening),
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so `pasado manana` wins over `manana`."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WEEKDAY = _alternation(_WEEKDAYS)
_MONTH = _alternation(_MONTHS)


# --- normalising ---------------------------------------------------------------------------


def _normalize(text: str) -> str:
    """Lower case, no accents, `p.m.` → `pm`, `sexta-feira` → `sexta`, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z])\.", "", text)  # p.m. → pm, dic. → dic
    text = re.sub(r"\b(segunda|terca|quarta|quinta|sexta)[- ]feira\b", r"\1", text)
    text = re.sub(r"\b(meio|medio)[- ]?dia\b", r"\1dia", text)
    text = re.sub(r"[,;!?()]", " ", text)
    return " ".join(text.split()).strip(".")


# --- days ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    """Candidate days, earliest first: the first whose moment is ahead of now wins, else the
    last. A fixed day has one candidate, so it is kept even when past."""

    candidates: Callable[[date], Iterator[date]]
    weekday: int | None = None  # when the text also named the weekday, it must match


def _fixed(day: date) -> _Day:
    return _Day(lambda _today: iter([day]))


def _in_days(n: int) -> _Day:
    return _Day(lambda today: iter([today + timedelta(days=n)]))


def _next_weekday(weekday: int) -> _Day:
    def candidates(today: date) -> Iterator[date]:
        first = today + timedelta(days=(weekday - today.weekday()) % 7)
        return iter([first, first + timedelta(days=7)])

    return _Day(candidates)


def _yearly(month: int, day: int) -> _Day | None:
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

    return _Day(candidates)


_NEXT_OCCURRENCE = _Day(lambda today: iter([today, today + timedelta(days=1)]))


def _calendar_day(day: str, month: int, year: str | None) -> _Day | None:
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


def _from_date(m: re.Match[str]) -> _Day | None:
    g = m.groupdict()
    month = _MONTHS[g["mon"]] if g.get("mon") else _numeric_month(g["m"])
    if month is None:
        return None
    day = _calendar_day(g["d"], month, g.get("y"))
    if day is None or not g.get("wd"):
        return day
    return _Day(day.candidates, weekday=_WEEKDAYS[g["wd"]])


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
_DAY_FORMS: list[tuple[str, Callable[[re.Match[str]], _Day | None]]] = [
    *((_LEADING_WEEKDAY + form, _from_date) for form in _DATE_FORMS),
    (
        rf"(?<!la )(?P<rel>{_alternation(_RELATIVE_DAYS)})",  # "de la mañana" is not a day
        lambda m: _in_days(_RELATIVE_DAYS[m["rel"]]),
    ),
    (
        rf"(?:(?:next|proximo|proxima)\s+)?(?P<wd>{_WEEKDAY})",
        lambda m: _next_weekday(_WEEKDAYS[m["wd"]]),
    ),
]
_DAY_LEAD = r"(?:(?:el|la|this|este|esta|on|o|a|na|no|em|de|del|do|da|para)\s+)*"
_DAY_AT_START = [(re.compile(rf"^{_DAY_LEAD}(?:{f})(?=\s|$)"), b) for f, b in _DAY_FORMS]
_DAY_AT_END = [(re.compile(rf"(?:^|\s){_DAY_LEAD}(?:{f})$"), b) for f, b in _DAY_FORMS]


def _splits(text: str) -> Iterator[tuple[_Day | None, str]]:
    """Ways to read `text` as (day, rest): no day at all, a day in front, a day behind."""
    yield None, text
    for pattern, build in _DAY_AT_START:
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[m.end() :].strip()
    for pattern, build in _DAY_AT_END:
        if (m := pattern.search(text)) and (day := build(m)):
            yield day, text[: m.start()].strip()


# --- times of day --------------------------------------------------------------------------

_PERIOD = _alternation(_PERIODS)
_TIME = re.compile(
    rf"""^(?P<lead>(?:a\ las|a\ la|las|as|at|@|pelas)\s+)?
    (?:
        (?P<noon>{_alternation(_NOON)})
      | (?P<h>\d{{1,2}})
        (?: [:.](?P<m>\d{{2}}) | h(?P<hm>\d{{2}})m? )?
        \s*(?:(?P<hs>hs|hrs|hr|horas|h)\b)?
        \s*(?:(?P<ampm>am|pm)|(?:de\ la|da|de|in\ the|at|por\ la)\s+(?P<period>{_PERIOD}))?
    )$""",
    re.VERBOSE,
)


def _time_of_day(text: str, *, dated: bool) -> time | None:
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
        return _PERIODS[period](hour)
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if ampm == "pm" else 0)


# --- putting a day and a time together -----------------------------------------------------


def _localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` → aware UTC. Ambiguous: the first (fold=0). In a gap: the
    first instant after the jump."""
    first = naive.replace(tzinfo=zone)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive:
        return first.astimezone(UTC)
    # In a gap fold=1 lands before the jump and fold=0 after it: bisect to the jump.
    before = int(naive.replace(tzinfo=zone, fold=1).timestamp())
    after = int(first.timestamp())
    offset_after = first.astimezone(UTC).astimezone(zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def _resolve(day: _Day, at: time, zone: ZoneInfo, now: datetime) -> datetime | None:
    today = now.astimezone(zone).date()
    chosen = moment = None
    for chosen in day.candidates(today):
        moment = _localize(datetime.combine(chosen, at), zone)
        if moment > now:
            break
    if day.weekday is not None and chosen is not None and chosen.weekday() != day.weekday:
        return None
    return moment


def _utc_now(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


# --- public --------------------------------------------------------------------------------


def parse_when(text: str, *, tz: str, now: datetime) -> datetime:
    """A moment typed by a person, read in the zone `tz` relative to `now`, as aware UTC."""
    zone, now = ZoneInfo(tz), _utc_now(now)
    clean = _normalize(text)
    if len(clean) <= _MAX_LENGTH:
        for day, rest in _splits(clean):
            at = _time_of_day(rest, dated=day is not None)
            if at is None:
                continue
            moment = _resolve(day or _NEXT_OCCURRENCE, at, zone, now)
            if moment is not None:
                return moment
    raise BadTime(text)


_UNITS = {
    **dict.fromkeys(["m", "min", "mins", "minuto", "minutos", "minute", "minutes"], "minutes"),
    **dict.fromkeys(["h", "hs", "hr", "hrs", "hora", "horas", "hour", "hours"], "hours"),
    **dict.fromkeys(["d", "dia", "dias", "day", "days"], "days"),
    **dict.fromkeys(["w", "semana", "semanas", "week", "weeks"], "weeks"),
}
_DURATION_PART = re.compile(
    rf"(?:(?:y|e|and)\s+)?(?P<n>\d{{1,6}})\s*(?P<unit>{_alternation(_UNITS)})(?![a-z])\s*"
)
_DURATION_LEAD = re.compile(r"^(?:(?:en|em|in|dentro de|within)\s+)?")
_TRAILING_MINUTES = re.compile(r"(?P<n>[0-5]\d)$")  # the 30 of 1h30


def parse_duration(text: str) -> timedelta:
    """`48h`, `90 min`, `2 días`, `1 semana`, `1h30` → timedelta (0 < d ≤ 365 days)."""
    clean = _normalize(text)
    clean = _DURATION_LEAD.sub("", clean, count=1)
    total, unit, position = timedelta(0), None, 0
    while m := _DURATION_PART.match(clean, position):
        unit = _UNITS[m["unit"]]
        total += timedelta(**{unit: int(m["n"])})
        position = m.end()
    if unit == "hours" and (m := _TRAILING_MINUTES.match(clean, position)):
        total += timedelta(minutes=int(m["n"]))
        position = m.end()
    if unit is None or position != len(clean) or not timedelta(0) < total <= MAX_DURATION:
        raise BadTime(text)
    return total


def parse_deadline(text: str, *, tz: str, now: datetime) -> datetime:
    """A duration from `now` (`48h`, `3 días`) or else a moment (`viernes 18:00`), aware UTC."""
    try:
        return _utc_now(now) + parse_duration(text)
    except BadTime:
        return parse_when(text, tz=tz, now=now)
