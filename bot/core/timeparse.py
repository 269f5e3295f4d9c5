"""Moments and durations as people type them, in Spanish, Brazilian Portuguese and English.

Pure functions: no I/O, no clock (the caller passes `now`). Input is read case- and
accent-insensitively (`sábado` = `SABADO`, `às` = `as`, `p. m.` = `pm`). The words are in
`bot.core.timewords`, the grammar's pieces (what a phrase says) in `bot.core.timegrammar`;
which instant a reading is (the zone, `now`, daylight saving, doubts) is decided here.
Refusals are `BadTime`; its kinds `UnsureTime` (two readings, to ask) and `FarAhead` say
more. A command turns them into its sentences with `refusing`.

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
    must then be right);
    a day of the month alone after ``el``/``del``/``o``/``dia``/``the``, or with an English
    ordinal: ``el 15``, ``dia 20``, ``o dia 3``, ``the 15th``, ``15th``.
Time
    ``18:00``, ``18.30``, ``18h``, ``18hs``, ``18 hs``, ``19h30``, ``18 horas``, ``7pm``,
    ``7:30 p. m.``, ``10am``, ``10 de la mañana``, ``3 de la tarde``, ``8 de la noche``,
    ``9 da manhã``, ``3 da tarde``, ``8 da noite``, ``7 in the evening``, ``mediodía``,
    ``meio-dia``, ``noon``; an hour with its minutes in words: ``5 y media``, ``7 e meia``,
    ``5 y cuarto``, ``7 e quinze``. A bare hour (``9``) counts only after a day, after
    ``a las``/``às``/``at`` or with its minutes in words (a lone number is too easily
    something else). A part of the day alone (``a la tarde``, ``por la noche``,
    ``de manhã``, ``à noite``, ``in the evening``; after a day also ``morning``, ``night``)
    is 09:00 in the morning, 15:00 in the afternoon, 20:00 in the evening or at night;
    ``esta noche``/``hoje à noite``/``tonight``/``this afternoon`` are today's.

Rules
    - Times are local to the given IANA zone; the result is always an aware UTC datetime.
    - No day: today if the time is still ahead of `now`, else tomorrow.
    - An hour said bare (no minutes in figures, no ``h``, no part of the day) from 1 to 7 is
      the afternoon or evening (``a las 5`` = 17:00), as a group's plans are; 8 to 11 is the
      morning, 12 noon, 0 and 13 to 23 as said. Written as a clock (``5:00``, ``5h``,
      ``05hs``) it is as written.
    - A weekday: its next occurrence; today counts only if the time is still ahead.
      ``next friday``/``el próximo viernes``/``próxima sexta`` mean exactly the same as the
      plain weekday (people use them for "the coming one", not "the one after").
    - A day of the month alone: the next such day, this month if still ahead.
    - A date without a year: the first such date whose moment is still ahead (so ``15/01``
      typed in December is next January). More than 335 days (about 11 months) ahead it is
      refused with `FarAhead`, whose example writes the year (``29/02`` typed in 2026 is
      29/02/2028, which is rarely what was meant).
    - A day without a time means 09:00 local on that day (`parse_deadline` may say another).
    - An explicit day (``hoy 08:00``, ``15/12/2020``) is returned as read even if it is in the
      past: it was read correctly, and the caller decides what a past moment means.
    - Day first, as in Latin America: ``05/12`` is 5 December; month-first is never read.
      ``15.12`` is a time (15:12), like ``18.30``; a dotted date needs its year.
    - Parts of the day: mañana/manhã/morning 1-12 (12 is noon), madrugada 1-6 (and 12 = 0),
      tarde/afternoon 1-12 (→ 13-23, 12 is noon), noche/noite/evening/night 5-11 (→ 17-23).
      ``12am`` is 00:00 and ``12pm`` 12:00.
    - A local time that does not exist (clocks jump forward) becomes the first valid instant
      after the jump; an ambiguous one (clocks go back) is the first of the two (``fold=0``).
    - Not guessed: two readings raise `UnsureTime` with both, in time order, for the caller
      to ask. A bare hour 1-7 with no day whose evening has passed today (``a las 5`` typed at
      19:00: tomorrow 05:00 or 17:00?), and ``mañana``/``amanhã``/``tomorrow`` typed before
      05:00 (people up late mean the coming day: today, or tomorrow?) when both are ahead.

A *duration* (`parse_duration`) is one or more ``<number> <unit>`` parts, optionally after
``en``/``em``/``in``/``within``/``dentro de``/``daqui a``: ``48h``, ``90 min``, ``2 días``,
``1 semana``, ``2 weeks``, ``1h30``, ``1 hora y 30 minutos``; the number in figures or in
words from one to twelve (``una semana``, ``dos días``, ``três horas``, ``a week``), a part
may end in a half (``una hora y media``, ``uma hora e meia``, ``an hour and a half``), and
``media hora``/``meia hora``/``half an hour`` are 30 minutes. It must be above zero and at
most 365 days.

A *deadline* (`parse_deadline`) is a duration from now or a moment, and also a span of days:
``fin de mes``/``fim do mês``/``end of the month`` (its last day) and ``esta semana``/
``la semana que viene``/``semana que vem``/``next week`` (that week's Friday), at 18:00 unless
a time is said. ``18h``, ``18 hs``, ``19h30`` (an hour of 0-23 written as a clock) are times
of day there too; a duration needs a unit word (``18 horas``, ``2 días``), a number above 23
(``48h``) or a lead word (``en 2h``, ``in 5h``).

Deliberately not read: month-first dates, hours in words (``las cinco``), ``medianoche``
(which day is meant is unclear), fractions in figures (``1,5 horas``), anything else left
over in the text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.timegrammar import At, Day, duration, readings, time_of_day
from bot.core.timewords import normalize

DEFAULT_TIME = time(9, 0)  # a day typed without a time
SPAN_TIME = time(18, 0)  # a span of days as a deadline: its last working day, at the day's end
EARLY = time(5, 0)  # before this, `mañana` may mean later today
# the moments chosen for texts that read two ways, while a kept command runs again
_ANSWERS: ContextVar[Mapping[str, datetime] | None] = ContextVar("time_answers", default=None)
MAX_AHEAD_DAYS = 335  # a date without its year further ahead than this is refused

FAR_AHEAD = N_(
    "“{value}” is more than 11 months away. If that is the date you mean, write its year, "
    "like this: {example}"
)


class BadTime(ValueError):
    """The text is not a moment or duration we can read; args[0] is the text."""


class UnsureTime(BadTime):
    """The text reads as two moments and which one is meant is not clear: `candidates`, aware
    UTC, in time order, to offer as a question."""

    def __init__(self, text: str, candidates: tuple[datetime, ...]) -> None:
        super().__init__(text)
        self.candidates = candidates


class FarAhead(BadTime):
    """A date without its year that reads more than 11 months ahead: `moment` is that
    reading, `example` the date with its year (`29/02/2028`)."""

    def __init__(self, text: str, moment: datetime, example: str) -> None:
        super().__init__(text)
        self.moment = moment
        self.example = example


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


def _on(day: date, at: time, zone: ZoneInfo) -> datetime:
    return _localize(datetime.combine(day, at), zone)


def _resolve(day: Day | None, at: At, zone: ZoneInfo, now: datetime, text: str) -> datetime | None:
    local_now = now.astimezone(zone)
    today, tomorrow = local_now.date(), local_now.date() + timedelta(days=1)
    if day is None:
        if (moment := _on(today, at.time, zone)) > now:
            return moment
        if at.said is not None:  # `a las 5` at 19:00
            raise UnsureTime(text, (_on(tomorrow, at.said, zone), _on(tomorrow, at.time, zone)))
        return _on(tomorrow, at.time, zone)
    if day.early_doubt and local_now.time() < EARLY and (moment := _on(today, at.time, zone)) > now:
        raise UnsureTime(text, (moment, _on(tomorrow, at.time, zone)))
    chosen = moment = None
    for chosen in day.candidates(today):
        moment = _on(chosen, at.time, zone)
        if moment > now:
            break
    assert chosen is not None and moment is not None
    if day.weekday is not None and chosen.weekday() != day.weekday:
        return None
    if day.yearless and (chosen - today).days > MAX_AHEAD_DAYS:
        raise FarAhead(text, moment, f"{chosen:%d/%m/%Y}")
    return moment


def _moment(text: str, clean: str, tz: str, now: datetime, day_time: time, spans: bool) -> datetime:
    if (answers := _ANSWERS.get()) and (chosen := answers.get(text)) is not None:
        return chosen  # asked, and answered
    zone, now = ZoneInfo(tz), _utc_now(now)
    for day, said in readings(clean):
        if day is not None and day.span and not spans:
            continue
        at = said or At(SPAN_TIME if day and day.span else day_time)
        if (moment := _resolve(day, at, zone, now, text)) is not None:
            return moment
    raise BadTime(text)


def _utc_now(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(UTC)


# --- public --------------------------------------------------------------------------------


def parse_when(text: str, *, tz: str, now: datetime) -> datetime:
    """A moment typed by a person, read in the zone `tz` relative to `now`, as aware UTC.
    Raises BadTime, or its kinds UnsureTime (two readings) and FarAhead (a yearless date
    more than 11 months ahead)."""
    return _moment(text, normalize(text), tz, now, DEFAULT_TIME, spans=False)


def parse_duration(text: str) -> timedelta:
    """`48h`, `90 min`, `2 días`, `una semana`, `1h30` → timedelta (0 < d ≤ 365 days)."""
    found = duration(normalize(text))
    if found is None:
        raise BadTime(text)
    return found[0]


def parse_deadline(text: str, *, tz: str, now: datetime, day_time: time = DEFAULT_TIME) -> datetime:
    """A duration from `now` (`48h`, `3 días`), or a moment (`viernes 18:00`, `18hs`) or a span
    of days (`fin de mes`), aware UTC. A day without a time is at `day_time`."""
    clean = normalize(text)
    found = duration(clean)
    if found is not None and not found[1]:
        return _utc_now(now) + found[0]
    return _moment(text, clean, tz, now, day_time, spans=True)


def parse_time_of_day(text: str) -> time:
    """A time of day alone, as a moment's time is read after a day (`19:00`, `19hs`, `7pm`,
    `a las 7` = 19:00): for what repeats, like a weekly meeting. Raises BadTime."""
    found = time_of_day(normalize(text), dated=True)
    if found is None:
        raise BadTime(text)
    return found.time


def local_instant(day: date, at: time, tz: str) -> datetime:
    """`at` on `day` in the zone `tz`, aware UTC (a time skipped by the clocks: the first
    instant after the jump; one that happens twice: the first)."""
    return _on(day, at, ZoneInfo(tz))


def reads_as_time(text: str) -> bool:
    """Whether `text` is written as a moment, a span of days or a duration, whatever `now` is:
    how a command tells an option word (`cierra viernes 18:00`) from an ordinary one."""
    clean = normalize(text)
    return duration(clean) is not None or any(True for _ in readings(clean))


@contextmanager
def answered(answers: Mapping[str, datetime]) -> Iterator[None]:
    """Inside: a text its sender was asked about (an `UnsureTime`) reads as the moment they
    chose, whatever `now` is by then (`bot.core.questions`)."""
    token = _ANSWERS.set(answers)
    try:
        yield
    finally:
        _ANSWERS.reset(token)


@contextmanager
def refusing(typed: str, sentence: str, /, **kwargs: object) -> Iterator[None]:
    """A command reading `typed` as a time: a BadTime raised inside becomes
    DomainError(sentence, **kwargs); a FarAhead, DomainError(FAR_AHEAD, value=typed, example=
    the date with its year); an UnsureTime goes through as it is, to be asked."""
    try:
        yield
    except UnsureTime:
        raise
    except FarAhead as exc:
        raise DomainError(FAR_AHEAD, value=typed, example=exc.example) from exc
    except BadTime as exc:
        raise DomainError(sentence, **kwargs) from exc
