"""Quiet hours as plain values: parsing, and when a due message may go out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.quiet import BadQuietRange, QuietHours, release_time

BOGOTA = "America/Bogota"  # UTC-5, no daylight saving
SANTIAGO = "America/Santiago"  # UTC-3 in the southern summer, UTC-4 in winter
SAO_PAULO = "America/Sao_Paulo"  # UTC-3 all year since 2019


def at(day: int, hour: int, minute: int, second: int = 0, *, month: int = 12) -> datetime:
    """A fixed moment in 2026, in UTC."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("22:00-08:00", 1320, 480),
        ("22-8", 1320, 480),
        ("13:30 a 15:00", 810, 900),
        ("0-6", 0, 360),
        ("22:00-07:30", 1320, 450),
        ("9:05-9:06", 545, 546),
        ("23:00-23:59", 1380, 1439),
        ("00:00-23:59", 0, 1439),
        ("22:59-08:00", 1379, 480),  # the last minute of an hour, on either side
        ("22:00-08:59", 1320, 539),
        ("23:00-08:00", 1380, 480),  # the last hour of the day, on either side
        ("22:00-23:00", 1320, 1380),
        ("8:00-9:00", 480, 540),  # same minutes, different hours
        ("8:00-8:30", 480, 510),  # same hour, different minutes
        ("22:00 – 08:00", 1320, 480),
        ("22 to 8", 1320, 480),
        ("22 TO 8", 1320, 480),
        ("22 até 8", 1320, 480),
        ("22 ATÉ 8", 1320, 480),
        ("22 ate 8", 1320, 480),
        ("22 hasta 8", 1320, 480),
        ("  22:00 - 08:00  ", 1320, 480),
    ],
)
def test_ranges_people_type(text: str, start: int, end: int) -> None:
    assert QuietHours.parse(text) == QuietHours(start, end)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "noche",
        "NOCHE",
        "22:00",
        "1-2-3",
        "22:0-08:00",
        "123-8",
        "22 y 8",
        "24:00-08:00",  # hours past 23
        "25:00-08:00",
        "22:00-24:00",
        "22:60-08:00",  # minutes past 59
        "22:00-08:60",
        "22:00-08:61",
        "8-8",  # an empty range
        "08:00-8",
        "8:30-08:30",
    ],
)
def test_bad_ranges_are_refused_with_what_was_typed(text: str) -> None:
    with pytest.raises(BadQuietRange) as refused:
        QuietHours.parse(text)
    assert refused.value.args == (text,)


# --- stored values and labels -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, None),
        (None, 480, None),
        (1320, None, None),
        (1320, 480, QuietHours(1320, 480)),
        (0, 360, QuietHours(0, 360)),  # midnight is a time, not a missing one
    ],
)
def test_quiet_hours_of_stored_columns(
    start: int | None, end: int | None, expected: QuietHours | None
) -> None:
    assert QuietHours.of(start, end) == expected


@pytest.mark.parametrize(
    ("quiet", "label"),
    [
        (QuietHours(1320, 480), "22:00-08:00"),
        (QuietHours(1320, 450), "22:00-07:30"),
        (QuietHours(780, 900), "13:00-15:00"),
        (QuietHours(545, 546), "09:05-09:06"),
        (QuietHours(5, 605), "00:05-10:05"),
        (QuietHours(0, 1439), "00:00-23:59"),
    ],
)
def test_labels(quiet: QuietHours, label: str) -> None:
    assert quiet.label() == label
    assert QuietHours.parse(label) == quiet


# --- which minutes are quiet --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minute", "quiet"),
    [
        # a daytime range, 13:00-15:00
        ("13:00-15:00", 779, False),
        ("13:00-15:00", 780, True),
        ("13:00-15:00", 781, True),
        ("13:00-15:00", 899, True),
        ("13:00-15:00", 900, False),
        ("13:00-15:00", 901, False),
        ("13:00-15:00", 0, False),
        # a range crossing midnight, 22:00-07:30
        ("22:00-07:30", 1319, False),
        ("22:00-07:30", 1320, True),
        ("22:00-07:30", 1439, True),
        ("22:00-07:30", 0, True),
        ("22:00-07:30", 449, True),
        ("22:00-07:30", 450, False),
        ("22:00-07:30", 451, False),
        ("22:00-07:30", 720, False),
        # from midnight, and to midnight
        ("0-6", 0, True),
        ("0-6", 359, True),
        ("0-6", 360, False),
        ("0-6", 1439, False),
        ("22-0", 1319, False),
        ("22-0", 1320, True),
        ("22-0", 1439, True),
        ("22-0", 0, False),
    ],
)
def test_which_minutes_are_quiet(text: str, minute: int, quiet: bool) -> None:
    assert QuietHours.parse(text).contains(minute) is quiet


# --- when a due message goes out ------------------------------------------------------------


