"""One way to show a moment, in each language, in the group's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.i18n import translator
from bot.core.moments import Local, day, hint, moment, zone
from tests.telegram_double import ApiError, parse_html

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # Wednesday, 12:00 in Buenos Aires
BA = "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize(
    ("lang", "at", "expected"),
    [
        ("es", datetime(2026, 12, 5, 13, 0, tzinfo=UTC), "sáb, 5 dic, 10:00"),
        ("pt", datetime(2026, 12, 5, 13, 0, tzinfo=UTC), "sáb., 5 de dez. 10:00"),
        ("en", datetime(2026, 12, 5, 13, 0, tzinfo=UTC), "Sat, Dec 5, 10:00"),
        # another year than now's: the year is shown
        ("es", datetime(2027, 1, 15, 23, 30, tzinfo=UTC), "vie, 15 ene 2027, 20:30"),
        ("pt", datetime(2028, 2, 29, 12, 0, tzinfo=UTC), "ter., 29 de fev. de 2028 09:00"),
        ("en", datetime(2027, 1, 1, 2, 59, tzinfo=UTC), "Thu, Dec 31, 23:59"),  # still 2026 there
    ],
)
def test_a_moment_in_each_language(lang: str, at: datetime, expected: str) -> None:
    assert moment(translator(lang), at, BA, NOW) == expected


def test_the_time_is_the_groups_and_24_hours() -> None:
    at = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    assert moment(translator("en"), at, BA, NOW) == "Wed, Dec 2, 21:30"
    assert moment(translator("en"), at, "America/Bogota", NOW) == "Wed, Dec 2, 19:30"
    assert moment(translator("es"), at, "Europe/Madrid", NOW) == "jue, 3 dic, 01:30"


@pytest.mark.parametrize(
    ("lang", "at", "words"),
    [
        ("es", NOW + timedelta(days=3), "dentro de 3 días"),
        ("pt", NOW + timedelta(days=3), "em 3 dias"),
        ("en", NOW + timedelta(days=3), "in 3 days"),
        ("es", NOW + timedelta(hours=5), "dentro de 5 horas"),  # the same day: hours
        ("en", NOW + timedelta(minutes=40), "in 40 minutes"),
        ("es", NOW - timedelta(days=2), "hace 2 días"),
        ("en", NOW + timedelta(hours=13), "in 1 day"),  # 01:00 tomorrow there: a calendar day
    ],
)
def test_how_far_a_moment_is(lang: str, at: datetime, words: str) -> None:
    text = hint(translator(lang), at, BA, NOW)
    assert text == f'<tg-time unix="{int(at.timestamp())}" format="r">{words}</tg-time>'
    assert parse_html(text) == words  # Telegram takes it; clients keep it current


def test_a_moment_with_its_hint_and_a_day_alone() -> None:
    tr = translator("es")
    at = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)
    assert parse_html(moment(tr, at, BA, NOW, relative=True)) == (
        "sáb, 5 dic, 10:00 (dentro de 3 días)"
    )
    assert day(tr, at, BA, NOW) == "sáb, 5 dic"
    assert day(tr, datetime(2027, 3, 1, 15, tzinfo=UTC), BA, NOW) == "lun, 1 mar 2027"
    local = Local(BA, NOW)
    assert local.moment(tr, at) == moment(tr, at, BA, NOW)
    assert local.day(tr, at) == "sáb, 5 dic"


@pytest.mark.parametrize(
    ("lang", "timezone", "expected"),
    [
        ("es", BA, "hora de Buenos Aires"),
        ("pt", "America/Sao_Paulo", "horário de São Paulo"),
        ("en", "America/Mexico_City", "Mexico City time"),
        ("es", "America/Mexico_City", "hora de Ciudad de México"),
    ],
)
def test_a_time_zone_by_its_city(lang: str, timezone: str, expected: str) -> None:
    assert zone(translator(lang), timezone) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<tg-time format="r">mañana</tg-time>',  # no moment
        '<tg-time unix="abc">mañana</tg-time>',
        '<tg-time unix="1796482800" format="x">mañana</tg-time>',
        '<tg-time unix="1796482800" format="rd">mañana</tg-time>',  # r stands alone
    ],
)
def test_the_double_refuses_a_date_time_entity_telegram_would(html: str) -> None:
    with pytest.raises(ApiError, match="date-time entity"):
        parse_html(html)
