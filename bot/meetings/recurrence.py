"""Recurring meetings as people type them, and their dates: plain values, no I/O.

`/meeting weekly thursday 19:00 | Title @ place` and its kinds, in es / pt / en words:

    weekly|semanal <weekday> <time>
    biweekly|quincenal|quinzenal <weekday> <time>          (every other week)
    monthly|mensual|mensal <first|second|third|fourth|last> <weekday> <time>
    monthly|mensual|mensal <day 1-28> <time>

The time is read as a moment's time after a day (`19:00`, `19hs`, `7pm`). A day of the month
above 28 is refused (some months have no 31st): `last <weekday>` says the end of the month.
Occurrences are computed in the group's local time (`zoneinfo`), so `19:00` stays 19:00
across daylight saving changes; they are returned as aware UTC instants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.core import timeparse
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.core.timewords import WEEKDAYS, normalize


class Kind(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_NTH = "monthly_nth"  # the first / … / last weekday of each month
    MONTHLY_DAY = "monthly_day"  # a day of the month, 1-28


KIND_WORDS = {
    **dict.fromkeys(["weekly", "semanal", "semanalmente"], Kind.WEEKLY),
    **dict.fromkeys(["biweekly", "fortnightly", "quincenal", "quinzenal"], Kind.BIWEEKLY),
    **dict.fromkeys(["monthly", "mensual", "mensal", "mensualmente"], Kind.MONTHLY_NTH),
}
LAST = -1
ORDINALS = {
    **dict.fromkeys(["first", "1st", "primer", "primero", "primera", "primeiro", "primeira"], 1),
    **dict.fromkeys(["second", "2nd", "segundo", "segunda"], 2),
    **dict.fromkeys(["third", "3rd", "tercer", "tercero", "tercera", "terceiro", "terceira"], 3),
    **dict.fromkeys(["fourth", "4th", "cuarto", "cuarta", "quarto", "quarta"], 4),
    **dict.fromkeys(["last", "ultimo", "ultima"], LAST),
}
# little words people put before the day: `el primer sábado`, `on thursdays`, `o dia 15`
FILLERS = {"el", "la", "los", "las", "o", "a", "os", "as", "the", "on", "every", "cada", "todos"}
DAY_WORDS = {"dia", "day", "el", "o", "the", "on"}
_DAY_NUMBER = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|o|ro|er)?$")
MAX_DAY = 28  # every month has it
LOOK_AHEAD_MONTHS = 14

EXAMPLE = N_("/meeting weekly thursday 19:00 | Asamblea barrial @ Club Social")
MONTHLY_EXAMPLE = N_("/meeting monthly first saturday 10:00 | Asamblea barrial")
LAST_EXAMPLE = N_("/meeting monthly last friday 19:00 | Asamblea barrial")
UNREADABLE = N_("I could not read when it repeats. Write it like one of these: {example} · {other}")


@frozen
class Rule:
    kind: Kind
    at: time  # local time of day
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None  # 1-4, or LAST
    day: int | None = None  # day of the month, 1-28


@frozen
class Request:
    rule: Rule
    title: str
    place: str | None


def _weekday(word: str) -> int | None:
    if word in WEEKDAYS:
        return WEEKDAYS[word]
    if word.endswith("s") and word[:-1] in WEEKDAYS:  # `thursdays`, `sábados`
        return WEEKDAYS[word[:-1]]
    return None


def looks_recurring(text: str) -> bool:
    """Whether `/meeting <text>` asks for a series: a repetition word, then a weekday, an
    ordinal, a day number or a little word (so `Mensual de finanzas | jueves 19:00` stays a
    date poll titled "Mensual de finanzas")."""
    words = normalize(text.split("|", 1)[0]).split()
    if not words or words[0] not in KIND_WORDS:
        return False
    if len(words) == 1:
        return True
    second = words[1]
    return (
        _weekday(second) is not None
        or second in ORDINALS
        or second in FILLERS | DAY_WORDS
        or second[:1].isdigit()  # `weekly 19:00`: the weekday forgotten, to be said so
    )


def _refuse() -> DomainError:
    return DomainError(UNREADABLE, example=EXAMPLE, other=MONTHLY_EXAMPLE)


def parse_rule(text: str) -> Rule:
    """`weekly thursday 19:00`, `quincenal jueves 19hs`, `mensal primeiro sábado 10h`,
    `monthly 15 19:00` → Rule. DomainError (one sentence and an example) otherwise."""
    words = normalize(text).split()
    if not words or words[0] not in KIND_WORDS:
        raise _refuse()
    kind, rest = KIND_WORDS[words[0]], words[1:]
    while rest and rest[0] in FILLERS:
        rest = rest[1:]
    weekday: int | None = None
    nth: int | None = None
    day: int | None = None
    if kind is Kind.MONTHLY_NTH:
        if rest and rest[0] in ORDINALS and len(rest) > 1 and _weekday(rest[1]) is not None:
            nth, weekday, rest = ORDINALS[rest[0]], _weekday(rest[1]), rest[2:]
        else:
            while rest and rest[0] in DAY_WORDS:
                rest = rest[1:]
            number = _DAY_NUMBER.match(rest[0]) if rest else None
            if number is None or len(rest) < 2:
                raise _refuse()
            day, rest = int(number[1]), rest[1:]
            if len(rest) > 1 and _weekday(rest[0]) is not None and 1 <= day <= 4:
                nth, weekday, day, rest = day, _weekday(rest[0]), None, rest[1:]  # `1st saturday`
            elif not 1 <= day <= 31:
                raise _refuse()
            elif day > MAX_DAY:
                raise DomainError(
                    N_(
                        "Not every month has a day {day}: choose a day up to 28, or the last "
                        "weekday of the month, like this: {example}"
                    ),
                    day=day,
                    example=LAST_EXAMPLE,
                )
            else:
                kind = Kind.MONTHLY_DAY
    else:
        weekday = _weekday(rest[0]) if rest else None
        if weekday is None:
            raise _refuse()
        rest = rest[1:]
    while rest and rest[0] in {"de", "del", "do", "of", "the", "cada", "mes", "month", "each"}:
        rest = rest[1:]  # `primer sábado del mes`, `first saturday of the month`
    if not rest:
        raise _refuse()
    try:
        at = timeparse.parse_time_of_day(" ".join(rest))
    except timeparse.BadTime as exc:
        raise _refuse() from exc
    return Rule(kind, at, weekday=weekday, nth=nth, day=day)


def parse_request(text: str, *, max_title: int, max_place: int) -> Request:
    """`weekly thursday 19:00 | Title @ place` → Request."""
    when, _, rest = text.partition("|")
    rule = parse_rule(when)
    title, _, place = rest.partition("@")
    title, place = title.strip(), place.strip()
    if not title:
        raise DomainError(
            N_("Write the meeting's title after |, like this: {example}"), example=EXAMPLE
        )
    if len(title) > max_title:
        raise DomainError(N_("The title is too long: at most {limit} characters."), limit=max_title)
    if len(place) > max_place:
        raise DomainError(
            N_("The place “{place}” is too long: at most {limit} characters."),
            place=place[:40] + "…",
            limit=max_place,
        )
    return Request(rule, title, place or None)


# --- dates ---------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == LAST:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _days(rule: Rule, start: date, anchor: date | None) -> Iterator[date]:
    """The rule's local dates from `start` on, in order."""
    if rule.kind in (Kind.WEEKLY, Kind.BIWEEKLY):
        assert rule.weekday is not None
        day = start + timedelta(days=(rule.weekday - start.weekday()) % 7)
        if rule.kind is Kind.BIWEEKLY and anchor is not None and (day - anchor).days % 14:
            day += timedelta(days=7)
        step = timedelta(days=7 if rule.kind is Kind.WEEKLY else 14)
        while True:
            yield day
            day += step
    year, month = start.year, start.month
    for _ in range(LOOK_AHEAD_MONTHS):
        if rule.kind is Kind.MONTHLY_DAY:
            assert rule.day is not None
            day = date(year, month, rule.day)
        else:
            assert rule.weekday is not None and rule.nth is not None
            day = _nth_weekday(year, month, rule.weekday, rule.nth)
        if day >= start:
            yield day
        year, month = year + month // 12, month % 12 + 1


def next_after(rule: Rule, after: datetime, tz: str, anchor: date | None = None) -> datetime:
    """The first occurrence strictly after `after` (aware), as aware UTC. `anchor`: a local
    date of the series (every other week counts from it)."""
    local = after.astimezone(ZoneInfo(tz))
    for day in _days(rule, local.date(), anchor):
        moment = timeparse.local_instant(day, rule.at, tz)
        if moment > after:
            return moment
    raise AssertionError("a rule always has a date within a year")  # pragma: no cover


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()
