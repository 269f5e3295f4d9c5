"""Time phrases as people type them. Expected values are worked out by hand from a calendar:

December 2026: Wed 2 (now, 14:00 in Bogotá = 19:00 UTC), Thu 3, Fri 4, Sat 5, Sun 6, Mon 7,
Tue 8, Wed 9, Tue 15, Thu 24, Thu 31. 1 January 2027 is a Friday. Bogotá is UTC-5 all year.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.core.timeparse import BadTime, parse_deadline, parse_duration, parse_when

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
    ("18h", (2026, 12, 2, 18, 0)),  # as a moment; parse_deadline reads it as 18 hours
    ("19h30", (2026, 12, 2, 19, 30)),
    ("20 horas", (2026, 12, 2, 20, 0)),
    ("30/11", (2027, 11, 30, 9, 0)),  # 30 November 2026 is gone
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
    "esta noche",
    "mañana mañana",
    "el 15",
    "las cinco",
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


@pytest.mark.parametrize(
    "text", ["next friday 7pm", "el próximo viernes 19:00", "próxima sexta 19h", "this friday 7pm"]
)
def test_next_weekday_means_the_coming_one(text: str) -> None:
    assert when(text) == when("viernes 19:00") == local(2026, 12, 4, 19, 0)


def test_a_date_without_year_is_the_next_one_not_in_the_past() -> None:
    assert when("15/01") == local(2027, 1, 15, 9, 0)  # January, typed in December
    assert when("15 de enero 10:00") == local(2027, 1, 15, 10, 0)
    assert when("02/12 16:00") == local(2026, 12, 2, 16, 0)  # today, ahead
    assert when("02/12 10:00") == local(2027, 12, 2, 10, 0)  # today, gone: next year
    assert when("01/12") == local(2027, 12, 1, 9, 0)  # yesterday: next year
    assert when("29/02") == local(2028, 2, 29, 9, 0)  # next leap day
    assert when("29/02/2028 10:00") == local(2028, 2, 29, 10, 0)


def test_a_leap_day_may_be_eight_years_away() -> None:
    # 2100 is not a leap year: after 29 February 2096 the next one is in 2104
    march_2096 = datetime(2096, 3, 1, tzinfo=UTC)
    assert when("29/02", march_2096, "UTC") == datetime(2104, 2, 29, 9, 0, tzinfo=UTC)


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
        "tres dias",
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
    # a bare "18h" is a duration; said as a time of day it is a moment
    assert deadline("18h") == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
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