RELEASES = [
    # (range, time zone, due, goes out); comments give the group's local time
    # crossing midnight, in Bogotá (UTC-5)
    ("22:00-08:00", BOGOTA, at(1, 4, 0), at(1, 13, 0)),  # 23:00 30 Nov → 08:00 next morning
    ("22:00-08:00", BOGOTA, at(1, 7, 30), at(1, 13, 0)),  # 02:30 → 08:00 the same morning
    ("22:00-08:00", BOGOTA, at(1, 15, 0), at(1, 15, 0)),  # 10:00: at once
    ("22:00-07:30", BOGOTA, at(2, 2, 59), at(2, 2, 59)),  # 21:59: at once
    ("22:00-07:30", BOGOTA, at(2, 3, 0), at(2, 12, 30)),  # 22:00 exactly: waits until 07:30
    ("22:00-07:30", BOGOTA, at(2, 3, 1), at(2, 12, 30)),  # 22:01
    ("22:00-07:30", BOGOTA, at(2, 4, 59), at(2, 12, 30)),  # 23:59
    ("22:00-07:30", BOGOTA, at(2, 5, 0), at(2, 12, 30)),  # 00:00
    ("22:00-07:30", BOGOTA, at(2, 12, 29), at(2, 12, 30)),  # 07:29: waits a minute
    ("22:00-07:30", BOGOTA, at(2, 12, 29, 59), at(2, 12, 30)),  # 07:29:59
    ("22:00-07:30", BOGOTA, at(2, 12, 30), at(2, 12, 30)),  # 07:30 exactly: at once
    ("22:00-07:30", BOGOTA, at(2, 12, 30, 30), at(2, 12, 30, 30)),  # 07:30:30: at once
    ("22:00-07:30", BOGOTA, at(2, 12, 31), at(2, 12, 31)),  # 07:31
    # a daytime range, in Bogotá
    ("13:00-15:00", BOGOTA, at(1, 17, 59), at(1, 17, 59)),  # 12:59: at once
    ("13:00-15:00", BOGOTA, at(1, 18, 0), at(1, 20, 0)),  # 13:00 exactly: waits until 15:00
    ("13:00-15:00", BOGOTA, at(1, 18, 0, 30), at(1, 20, 0)),  # 13:00:30
    ("13:00-15:00", BOGOTA, at(1, 18, 30), at(1, 20, 0)),  # 13:30
    ("13:00-15:00", BOGOTA, at(1, 19, 59), at(1, 20, 0)),  # 14:59
    ("13:00-15:00", BOGOTA, at(1, 20, 0), at(1, 20, 0)),  # 15:00 exactly: at once
    ("13:00-15:00", BOGOTA, at(1, 20, 0, 30), at(1, 20, 0, 30)),  # 15:00:30: at once
    ("13:00-15:00", BOGOTA, at(1, 20, 1), at(1, 20, 1)),  # 15:01
    ("13:30-15:45", BOGOTA, at(1, 18, 29), at(1, 18, 29)),  # 13:29: at once
    ("13:30-15:45", BOGOTA, at(1, 18, 30), at(1, 20, 45)),  # 13:30 → 15:45
    ("13:30-15:45", BOGOTA, at(1, 20, 44), at(1, 20, 45)),  # 15:44
    ("13:30-15:45", BOGOTA, at(1, 20, 45), at(1, 20, 45)),  # 15:45: at once
    # ranges from or to midnight, and to the last minute of the day
    ("22-0", BOGOTA, at(2, 4, 0), at(2, 5, 0)),  # 23:00 1 Dec → 00:00 2 Dec
    ("22-0", BOGOTA, at(2, 5, 0), at(2, 5, 0)),  # 00:00: at once
    ("0-6", BOGOTA, at(2, 4, 59), at(2, 4, 59)),  # 23:59 1 Dec: at once
    ("0-6", BOGOTA, at(2, 5, 0), at(2, 11, 0)),  # 00:00 2 Dec → 06:00 the same day
    ("23:00-23:59", BOGOTA, at(2, 4, 30), at(2, 4, 59)),  # 23:30 → 23:59 the same evening
    # Santiago, in the southern summer (UTC-3) and winter (UTC-4)
    ("22:00-08:00", SANTIAGO, at(2, 1, 30), at(2, 11, 0)),  # 22:30 1 Dec → 08:00 (UTC-3)
    ("22:00-08:00", SANTIAGO, at(1, 11, 0), at(1, 11, 0)),  # 08:00 (UTC-3): at once
    ("22:00-08:00", SANTIAGO, at(2, 2, 30, month=7), at(2, 12, 0, month=7)),  # 22:30 → 08:00
    ("22:00-08:00", SANTIAGO, at(1, 11, 0, month=7), at(1, 12, 0, month=7)),  # 07:00 (UTC-4)
    ("22:00-08:00", SANTIAGO, at(1, 12, 0, month=7), at(1, 12, 0, month=7)),  # 08:00: at once
    # Santiago, over the nights the clocks change
    ("22:00-08:00", SANTIAGO, at(5, 2, 0, month=4), at(5, 12, 0, month=4)),  # 23:00 -3 → 08:00 -4
    ("22:00-08:00", SANTIAGO, at(6, 3, 0, month=9), at(6, 11, 0, month=9)),  # 23:00 -4 → 08:00 -3
    # São Paulo keeps UTC-3 in January, when it used to have summer time
    ("22:00-07:30", SAO_PAULO, at(2, 3, 0), at(2, 10, 30)),  # 00:00 → 07:30
    ("22:00-07:30", SAO_PAULO, at(15, 1, 0, month=1), at(15, 10, 30, month=1)),  # 22:00 → 07:30
    ("22:00-07:30", SAO_PAULO, at(15, 0, 59, month=1), at(15, 0, 59, month=1)),  # 21:59
    # UTC itself
    ("22:00-07:30", "UTC", at(2, 3, 0), at(2, 7, 30)),
    ("22:00-07:30", "UTC", at(1, 22, 0), at(2, 7, 30)),
    ("22:00-07:30", "UTC", at(1, 21, 59), at(1, 21, 59)),
]


