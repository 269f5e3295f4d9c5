"""Time phrases as people type them. Expected values are worked out by hand from a calendar:

December 2026: Wed 2 (now, 14:00 in Bogotá = 19:00 UTC), Thu 3, Fri 4, Sat 5, Sun 6, Mon 7,
Tue 8, Wed 9, Tue 15, Thu 24, Thu 31. 1 January 2027 is a Friday. Bogotá is UTC-5 all year.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import DomainError
from bot.core.timeparse import (
    FAR_AHEAD,
    BadTime,
    FarAhead,
    UnsureTime,
    parse_deadline,
    parse_duration,
    parse_when,
    reads_as_time,
    refusing,
)

BOGOTA = "America/Bogota"  # UTC-5, no daylight saving
MADRID = "Europe/Madrid"  # CET/CEST: jumps 02:00→03:00 on 28 March 2027, back 03:00→02:00 on 31 Oct
SAO_PAULO = "America/Sao_Paulo"  # had DST until 2019: 00:00→01:00 on 4 Nov 2018, back 16 Feb 2019
SANTIAGO = "America/Santiago"  # UTC-3 in summer, UTC-4 from 5 Apr 2026 to 6 Sep 2026 (at 00:00)
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=ZoneInfo(BOGOTA))  # a Wednesday afternoon


def local(y: int, mo: int, d: int, h: int = 9, mi: int = 0, tz: str = BOGOTA) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def when(text: str, now: datetime = NOW, tz: str = BOGOTA) -> datetime:
    return parse_when(text, tz=tz, now=now)


SPANISH = [
    ("viernes 18:00", (2026, 12, 4, 18, 0)),
    ("VIERNES 18:00", (2026, 12, 4, 18, 0)),
    ("jueves 19:00", (2026, 12, 3, 19, 0)),
    ("sábado 10hs", (2026, 12, 5, 10, 0)),
    ("sabado 10 hs", (2026, 12, 5, 10, 0)),
    ("mañana 18hs", (2026, 12, 3, 18, 0)),
    ("Mañana 18:00 hs", (2026, 12, 3, 18, 0)),
    ("pasado mañana 9", (2026, 12, 4, 9, 0)),
    ("hoy 20:30", (2026, 12, 2, 20, 30)),
    ("15/12 10:00", (2026, 12, 15, 10, 0)),
    ("15/12/2026 10:00", (2026, 12, 15, 10, 0)),
    ("15/12/26 10:00", (2026, 12, 15, 10, 0)),
    ("15-12 10h", (2026, 12, 15, 10, 0)),
    ("2026-12-15 10:00", (2026, 12, 15, 10, 0)),
    ("15 de diciembre 10:00", (2026, 12, 15, 10, 0)),
    ("el 15 de diciembre a las 10", (2026, 12, 15, 10, 0)),
    ("15 dic. 10:00", (2026, 12, 15, 10, 0)),
    ("el viernes a las 18", (2026, 12, 4, 18, 0)),
    ("a las 18 el viernes", (2026, 12, 4, 18, 0)),
    ("el próximo viernes 18:00", (2026, 12, 4, 18, 0)),
    ("miércoles 16:00", (2026, 12, 2, 16, 0)),  # today, still ahead
    ("miércoles 10:00", (2026, 12, 9, 10, 0)),  # today's is gone: next week
    ("miercoles", (2026, 12, 9, 9, 0)),  # 09:00 today is gone
    ("lunes 7:30", (2026, 12, 7, 7, 30)),
    ("domingo a las 11", (2026, 12, 6, 11, 0)),
    ("martes 20hs", (2026, 12, 8, 20, 0)),
    ("sábado 5/12 10hs", (2026, 12, 5, 10, 0)),
    ("19:00", (2026, 12, 2, 19, 0)),
    ("a las 16", (2026, 12, 2, 16, 0)),
    ("mediodía", (2026, 12, 3, 12, 0)),  # noon today has passed
    ("18.30", (2026, 12, 2, 18, 30)),
    ("7 pm", (2026, 12, 2, 19, 0)),
    ("10 de la mañana", (2026, 12, 3, 10, 0)),
    ("8 de la noche", (2026, 12, 2, 20, 0)),
    ("3 de la tarde", (2026, 12, 2, 15, 0)),
    ("6 de la madrugada", (2026, 12, 3, 6, 0)),
    ("mañana", (2026, 12, 3, 9, 0)),
    ("24/12 21:00", (2026, 12, 24, 21, 0)),
    ("31/12 23:59", (2026, 12, 31, 23, 59)),
    ("1/1 0:00", (2027, 1, 1, 0, 0)),
    ("mañana 10 de la mañana", (2026, 12, 3, 10, 0)),
    ("vie 18:00", (2026, 12, 4, 18, 0)),
    ("sáb 10hs.", (2026, 12, 5, 10, 0)),
    ("viernes, 18:00", (2026, 12, 4, 18, 0)),
    ("El viernes a las 18:00.", (2026, 12, 4, 18, 0)),  # a sentence's full stop
    ("mañana 10", (2026, 12, 3, 10, 0)),
    ("15/12 18:30", (2026, 12, 15, 18, 30)),
    ("23:59", (2026, 12, 2, 23, 59)),
    ("18h", (2026, 12, 2, 18, 0)),  # a time of day, in parse_deadline too
    ("19h30", (2026, 12, 2, 19, 30)),
    ("20 horas", (2026, 12, 2, 20, 0)),
]
PORTUGUESE = [
    ("sexta 19h", (2026, 12, 4, 19, 0)),
    ("sexta-feira 19:30", (2026, 12, 4, 19, 30)),
    ("Sexta feira 19h", (2026, 12, 4, 19, 0)),
    ("amanhã 18h", (2026, 12, 3, 18, 0)),
    ("depois de amanhã 8h", (2026, 12, 4, 8, 0)),
    ("hoje 21h", (2026, 12, 2, 21, 0)),
    ("sábado às 10h", (2026, 12, 5, 10, 0)),
    ("domingo 9 da manhã", (2026, 12, 6, 9, 0)),
    ("15 de dezembro às 10h", (2026, 12, 15, 10, 0)),
    ("meio-dia", (2026, 12, 3, 12, 0)),
    ("3 da tarde", (2026, 12, 2, 15, 0)),
    ("8 da noite", (2026, 12, 2, 20, 0)),
    ("próxima sexta 19h", (2026, 12, 4, 19, 0)),
    ("na quinta às 18h30", (2026, 12, 3, 18, 30)),
    ("quarta 15h", (2026, 12, 2, 15, 0)),
    ("segunda-feira 8h", (2026, 12, 7, 8, 0)),
    ("terça 19h30", (2026, 12, 8, 19, 30)),
    ("dia 20/12 às 9h", (2026, 12, 20, 9, 0)),
    ("às 16h", (2026, 12, 2, 16, 0)),
    ("1º de janeiro", (2027, 1, 1, 9, 0)),
    ("qui 19h", (2026, 12, 3, 19, 0)),
    ("dom 8h", (2026, 12, 6, 8, 0)),
]
ENGLISH = [
    ("next friday 7pm", (2026, 12, 4, 19, 0)),
    ("friday 7:30 pm", (2026, 12, 4, 19, 30)),
    ("Friday 7:30 P.M.", (2026, 12, 4, 19, 30)),
    ("tomorrow 18:00", (2026, 12, 3, 18, 0)),
    ("today 8pm", (2026, 12, 2, 20, 0)),
    ("Dec 15 10am", (2026, 12, 15, 10, 0)),
    ("15th dec 10:00", (2026, 12, 15, 10, 0)),
    ("15th of December 10am", (2026, 12, 15, 10, 0)),
    ("December 24, 2026 6 PM", (2026, 12, 24, 18, 0)),
    ("noon", (2026, 12, 3, 12, 0)),
    ("at 4pm", (2026, 12, 2, 16, 0)),
    ("7pm on friday", (2026, 12, 4, 19, 0)),
    ("saturday 10 in the morning", (2026, 12, 5, 10, 0)),
    ("12am", (2026, 12, 3, 0, 0)),  # midnight tonight
    ("12 pm", (2026, 12, 3, 12, 0)),
    ("day after tomorrow 9am", (2026, 12, 4, 9, 0)),
    ("jan 15", (2027, 1, 15, 9, 0)),
    ("wed 13:00", (2026, 12, 9, 13, 0)),
    ("7 p.m.", (2026, 12, 2, 19, 0)),
    ("1pm", (2026, 12, 3, 13, 0)),  # 13:00 today is gone
    ("friday 1am", (2026, 12, 4, 1, 0)),
]


@pytest.mark.parametrize(("text", "expected"), SPANISH + PORTUGUESE + ENGLISH)
def test_phrases_people_type(text: str, expected: tuple[int, int, int, int, int]) -> None:
    assert when(text) == local(*expected)


def test_the_table_is_big_enough() -> None:
    assert len(SPANISH + PORTUGUESE + ENGLISH) >= 60


# the edges of each part of the day, on Friday 4 December 2026
PARTS_OF_THE_DAY = [
    ("viernes 1 de la mañana", 1, 0),
    ("viernes 12 de la mañana", 12, 0),  # noon, as people say it
    ("viernes 1 de la madrugada", 1, 0),
    ("viernes 12 de la madrugada", 0, 0),
    ("viernes 1 de la tarde", 13, 0),
    ("viernes 12 de la tarde", 12, 0),
    ("viernes 5 de la noche", 17, 0),
    ("viernes 11 de la noche", 23, 0),
    ("sexta 6 da manhã", 6, 0),
    ("sexta 4 da madrugada", 4, 0),
    ("sexta 11 da noite", 23, 0),
    ("friday 1 pm", 13, 0),
    ("friday 11pm", 23, 0),
    ("friday 11:59 pm", 23, 59),
    ("friday 12am", 0, 0),
    ("friday 12pm", 12, 0),
    ("friday 1 in the afternoon", 13, 0),
    ("friday 5 in the evening", 17, 0),
    ("friday 11 at night", 23, 0),
]


@pytest.mark.parametrize(("text", "hour", "minute"), PARTS_OF_THE_DAY)
def test_parts_of_the_day_at_their_edges(text: str, hour: int, minute: int) -> None:
    assert when(text) == local(2026, 12, 4, hour, minute)


BAD_MOMENTS = [
    "",
    "   ",
    "25:00",
    "24:00",
    "31/02",
    "31/02 10:00",
    "32/12",
    "15/13",
    "2026-02-30",
    "viernes 18:99",
    "18:5",
    "18:60",
    "31/04",  # April has 30 days
    "31/11 10:00",
    "29/02/2027",  # not a leap year
    "31/12/1899",
    "01/01/3000",
    "18",  # a lone number is not a time
    "48h",  # a duration is not a moment
    "hola",
    "viernes 18:00 en la plaza",  # nothing may be left over
    "viernes y sábado 18h",
    "13pm",
    "0am",
    "13 de la mañana",
    "3 de la noche",
    "viernes 0 de la mañana",
    "viernes 0 de la madrugada",
    "viernes 7 de la madrugada",
    "viernes 13 de la madrugada",
    "viernes 0 de la tarde",
    "viernes 13 de la tarde",
    "viernes 4 de la noche",
    "viernes 12 de la noche",
    "sexta 13 da tarde",
    "domingo 5/12",  # 5 December 2026 is a Saturday
    "12/31",  # month first is never read
    "medianoche",
    "mañana mañana",
    "las cinco",
    "el 32",
    "dia 0",
    "fin de mes",  # a span of days is a deadline, not a moment
    "la semana que viene",
    "morning",  # a bare part of the day only after a day
    "mañana tarde",
    "a las 5:30 y media",
    "viernes " + "1" * 200,
]


@pytest.mark.parametrize("text", BAD_MOMENTS)
def test_unreadable_moments_raise_bad_time_with_the_text(text: str) -> None:
    with pytest.raises(BadTime) as caught:
        when(text)
    assert caught.value.args[0] == text
    assert isinstance(caught.value, ValueError)


# --- the rules ------------------------------------------------------------------------------


def test_a_time_alone_is_today_if_still_ahead_else_tomorrow() -> None:
    assert when("14:01") == local(2026, 12, 2, 14, 1)
    assert when("14:00") == local(2026, 12, 3, 14, 0)  # exactly now is not ahead
    assert when("13:59") == local(2026, 12, 3, 13, 59)
    assert when("0:00") == local(2026, 12, 3, 0, 0)


def test_a_weekday_is_its_next_occurrence_and_today_only_if_ahead() -> None:
    friday_5pm = datetime(2026, 12, 4, 17, 0, tzinfo=ZoneInfo(BOGOTA))
    assert when("viernes 18:00", friday_5pm) == local(2026, 12, 4, 18, 0)
    assert when("viernes 16:00", friday_5pm) == local(2026, 12, 11, 16, 0)
    assert when("viernes", friday_5pm) == local(2026, 12, 11, 9, 0)
    assert when("sábado", friday_5pm) == local(2026, 12, 5, 9, 0)
    assert when("jueves 18:00", friday_5pm) == local(2026, 12, 10, 18, 0)
    assert when("viernes 17:00", friday_5pm) == local(2026, 12, 11, 17, 0)  # now is not ahead


@pytest.mark.parametrize(
    "text", ["next friday 7pm", "el próximo viernes 19:00", "próxima sexta 19h", "this friday 7pm"]
)
def test_next_weekday_means_the_coming_one(text: str) -> None:
    assert when(text) == when("viernes 19:00") == local(2026, 12, 4, 19, 0)


def test_a_date_without_year_is_the_next_one_not_in_the_past() -> None:
    assert when("15/01") == local(2027, 1, 15, 9, 0)  # January, typed in December
    assert when("15 de enero 10:00") == local(2027, 1, 15, 10, 0)
    assert when("02/12 16:00") == local(2026, 12, 2, 16, 0)  # today, ahead
    assert when("01/11") == local(2027, 11, 1, 9, 0)  # 334 days ahead: still read
    assert when("02/11") == local(2027, 11, 2, 9, 0)  # 335 days: the last one read
    with pytest.raises(FarAhead):
        when("03/11")  # 336 days
    assert when("29/02/2028 10:00") == local(2028, 2, 29, 10, 0)
    assert when("02/12/2027 10:00") == local(2027, 12, 2, 10, 0)  # its year written


def test_a_leap_day_may_be_eight_years_away() -> None:
    # 2100 is not a leap year: after 29 February 2096 the next one is in 2104 (too far to read
    # without its year, but that is the reading the refusal names)
    march_2096 = datetime(2096, 3, 1, tzinfo=UTC)
    with pytest.raises(FarAhead) as caught:
        when("29/02", march_2096, "UTC")
    assert caught.value.moment == datetime(2104, 2, 29, 9, 0, tzinfo=UTC)
    assert caught.value.example == "29/02/2104"


def test_new_year_at_midnight_east_of_greenwich() -> None:
    assert when("1/1 0:00", NOW, "Europe/Berlin") == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)


def test_years_are_read_from_1900_to_2999() -> None:
    assert when("01/01/1900 10:00", tz="UTC") == datetime(1900, 1, 1, 10, 0, tzinfo=UTC)
    assert when("31/12/2999 23:59", tz="UTC") == datetime(2999, 12, 31, 23, 59, tzinfo=UTC)
    assert when("15/12/99", tz="UTC") == datetime(2099, 12, 15, 9, 0, tzinfo=UTC)  # two digits


def test_a_date_without_time_is_nine_in_the_morning() -> None:
    assert when("24/12") == local(2026, 12, 24, 9, 0)
    assert when("sexta") == local(2026, 12, 4, 9, 0)
    assert when("tomorrow") == local(2026, 12, 3, 9, 0)


def test_an_explicit_day_in_the_past_is_returned_as_read() -> None:
    assert when("hoy 08:00") == local(2026, 12, 2, 8, 0)
    assert when("01/12/2026 10:00") == local(2026, 12, 1, 10, 0)


def test_now_may_be_in_any_zone() -> None:
    same_now = NOW.astimezone(ZoneInfo("Asia/Tokyo"))  # already Thursday 04:00 there
    assert when("jueves 19:00", same_now) == local(2026, 12, 3, 19, 0)
    assert when("19:00", NOW.astimezone(UTC)) == local(2026, 12, 2, 19, 0)


def test_the_zone_decides_which_day_today_is() -> None:
    late = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 21:00 Wed in Bogotá, 03:00 Thu in Madrid
    assert when("hoy 22:00", late, BOGOTA) == local(2026, 12, 2, 22, 0)
    assert when("hoy 22:00", late, MADRID) == local(2026, 12, 3, 22, 0, tz=MADRID)
    assert when("viernes 18:00", NOW, BOGOTA) == datetime(2026, 12, 4, 23, 0, tzinfo=UTC)


class _Floating(tzinfo):
    """A zone that does not know its offset: such a datetime is naive to Python."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None


