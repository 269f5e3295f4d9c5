"""Moments and durations as people type them, in Spanish, Brazilian Portuguese and English.

Pure functions: no I/O, no clock (the caller passes `now`), stdlib only. Input is read
case- and accent-insensitively (`sábado` = `SABADO`, `às` = `as`, `p.m.` = `pm`). The words
are in `bot.core.timewords`, the grammar's pieces in `bot.core.timegrammar`; which instant a
reading is (the zone, `now`, daylight saving) is decided here.

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

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.timegrammar import (
    DEFAULT_TIME,
    MAX_DURATION,
    MAX_LENGTH,
    NEXT_OCCURRENCE,
    Day,
    duration,
    splits,
    time_of_day,
)
from bot.core.timewords import normalize

__all__ = [
    "DEFAULT_TIME",
    "MAX_DURATION",
    "BadTime",
    "parse_deadline",
    "parse_duration",
    "parse_when",
]


class BadTime(ValueError):
    """The text is not a moment or duration we can read; args[0] is the text."""


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


def _resolve(day: Day, at: time, zone: ZoneInfo, now: datetime) -> datetime | None:
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
    clean = normalize(text)
    if len(clean) <= MAX_LENGTH:
        for day, rest in splits(clean):
            at = time_of_day(rest, dated=day is not None)
            if at is None:
                continue
            moment = _resolve(day or NEXT_OCCURRENCE, at, zone, now)
            if moment is not None:
                return moment
    raise BadTime(text)


def parse_duration(text: str) -> timedelta:
    """`48h`, `90 min`, `2 días`, `1 semana`, `1h30` → timedelta (0 < d ≤ 365 days)."""
    found = duration(normalize(text))
    if found is None:
        raise BadTime(text)
    return found


def parse_deadline(text: str, *, tz: str, now: datetime) -> datetime:
    """A duration from `now` (`48h`, `3 días`) or else a moment (`viernes 18:00`), aware UTC."""
    try:
        return _utc_now(now) + parse_duration(text)
    except BadTime:
        return parse_when(text, tz=tz, now=now)
