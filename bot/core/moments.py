"""How every feature shows a moment: one way, through Babel, in the reader's language and the
group's time zone.

`moment()` is the weekday, the day, the month and the 24-hour time — `sáb, 5 dic, 10:00`,
`sáb., 5 de dez. 10:00`, `Sat, Dec 5, 10:00` — with the year when it is not this year's, and,
where a relative hint helps (a vote's deadline, a commitment's due date), `(dentro de 3 días)`.
The hint is a Telegram date-time entity (`<tg-time format="r">`): clients keep it current
("in 2 days" tomorrow), and show the text written here where they cannot. `day()` is the date
alone; `zone()` names a time zone by its city (`hora de Buenos Aires`).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.i18n import Translator
from bot.core.records import frozen

# the Babel locale of each language: Latin American Spanish, Brazilian Portuguese. Babel itself
# (its date formatting and locale data) is imported by the first moment shown, not at start:
# an idle bot shows none (half a MiB)
LOCALES = {"es": "es_419", "pt_BR": "pt_BR", "en": "en"}


def _locale(tr: Translator) -> str:
    return LOCALES.get(tr.lang, "es_419")


def _local(at: datetime, timezone: str) -> datetime:
    return at.astimezone(ZoneInfo(timezone))


def day(tr: Translator, at: datetime, timezone: str, now: datetime) -> str:
    """The date of `at` in the group's zone: `sáb, 5 dic`, or `sáb, 5 dic 2027` in another
    year than `now`'s."""
    local = _local(at, timezone)
    this_year = local.year == _local(now, timezone).year
    return _date(_locale(tr), local.date(), this_year)


@functools.lru_cache(maxsize=4096)
def _date(locale: str, on: date, this_year: bool) -> str:
    # a digest shows hundreds of moments, mostly on a few days: Babel takes a third of a
    # millisecond for each
    from babel.dates import format_skeleton  # on first use (see LOCALES)

    at = datetime(on.year, on.month, on.day)
    return format_skeleton("MMMEd" if this_year else "yMMMEd", at, locale=locale)


@functools.cache
def _date_time_pattern(locale: str) -> str:
    from babel import Locale  # on first use (see LOCALES)

    return Locale.parse(locale).datetime_formats["medium"]  # "{1}, {0}": the date, the time


def moment(
    tr: Translator, at: datetime, timezone: str, now: datetime, *, relative: bool = False
) -> str:
    """`at` as people read it, in the group's zone (see the module's docstring). HTML: the
    relative hint is an entity."""
    local = _local(at, timezone)
    text = (
        _date_time_pattern(_locale(tr))
        .replace("{1}", day(tr, at, timezone, now))
        .replace("{0}", local.strftime("%H:%M"))
    )
    if relative:
        text += f" ({hint(tr, at, timezone, now)})"
    return text


def hint(tr: Translator, at: datetime, timezone: str, now: datetime) -> str:
    """How far `at` is from `now`, as a date-time entity that clients keep current: `dentro de
    3 días` (whole days between the two dates), `dentro de 5 horas`, `hace 2 días`."""
    locale = _locale(tr)
    days = (_local(at, timezone).date() - _local(now, timezone).date()).days
    if days:
        delta, granularity, threshold = timedelta(days=days), "day", 1000.0
    else:
        delta, granularity, threshold = at - now, "minute", 0.85
    from babel.dates import format_timedelta  # on first use (see LOCALES)

    words = format_timedelta(
        delta, granularity=granularity, threshold=threshold, add_direction=True, locale=locale
    )
    return f'<tg-time unix="{int(at.timestamp())}" format="r">{words}</tg-time>'


def zone(tr: Translator, timezone: str) -> str:
    """A time zone by its city, in the reader's language: `hora de Buenos Aires`."""
    from babel.dates import get_timezone_location  # on first use (see LOCALES)

    city = get_timezone_location(ZoneInfo(timezone), locale=_locale(tr), return_city=True)
    return tr.gettext("{city} time", city=city)


@frozen
class Local:
    """A group's here and now — its time zone and the present moment: all that showing a
    moment needs (`turn.local` in a handler, `Local(group.timezone, tick.now)` in due work)."""

    timezone: str
    now: datetime

    def moment(self, tr: Translator, at: datetime, *, relative: bool = False) -> str:
        return moment(tr, at, self.timezone, self.now, relative=relative)

    def day(self, tr: Translator, at: datetime) -> str:
        return day(tr, at, self.timezone, self.now)

    def zone(self, tr: Translator) -> str:
        return zone(tr, self.timezone)