@pytest.mark.parametrize(
    "now", [datetime(2026, 12, 2, 14, 0), datetime(2026, 12, 2, 14, 0, tzinfo=_Floating())]
)
def test_a_naive_now_is_a_programming_error(now: datetime) -> None:
    with pytest.raises(ValueError, match=r"^now must be an aware datetime$") as caught:
        parse_when("19:00", tz=BOGOTA, now=now)
    assert not isinstance(caught.value, BadTime)


def test_at_most_eighty_characters_are_read() -> None:
    eighty = "el " * 21 + "sábado 26/12 9:00"
    assert len(eighty) == 80
    assert when(eighty) == local(2026, 12, 26, 9, 0)
    with pytest.raises(BadTime):
        when("el " * 21 + "sábado 26/12 09:00")  # 81


@pytest.mark.parametrize(
    "text",
    ["viernes 18:00", "19:00", "15/01", "48h", "mañana", "2026-12-15 10:00", "sábado às 10h"],
)
def test_results_are_always_aware_utc(text: str) -> None:
    for result in (
        parse_deadline(text, tz=BOGOTA, now=NOW),
        parse_deadline(text, tz=MADRID, now=NOW),
    ):
        assert result.tzinfo is UTC


# --- daylight saving ------------------------------------------------------------------------


