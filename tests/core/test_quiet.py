"""Quiet hours as plain values: parsing, and when a due message may go out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.quiet import BadQuietRange, QuietHours, release_time

BOGOTA = "America/Bogota"  # UTC-5, no daylight saving


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("22:00-08:00", 1320, 480), ("22-8", 1320, 480), ("13:30 a 15:00", 810, 900), ("0-6", 0, 360)],
)
def test_ranges_people_type(text: str, start: int, end: int) -> None:
    assert QuietHours.parse(text) == QuietHours(start, end)


@pytest.mark.parametrize("text", ["25:00-08:00", "22:00-08:61", "22:00", "noche", "8-8", ""])
def test_bad_ranges(text: str) -> None:
    with pytest.raises(BadQuietRange):
        QuietHours.parse(text)


def test_a_message_due_at_23_goes_out_at_8_the_next_morning() -> None:
    quiet = QuietHours.parse("22:00-08:00")
    due = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 23:00 in Bogotá on 30 November
    assert release_time(due, quiet, BOGOTA) == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 08:00


def test_after_midnight_it_waits_until_8_the_same_morning() -> None:
    quiet = QuietHours.parse("22:00-08:00")
    due = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)  # 02:30 in Bogotá
    assert release_time(due, quiet, BOGOTA) == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)


def test_outside_quiet_hours_or_without_them_it_goes_at_once() -> None:
    due = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in Bogotá
    assert release_time(due, QuietHours.parse("22:00-08:00"), BOGOTA) == due
    assert release_time(due, None, BOGOTA) == due


def test_a_daytime_range() -> None:
    quiet = QuietHours.parse("13:00-15:00")
    due = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # 13:30 in Bogotá
    assert release_time(due, quiet, BOGOTA) == datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert quiet.label() == "13:00-15:00"


def test_a_range_ending_on_the_half_hour_releases_at_the_half_hour() -> None:
    quiet = QuietHours.parse("22:00-07:30")
    assert quiet == QuietHours(22 * 60, 7 * 60 + 30)
    assert quiet.label() == "22:00-07:30"
    due = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)  # 23:00 in Bogotá
    assert release_time(due, quiet, BOGOTA) == datetime(2026, 12, 2, 12, 30, tzinfo=UTC)  # 07:30


def test_the_edges_of_the_range() -> None:
    quiet = QuietHours.parse("22:00-07:30")
    at_start = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 22:00 exactly: it waits
    assert release_time(at_start, quiet, BOGOTA) == datetime(2026, 12, 2, 12, 30, tzinfo=UTC)
    just_before = datetime(2026, 12, 2, 2, 59, tzinfo=UTC)  # 21:59: it goes
    assert release_time(just_before, quiet, BOGOTA) == just_before
    at_end = datetime(2026, 12, 2, 12, 30, tzinfo=UTC)  # 07:30 exactly: it goes
    assert release_time(at_end, quiet, BOGOTA) == at_end
    last_quiet_minute = datetime(2026, 12, 2, 12, 29, tzinfo=UTC)  # 07:29: it waits a minute
    assert release_time(last_quiet_minute, quiet, BOGOTA) == at_end


def test_a_range_to_the_last_minute_of_the_day() -> None:
    quiet = QuietHours.parse("23:00-23:59")
    assert quiet.label() == "23:00-23:59"
    due = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # 23:30 in Bogotá
    assert release_time(due, quiet, BOGOTA) == datetime(2026, 12, 2, 4, 59, tzinfo=UTC)
    assert QuietHours.parse("9:05-9:06").label() == "09:05-09:06"


@pytest.mark.parametrize("text", ["24:00-08:00", "22:00-24:00", "22:60-08:00", "1-2-3"])
def test_times_that_are_not_on_a_clock_are_refused(text: str) -> None:
    with pytest.raises(BadQuietRange):
        QuietHours.parse(text)


def test_the_release_is_read_in_the_groups_time_zone() -> None:
    quiet = QuietHours.parse("22:00-07:30")
    due = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 22:00 in Bogotá, 00:00 in São Paulo
    assert release_time(due, quiet, "America/Sao_Paulo") == datetime(
        2026, 12, 2, 10, 30, tzinfo=UTC
    )  # 07:30 in São Paulo
    assert quiet.release(due, "UTC") == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