@pytest.mark.parametrize(("text", "zone", "due", "goes_out"), RELEASES)
def test_when_a_due_message_goes_out(
    text: str, zone: str, due: datetime, goes_out: datetime
) -> None:
    quiet = QuietHours.parse(text)
    for released in (quiet.release(due, zone), release_time(due, quiet, zone)):
        assert released == goes_out
        assert released.tzinfo is UTC


@pytest.mark.parametrize(
    ("quiet", "due", "goes_out"),
    [
        (None, datetime(2026, 12, 1, 23, 0, tzinfo=ZoneInfo(BOGOTA)), at(2, 4, 0)),
        (
            QuietHours(1320, 480),
            datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo(BOGOTA)),
            at(1, 15, 0),
        ),
        (
            QuietHours(1320, 480),
            datetime(2026, 12, 1, 23, 0, tzinfo=ZoneInfo(BOGOTA)),
            at(2, 13, 0),
        ),
    ],
)
def test_a_moment_given_in_another_zone_comes_back_in_utc(
    quiet: QuietHours | None, due: datetime, goes_out: datetime
) -> None:
    released = release_time(due, quiet, BOGOTA)
    assert released == goes_out
    assert released.tzinfo is UTC


def test_without_quiet_hours_it_goes_at_once() -> None:
    due = at(1, 4, 0)  # 23:00 in Bogotá
    released = release_time(due, None, BOGOTA)
    assert released == due
    assert released.tzinfo is UTC


def _quiet_at(start: int, end: int, moment: datetime, zone: str) -> bool:
    local = moment.astimezone(ZoneInfo(zone))
    minute = local.hour * 60 + local.minute
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


@pytest.mark.parametrize("zone", [BOGOTA, SANTIAGO, SAO_PAULO, "UTC"])
@pytest.mark.parametrize("text", ["22:00-07:30", "13:00-15:00", "22-0", "0-6", "23:00-23:59"])
def test_every_minute_of_a_day_goes_out_at_the_first_moment_outside(text: str, zone: str) -> None:
    quiet = QuietHours.parse(text)
    for minute in range(24 * 60):
        due = at(1, 0, 0) + timedelta(minutes=minute, seconds=30)
        released = quiet.release(due, zone)
        assert released.tzinfo is UTC
        assert not _quiet_at(quiet.start, quiet.end, released, zone)
        if _quiet_at(quiet.start, quiet.end, due, zone):
            assert due < released <= due + timedelta(days=1)
            assert _quiet_at(quiet.start, quiet.end, released - timedelta(seconds=1), zone)
            local = released.astimezone(ZoneInfo(zone))
            assert (local.hour * 60 + local.minute, local.second) == (quiet.end, 0)
        else:
            assert released == due


# -- the nights the clocks change (found by mutation testing's helper, 2026-12) ------------------


def test_when_the_clocks_turn_back_the_repeated_quiet_hour_still_waits() -> None:
    # Santiago turns back from 00:00 (-03) to 23:00 (-04) on Sunday 5 April 2026: 23:00-23:59
    # happens twice. A message due at the second 23:10 waits for the second 23:30.
    quiet = QuietHours.parse("22:00-23:30")
    due = datetime(2026, 4, 5, 3, 10, tzinfo=UTC)  # the second 23:10, at -04
    released = release_time(due, quiet, "America/Santiago")
    assert released == datetime(2026, 4, 5, 3, 30, tzinfo=UTC)  # the second 23:30
    assert released >= due


def test_when_the_clocks_jump_past_the_end_the_quiet_hours_end_at_the_jump() -> None:
    # Santiago jumps from 00:00 (-04) to 01:00 (-03) on Sunday 6 September 2026: 00:30 never
    # happens, and the quiet hours 22:00-00:30 end when the clocks jump (01:00, 04:00 UTC).
    quiet = QuietHours.parse("22:00-00:30")
    due = datetime(2026, 9, 6, 3, 0, tzinfo=UTC)  # 23:00 on Saturday, at -04
    assert release_time(due, quiet, "America/Santiago") == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