def test_a_time_that_does_not_exist_moves_to_the_first_valid_instant() -> None:
    saturday = datetime(2027, 3, 27, 12, 0, tzinfo=ZoneInfo(MADRID))
    # 02:00-02:59 never happens on 28 March 2027: the clock shows 03:00 CEST (01:00 UTC)
    assert when("mañana 2:30", saturday, MADRID) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert when("28/03/2027 02:00", saturday, MADRID) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert when("28/03/2027 03:00", saturday, MADRID) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert when("28/03/2027 01:59", saturday, MADRID) == datetime(2027, 3, 28, 0, 59, tzinfo=UTC)
    assert when("28/03/2027 03:30", saturday, MADRID) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_an_ambiguous_time_is_the_first_of_the_two() -> None:
    saturday = datetime(2027, 10, 30, 12, 0, tzinfo=ZoneInfo(MADRID))
    # 02:30 happens twice on 31 October 2027; the first is still CEST (UTC+2)
    assert when("domingo 2:30", saturday, MADRID) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert when("domingo 3:30", saturday, MADRID) == datetime(2027, 10, 31, 2, 30, tzinfo=UTC)


def test_brazil_used_to_skip_midnight() -> None:
    saturday = datetime(2018, 11, 3, 12, 0, tzinfo=ZoneInfo(SAO_PAULO))
    # 4 Nov 2018 began at 01:00 (UTC-2): 00:30 does not exist
    assert when("domingo 0:30", saturday, SAO_PAULO) == datetime(2018, 11, 4, 3, 0, tzinfo=UTC)
    assert when("domingo", saturday, SAO_PAULO) == datetime(2018, 11, 4, 11, 0, tzinfo=UTC)
    # 23:00-23:59 on 16 Feb 2019 happened twice; the first was still UTC-2
    assert when("16/02/2019 23:30", saturday, SAO_PAULO) == datetime(2019, 2, 17, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("at", ["0:00", "0:01", "0:15", "0:30", "0:45", "0:59"])
def test_chile_skips_midnight_in_september(at: str) -> None:
    saturday = datetime(2026, 9, 5, 12, 0, tzinfo=ZoneInfo(SANTIAGO))
    # 6 Sep 2026 begins at 01:00 (UTC-3): every minute of the lost hour becomes 04:00 UTC
    assert when(f"domingo {at}", saturday, SANTIAGO) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_chile_around_its_clock_changes() -> None:
    saturday = datetime(2026, 9, 5, 12, 0, tzinfo=ZoneInfo(SANTIAGO))
    assert when("sábado 23:59", saturday, SANTIAGO) == datetime(2026, 9, 6, 3, 59, tzinfo=UTC)
    assert when("domingo 1:00", saturday, SANTIAGO) == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    # 23:00-23:59 on Saturday 4 April 2026 happens twice; the first is still UTC-3
    april = datetime(2026, 4, 4, 12, 0, tzinfo=ZoneInfo(SANTIAGO))
    assert when("hoy 23:30", april, SANTIAGO) == datetime(2026, 4, 5, 2, 30, tzinfo=UTC)
    assert when("domingo 0:30", april, SANTIAGO) == datetime(2026, 4, 5, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "january", "july"),
    [
        (BOGOTA, 15, 15),  # UTC-5 all year
        (SANTIAGO, 13, 14),  # summer time in January
        (SAO_PAULO, 13, 13),  # no daylight saving since 2019
    ],
)
def test_the_same_wall_clock_in_zones_with_and_without_daylight_saving(
    tz: str, january: int, july: int
) -> None:
    assert when("15/01 10:00", tz=tz) == datetime(2027, 1, 15, january, 0, tzinfo=UTC)
    assert when("15/07 10:00", tz=tz) == datetime(2027, 7, 15, july, 0, tzinfo=UTC)


def test_today_if_ahead_across_a_gap() -> None:
    just_after_midnight = datetime(2027, 3, 28, 0, 0, tzinfo=UTC)  # 01:00 CET in Madrid
    assert when("2:30", just_after_midnight, MADRID) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)


# --- durations and deadlines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("48h", timedelta(hours=48)),
        ("48 h", timedelta(hours=48)),
        ("48hs", timedelta(hours=48)),
        ("3d", timedelta(days=3)),
        ("90m", timedelta(minutes=90)),
        ("90 min", timedelta(minutes=90)),
        ("2 días", timedelta(days=2)),
        ("2 dias", timedelta(days=2)),
        ("1 semana", timedelta(weeks=1)),
        ("2 weeks", timedelta(days=14)),
        ("1h30", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1 hora y 30 minutos", timedelta(minutes=90)),
        ("36 horas", timedelta(hours=36)),
        ("3 hours", timedelta(hours=3)),
        ("en 2 días", timedelta(days=2)),
        ("em 3 dias", timedelta(days=3)),
        ("in 2 weeks", timedelta(days=14)),
        ("dentro de 2 horas", timedelta(hours=2)),
        ("en 2 horas", timedelta(hours=2)),
        ("1h59", timedelta(minutes=119)),
        ("365d", timedelta(days=365)),
        ("52 semanas", timedelta(days=364)),
        ("1 Día", timedelta(days=1)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0h",
        "0 dias",
        "-3d",
        "366 días",
        "53 weeks",
        "1.5h",
        "1,5 horas",
        "h",
        "3",
        "3 años",
        "trece dias",  # number words go up to twelve
        "3d extra",
        "1h5",
        "1h60",
        "9999999999d",
        "viernes 18:00",
    ],
)
def test_bad_durations(text: str) -> None:
    with pytest.raises(BadTime) as caught:
        parse_duration(text)
    assert caught.value.args[0] == text


def test_a_deadline_is_a_duration_from_now_or_a_moment() -> None:
    def deadline(text: str) -> datetime:
        return parse_deadline(text, tz=BOGOTA, now=NOW)

    assert deadline("48h") == datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    assert deadline("en 2 días") == datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    assert deadline("viernes 18:00") == local(2026, 12, 4, 18, 0)
    assert deadline("15/12") == local(2026, 12, 15, 9, 0)
    # an hour of 0-23 written as a clock is a time of day; with a unit word, a duration
    assert deadline("18h") == local(2026, 12, 2, 18, 0)
    assert deadline("18 horas") == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    assert deadline("às 18h") == local(2026, 12, 2, 18, 0)
    assert deadline("hoy 18h") == local(2026, 12, 2, 18, 0)
    with pytest.raises(BadTime) as caught:
        deadline("pronto")
    assert caught.value.args[0] == "pronto"


def test_a_whole_day_skipped_moves_to_the_next_day() -> None:
    # Samoa skipped 30 December 2011: 10:00 that day became 00:00 on the 31st (UTC+14)
    assert when("30/12/2011 10:00", datetime(2011, 12, 1, tzinfo=UTC), "Pacific/Apia") == (
        datetime(2011, 12, 30, 10, 0, tzinfo=UTC)
    )


def test_jumbled_words_only_ever_raise_bad_time() -> None:
    words = [
        "viernes",
        "sexta",
        "mañana",
        "amanhã",
        "de",
        "la",
        "da",
        "manhã",
        "noche",
        "18",
        "18:00",
        "25:99",
        "10hs",
        "7pm",
        "12am",
        "0",
        "31/02",
        "29/02",
        "15/12",
        "2026-02-29",
        "2999-12-31",
        "dic",
        "15th",
        "of",
        "el",
        "a",
        "las",
        "às",
        "next",
        "hoy",
        "1h30",
        "48h",
        "0h",
        "9999",
        "23:59",
        ".",
        "-",
        "/",
        "meio-dia",
        "13",
        "1º",
        "15.12.2026",
        "99/99/99",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        zone = rng.choice([BOGOTA, MADRID, SAO_PAULO, "Pacific/Kiritimati", "Pacific/Apia"])
        now = datetime(rng.choice([2011, 2018, 2026, 2999]), 12, rng.randint(1, 31), tzinfo=UTC)
        try:
            result = parse_deadline(text, tz=zone, now=now)
        except BadTime:
            continue
        assert result.tzinfo is UTC


# --- issue 16: the forms Latin American groups type -----------------------------------------
# Each row: what is typed, the moment it is typed (local, in the zone of the row), and the
# moment meant, in UTC, worked out by hand. Offsets in December 2026: Bogotá UTC-5, São Paulo
# and Buenos Aires UTC-3, Mexico City UTC-6 (no daylight saving since 2022). Santiago is UTC-4
# until Sunday 6 September 2026, when 00:00 becomes 01:00 (UTC-3); it goes back to UTC-4 on
# Sunday 5 April 2026 and 4 April 2027.

BUENOS_AIRES = "America/Argentina/Buenos_Aires"
MEXICO = "America/Mexico_City"


def at(tz: str, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    """A moment typed, as a local wall clock in `tz`."""
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz))


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


BOG_WED = at(BOGOTA, 2026, 12, 2, 14)  # Wednesday 2 December 2026, 14:00, as NOW
SP_WED = at(SAO_PAULO, 2026, 12, 2, 14)
BA_WED = at(BUENOS_AIRES, 2026, 12, 2, 14)
MX_WED = at(MEXICO, 2026, 12, 2, 14)
SCL_FRI = at(SANTIAGO, 2026, 9, 4, 14)  # Friday 4 September 2026, two days before the jump

# `18hs`, `18h`, `20 hs`, `19h30` are times of day in a deadline; a duration says its unit,
# is above 23 hours, or is led by en/em/in/dentro de/daqui a
CLOCK_TIMES_IN_DEADLINES = [
    ("18hs", BOG_WED, BOGOTA, utc(2026, 12, 2, 23)),
    ("18h", SP_WED, SAO_PAULO, utc(2026, 12, 2, 21)),
    ("20 hs", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 23)),
    ("19h30", SP_WED, SAO_PAULO, utc(2026, 12, 2, 22, 30)),
    ("18:00", MX_WED, MEXICO, utc(2026, 12, 3, 0)),
    ("10hs", BA_WED, BUENOS_AIRES, utc(2026, 12, 3, 13)),  # 10:00 is gone: tomorrow
    ("sábado 10hs", BA_WED, BUENOS_AIRES, utc(2026, 12, 5, 13)),
    ("5h", SP_WED, SAO_PAULO, utc(2026, 12, 3, 8)),  # written as a clock: 05:00
    ("23h", BOG_WED, BOGOTA, utc(2026, 12, 3, 4)),  # 23:00, the last hour of a clock
    ("media hora", BOG_WED, BOGOTA, utc(2026, 12, 2, 19, 30)),
    ("1h30", BOG_WED, BOGOTA, utc(2026, 12, 3, 6, 30)),  # 01:30 tomorrow
    ("48h", BOG_WED, BOGOTA, utc(2026, 12, 4, 19)),
    ("24h", SP_WED, SAO_PAULO, utc(2026, 12, 3, 17)),
    ("18 horas", BOG_WED, BOGOTA, utc(2026, 12, 3, 13)),
    ("1h30m", BOG_WED, BOGOTA, utc(2026, 12, 2, 20, 30)),  # the m of minutes: 90 minutes
    ("en 2h", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 19)),
    ("in 5h", MX_WED, MEXICO, utc(2026, 12, 3, 1)),
    ("em 3h", SP_WED, SAO_PAULO, utc(2026, 12, 2, 20)),
    ("dentro de 2 horas", BOG_WED, BOGOTA, utc(2026, 12, 2, 21)),
    ("daqui a 2 dias", SP_WED, SAO_PAULO, utc(2026, 12, 4, 17)),
    ("sábado 23h", SCL_FRI, SANTIAGO, utc(2026, 9, 6, 3)),  # UTC-4
    ("domingo 10hs", SCL_FRI, SANTIAGO, utc(2026, 9, 6, 13)),  # UTC-3 after the jump
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), CLOCK_TIMES_IN_DEADLINES)
def test_clock_times_and_durations_in_deadlines(text, now, tz, expected) -> None:
    assert parse_deadline(text, tz=tz, now=now) == expected


# a bare hour: 1-7 is the afternoon or evening, 8-11 the morning, 12 noon
BARE_HOURS = [
    ("a las 5", BOG_WED, BOGOTA, utc(2026, 12, 2, 22)),
    ("às 5", SP_WED, SAO_PAULO, utc(2026, 12, 2, 20)),
    ("at 5", MX_WED, MEXICO, utc(2026, 12, 2, 23)),
    ("a las 7", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 22)),
    ("a las 8", SP_WED, SAO_PAULO, utc(2026, 12, 3, 11)),
    ("a las 11", MX_WED, MEXICO, utc(2026, 12, 3, 17)),
    ("a las 12", BOG_WED, BOGOTA, utc(2026, 12, 3, 17)),
    ("viernes 7", BOG_WED, BOGOTA, utc(2026, 12, 5, 0)),
    ("sexta às 6", SP_WED, SAO_PAULO, utc(2026, 12, 4, 21)),
    ("friday at 3", MX_WED, MEXICO, utc(2026, 12, 4, 21)),
    ("el viernes a las 5 y media", BA_WED, BUENOS_AIRES, utc(2026, 12, 4, 20, 30)),
    ("a las 5 y media de la tarde", BOG_WED, BOGOTA, utc(2026, 12, 2, 22, 30)),
    ("às 7 e meia", SP_WED, SAO_PAULO, utc(2026, 12, 2, 22, 30)),
    ("a las 6 y cuarto", BOG_WED, BOGOTA, utc(2026, 12, 2, 23, 15)),
    ("às 4 e quinze", SP_WED, SAO_PAULO, utc(2026, 12, 2, 19, 15)),
    ("5 y media", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 20, 30)),  # minutes in words: a time
    ("a las 5 de la mañana", BOG_WED, BOGOTA, utc(2026, 12, 3, 10)),  # the part of the day said
    ("at 5 am", MX_WED, MEXICO, utc(2026, 12, 3, 11)),
    ("a las 5:00", BOG_WED, BOGOTA, utc(2026, 12, 3, 10)),  # written as a clock
    ("a las 0", BOG_WED, BOGOTA, utc(2026, 12, 3, 5)),
    ("domingo a las 5", SCL_FRI, SANTIAGO, utc(2026, 9, 6, 20)),
    ("sábado a las 7", SCL_FRI, SANTIAGO, utc(2026, 9, 5, 23)),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), BARE_HOURS)
def test_a_bare_hour_from_1_to_7_is_the_afternoon_or_evening(text, now, tz, expected) -> None:
    assert parse_when(text, tz=tz, now=now) == expected


AM_PM_WITH_SPACES = [
    ("7 p. m.", BOG_WED, BOGOTA, utc(2026, 12, 3, 0)),
    ("7:30 p. m.", MX_WED, MEXICO, utc(2026, 12, 3, 1, 30)),
    ("10 a. m.", SP_WED, SAO_PAULO, utc(2026, 12, 3, 13)),
    ("viernes 8 p.m.", BA_WED, BUENOS_AIRES, utc(2026, 12, 4, 23)),
    ("sexta 9 a. m.", SP_WED, SAO_PAULO, utc(2026, 12, 4, 12)),
    ("at 6 P. M.", MX_WED, MEXICO, utc(2026, 12, 3, 0)),
    ("11 a m", BOG_WED, BOGOTA, utc(2026, 12, 3, 16)),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), AM_PM_WITH_SPACES)
def test_am_and_pm_with_dots_and_spaces(text, now, tz, expected) -> None:
    assert parse_when(text, tz=tz, now=now) == expected


DAYS_OF_THE_MONTH = [
    ("el 15", BOG_WED, BOGOTA, utc(2026, 12, 15, 14)),
    ("dia 20", SP_WED, SAO_PAULO, utc(2026, 12, 20, 12)),
    ("el 15 a las 18", BA_WED, BUENOS_AIRES, utc(2026, 12, 15, 21)),
    ("a las 10 el 15", MX_WED, MEXICO, utc(2026, 12, 15, 16)),
    ("o dia 3 às 19h", SP_WED, SAO_PAULO, utc(2026, 12, 3, 22)),
    ("no dia 4", SP_WED, SAO_PAULO, utc(2026, 12, 4, 12)),
    ("el día 5", BOG_WED, BOGOTA, utc(2026, 12, 5, 14)),
    ("the 15th", MX_WED, MEXICO, utc(2026, 12, 15, 15)),
    ("on the 1st at 10am", BOG_WED, BOGOTA, utc(2027, 1, 1, 15)),
    ("3rd 9pm", BOG_WED, BOGOTA, utc(2026, 12, 4, 2)),
    ("el 2 a las 18", BOG_WED, BOGOTA, utc(2026, 12, 2, 23)),  # today, still ahead
    ("el 2", BOG_WED, BOGOTA, utc(2027, 1, 2, 14)),  # today's 09:00 is gone: next month
    ("el 31", BA_WED, BUENOS_AIRES, utc(2026, 12, 31, 12)),
    ("el 30", at(SANTIAGO, 2027, 2, 10, 12), SANTIAGO, utc(2027, 3, 30, 12)),  # no 30 February
    ("el 31", at(SANTIAGO, 2026, 4, 30, 12), SANTIAGO, utc(2026, 5, 31, 13)),  # UTC-4 in May
    ("el 31 a las 8", at(BOGOTA, 2027, 1, 31, 9), BOGOTA, utc(2027, 3, 31, 13)),  # two months
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), DAYS_OF_THE_MONTH)
def test_a_day_of_the_month_alone_is_the_next_one(text, now, tz, expected) -> None:
    assert parse_when(text, tz=tz, now=now) == expected


# a part of the day without an hour: morning 09:00, afternoon 15:00, evening and night 20:00
PARTS_OF_THE_DAY_ALONE = [
    ("mañana a la tarde", BOG_WED, BOGOTA, utc(2026, 12, 3, 20)),
    ("mañana por la mañana", MX_WED, MEXICO, utc(2026, 12, 3, 15)),
    ("mañana en la noche", MX_WED, MEXICO, utc(2026, 12, 4, 2)),
    ("amanhã de manhã", SP_WED, SAO_PAULO, utc(2026, 12, 3, 12)),
    ("amanhã à noite", SP_WED, SAO_PAULO, utc(2026, 12, 3, 23)),
    ("amanhã pela manhã", SP_WED, SAO_PAULO, utc(2026, 12, 3, 12)),
    ("el viernes a la noche", BA_WED, BUENOS_AIRES, utc(2026, 12, 4, 23)),
    ("el viernes por la noche", BOG_WED, BOGOTA, utc(2026, 12, 5, 1)),
    ("sábado de tarde", SP_WED, SAO_PAULO, utc(2026, 12, 5, 18)),
    ("hoy a la noche", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 23)),
    ("esta noche", MX_WED, MEXICO, utc(2026, 12, 3, 2)),
    ("esta tarde", BOG_WED, BOGOTA, utc(2026, 12, 2, 20)),
    ("hoje à noite", SP_WED, SAO_PAULO, utc(2026, 12, 2, 23)),
    ("esta noite", SP_WED, SAO_PAULO, utc(2026, 12, 2, 23)),
    ("tonight", BOG_WED, BOGOTA, utc(2026, 12, 3, 1)),
    ("this morning", BOG_WED, BOGOTA, utc(2026, 12, 2, 14)),  # today, as read, though gone
    ("tomorrow morning", MX_WED, MEXICO, utc(2026, 12, 3, 15)),
    ("friday night", SP_WED, SAO_PAULO, utc(2026, 12, 4, 23)),
    ("saturday afternoon", BOG_WED, BOGOTA, utc(2026, 12, 5, 20)),
    ("a la tarde", BOG_WED, BOGOTA, utc(2026, 12, 2, 20)),  # no day: today's is still ahead
    ("de noche", BA_WED, BUENOS_AIRES, utc(2026, 12, 2, 23)),
    ("in the morning", MX_WED, MEXICO, utc(2026, 12, 3, 15)),
    ("at night", MX_WED, MEXICO, utc(2026, 12, 3, 2)),
    ("el sábado a la noche", SCL_FRI, SANTIAGO, utc(2026, 9, 6, 0)),  # UTC-4
    ("el domingo a la mañana", SCL_FRI, SANTIAGO, utc(2026, 9, 6, 12)),  # UTC-3
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), PARTS_OF_THE_DAY_ALONE)
def test_a_part_of_the_day_alone_stands_for_an_hour(text, now, tz, expected) -> None:
    assert parse_when(text, tz=tz, now=now) == expected


# spans of days, for deadlines: the month's last day and a week's Friday, at 18:00
SPANS = [
    ("fin de mes", BOG_WED, BOGOTA, utc(2026, 12, 31, 23)),
    ("fim do mês", SP_WED, SAO_PAULO, utc(2026, 12, 31, 21)),
    ("end of the month", MX_WED, MEXICO, utc(2027, 1, 1, 0)),
    ("a fin de mes", BA_WED, BUENOS_AIRES, utc(2026, 12, 31, 21)),
    ("fin de mes a las 12", BOG_WED, BOGOTA, utc(2026, 12, 31, 17)),
    ("fin de mes", at(BOGOTA, 2026, 12, 31, 19), BOGOTA, utc(2027, 1, 31, 23)),  # gone: January's
    ("fin de mes", at(SANTIAGO, 2026, 4, 1, 12), SANTIAGO, utc(2026, 4, 30, 22)),  # UTC-4 by then
    ("la semana que viene", BOG_WED, BOGOTA, utc(2026, 12, 11, 23)),
    ("la próxima semana", BA_WED, BUENOS_AIRES, utc(2026, 12, 11, 21)),
    ("semana que vem", SP_WED, SAO_PAULO, utc(2026, 12, 11, 21)),
    ("na próxima semana", SP_WED, SAO_PAULO, utc(2026, 12, 11, 21)),
    ("next week", MX_WED, MEXICO, utc(2026, 12, 12, 0)),
    ("la semana que viene", at(BOGOTA, 2026, 12, 6, 12), BOGOTA, utc(2026, 12, 11, 23)),  # Sunday
    ("esta semana", BOG_WED, BOGOTA, utc(2026, 12, 4, 23)),
    ("this week", MX_WED, MEXICO, utc(2026, 12, 5, 0)),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), SPANS)
def test_spans_of_days_as_deadlines(text, now, tz, expected) -> None:
    assert parse_deadline(text, tz=tz, now=now) == expected
    assert parse_deadline(text, tz=tz, now=now, day_time=time(23, 59)) == expected
    with pytest.raises(BadTime):
        parse_when(text, tz=tz, now=now)  # a meeting needs a day, not a span


def test_a_deadline_day_without_a_time_is_at_the_day_time_asked() -> None:
    end = time(23, 59)
    assert parse_deadline("viernes", tz=BOGOTA, now=NOW, day_time=end) == utc(2026, 12, 5, 4, 59)
    assert parse_deadline("el 15", tz=BOGOTA, now=NOW, day_time=end) == utc(2026, 12, 16, 4, 59)
    assert parse_deadline("viernes 10:00", tz=BOGOTA, now=NOW, day_time=end) == utc(2026, 12, 4, 15)
    assert parse_deadline("hoy", tz=BOGOTA, now=NOW, day_time=end) == utc(2026, 12, 3, 4, 59)
    assert parse_deadline("viernes", tz=BOGOTA, now=NOW) == utc(2026, 12, 4, 14)


DURATIONS_IN_WORDS = [
    ("una semana", timedelta(weeks=1)),
    ("dos días", timedelta(days=2)),
    ("tres dias", timedelta(days=3)),
    ("três horas", timedelta(hours=3)),
    ("doce horas", timedelta(hours=12)),
    ("um dia", timedelta(days=1)),
    ("duas semanas", timedelta(weeks=2)),
    ("a day", timedelta(days=1)),
    ("in two weeks", timedelta(weeks=2)),
    ("in a week", timedelta(weeks=1)),
    ("dentro de una semana", timedelta(weeks=1)),
    ("daqui a uma semana", timedelta(weeks=1)),
    ("daqui a 2 dias", timedelta(days=2)),
    ("media hora", timedelta(minutes=30)),
    ("meia hora", timedelta(minutes=30)),
    ("half an hour", timedelta(minutes=30)),
    ("en media hora", timedelta(minutes=30)),
    ("una hora y media", timedelta(minutes=90)),
    ("uma hora e meia", timedelta(minutes=90)),
    ("an hour and a half", timedelta(minutes=90)),
    ("2 horas y media", timedelta(minutes=150)),
    ("un día y medio", timedelta(hours=36)),
    ("una hora y 15 minutos", timedelta(minutes=75)),
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS_IN_WORDS)
def test_durations_in_words(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["una", "media", "dos", "a", "y media", "medio día", "una semana extra", "hora y media"]
)
def test_words_that_are_not_a_duration(text: str) -> None:
    with pytest.raises(BadTime):
        parse_duration(text)


# a date without its year more than 11 months ahead is refused, naming the year it would be
FAR_AHEAD_DATES = [
    ("29/02", BOG_WED, BOGOTA, "29/02/2028"),
    ("30/11", BOG_WED, BOGOTA, "30/11/2027"),
    ("01/12", BOG_WED, BOGOTA, "01/12/2027"),  # yesterday
    ("02/12 10:00", BOG_WED, BOGOTA, "02/12/2027"),  # today, gone
    ("15 de noviembre", BA_WED, BUENOS_AIRES, "15/11/2027"),
    ("29 de fevereiro às 10h", SP_WED, SAO_PAULO, "29/02/2028"),
    ("nov 30", MX_WED, MEXICO, "30/11/2027"),
    ("sábado 27/11", BOG_WED, BOGOTA, "27/11/2027"),  # a Saturday in 2027 too
]


@pytest.mark.parametrize(("text", "now", "tz", "example"), FAR_AHEAD_DATES)
def test_a_date_far_ahead_without_its_year_is_refused(text, now, tz, example) -> None:
    for parse in (parse_when, parse_deadline):
        with pytest.raises(FarAhead) as caught:
            parse(text, tz=tz, now=now)
        assert caught.value.args[0] == text
        assert caught.value.example == example
        assert isinstance(caught.value, BadTime)
        written = parse_when(
            f"{example} {caught.value.moment.astimezone(ZoneInfo(tz)):%H:%M}", tz=tz, now=now
        )
        assert caught.value.moment == written  # the moment it would have been


# uncertain readings are not guessed: both are offered, in time order
UNSURE = [
    # a bare hour 1-7 whose evening has passed today
    ("a las 5", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, (utc(2026, 12, 3, 10), utc(2026, 12, 3, 22))),
    (
        "às 5",
        at(SAO_PAULO, 2026, 12, 2, 19),
        SAO_PAULO,
        (utc(2026, 12, 3, 8), utc(2026, 12, 3, 20)),
    ),
    ("at 5", at(MEXICO, 2026, 12, 2, 21), MEXICO, (utc(2026, 12, 3, 11), utc(2026, 12, 3, 23))),
    ("a las 1", BA_WED, BUENOS_AIRES, (utc(2026, 12, 3, 4), utc(2026, 12, 3, 16))),
    (
        "a las 6 y media",
        at(BOGOTA, 2026, 12, 2, 19),
        BOGOTA,
        (utc(2026, 12, 3, 11, 30), utc(2026, 12, 3, 23, 30)),
    ),
    # tomorrow typed in the small hours: the coming day, or the one after?
    (
        "mañana",
        at(BOGOTA, 2026, 12, 3, 1, 30),
        BOGOTA,
        (utc(2026, 12, 3, 14), utc(2026, 12, 4, 14)),
    ),
    (
        "amanhã 18h",
        at(SAO_PAULO, 2026, 12, 3, 2),
        SAO_PAULO,
        (utc(2026, 12, 3, 21), utc(2026, 12, 4, 21)),
    ),
    (
        "tomorrow at 10am",
        at(MEXICO, 2026, 12, 3, 4, 59),
        MEXICO,
        (utc(2026, 12, 3, 16), utc(2026, 12, 4, 16)),
    ),
    (
        "mañana a la tarde",
        at(BUENOS_AIRES, 2026, 12, 3, 0, 0),
        BUENOS_AIRES,
        (utc(2026, 12, 3, 18), utc(2026, 12, 4, 18)),
    ),
    # Saturday 02:00 in Santiago: Saturday 17:00 is UTC-4, Sunday 17:00 already UTC-3
    (
        "mañana a las 5",
        at(SANTIAGO, 2026, 9, 5, 2),
        SANTIAGO,
        (utc(2026, 9, 5, 21), utc(2026, 9, 6, 20)),
    ),
]


@pytest.mark.parametrize(("text", "now", "tz", "candidates"), UNSURE)
def test_uncertain_readings_raise_unsure_time_with_both(text, now, tz, candidates) -> None:
    for parse in (parse_when, parse_deadline):
        with pytest.raises(UnsureTime) as caught:
            parse(text, tz=tz, now=now)
        assert caught.value.candidates == candidates
        assert caught.value.args[0] == text
        assert isinstance(caught.value, BadTime)
        assert all(c.tzinfo is UTC for c in caught.value.candidates)


def test_a_deadline_tomorrow_typed_at_night_asks_with_its_day_time() -> None:
    night = at(BOGOTA, 2026, 12, 3, 1, 30)
    with pytest.raises(UnsureTime) as caught:
        parse_deadline("mañana", tz=BOGOTA, now=night, day_time=time(23, 59))
    assert caught.value.candidates == (utc(2026, 12, 4, 4, 59), utc(2026, 12, 5, 4, 59))


# their neighbours are certain
SURE = [
    ("mañana", at(BOGOTA, 2026, 12, 3, 5), BOGOTA, utc(2026, 12, 4, 14)),  # 05:00 is morning
    ("mañana 02:00", at(BOGOTA, 2026, 12, 3, 3), BOGOTA, utc(2026, 12, 4, 7)),  # today's is gone
    ("mañana 01:30", at(BOGOTA, 2026, 12, 3, 1, 30), BOGOTA, utc(2026, 12, 4, 6, 30)),  # now
    ("pasado mañana", at(BOGOTA, 2026, 12, 3, 1), BOGOTA, utc(2026, 12, 5, 14)),
    ("hoy", at(BOGOTA, 2026, 12, 3, 1), BOGOTA, utc(2026, 12, 3, 14)),
    ("a las 8", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 3, 13)),
    ("a las 5", at(BOGOTA, 2026, 12, 2, 16, 59), BOGOTA, utc(2026, 12, 2, 22)),
    ("a las 5", at(BOGOTA, 2026, 12, 3, 2, 30), BOGOTA, utc(2026, 12, 3, 22)),
    ("hoy a las 5", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 2, 22)),  # as read
    ("mañana a las 5", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 3, 22)),
    ("a las 5:00", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 3, 10)),
    ("a las 17", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 3, 22)),
    ("a las 5 de la tarde", at(BOGOTA, 2026, 12, 2, 19), BOGOTA, utc(2026, 12, 3, 22)),
]


@pytest.mark.parametrize(("text", "now", "tz", "expected"), SURE)
def test_the_neighbours_of_uncertain_readings_are_read(text, now, tz, expected) -> None:
    assert parse_when(text, tz=tz, now=now) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("viernes 18:00", True),
        ("48h", True),
        ("en dos días", True),
        ("fin de mes", True),
        ("el 15", True),
        ("15/12/2020 10:00", True),  # past, but written as a moment
        ("domingo 5/12", True),  # the wrong weekday, but written as a moment
        ("29/02", True),
        ("sábado 10hs", True),
        ("de la asamblea", False),
        ("20 personas", False),
        ("cuando sea", False),
        ("la plaza", False),
        ("", False),
        ("viernes " + "1" * 200, False),
    ],
)
def test_reads_as_time_whatever_now_is(text: str, expected: bool) -> None:
    assert reads_as_time(text) is expected


def test_refusing_turns_a_bad_time_into_the_command_s_sentence() -> None:
    def read(text: str) -> datetime:
        with refusing(text, "can't read {value}", value=text, example="48h"):
            return parse_deadline(text, tz=BOGOTA, now=NOW)

    assert read("48h") == utc(2026, 12, 4, 19)
    with pytest.raises(DomainError) as refused:
        read("pronto")
    assert (refused.value.message, refused.value.kwargs) == (
        "can't read {value}",
        {"value": "pronto", "example": "48h"},
    )
    assert isinstance(refused.value.__cause__, BadTime)
    with pytest.raises(DomainError) as far:
        read("29/02")
    assert (far.value.message, far.value.kwargs) == (
        FAR_AHEAD,
        {"value": "29/02", "example": "29/02/2028"},
    )
    with pytest.raises(UnsureTime), refusing("a las 5", "can't read"):
        parse_when("a las 5", tz=BOGOTA, now=at(BOGOTA, 2026, 12, 2, 19))
