"""The moments of a `/meeting` request, as plain values: each slot as typed in es, pt and en.

Typed on Wednesday 2 December 2026 at 14:00 local; expected moments in UTC, worked out by hand
(Bogotá UTC-5, São Paulo and Buenos Aires UTC-3, Mexico City UTC-6).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core import timeparse
from bot.core.errors import DomainError
from bot.meetings.service import SLOT_EXAMPLES, parse_request

BOGOTA, SAO_PAULO = "America/Bogota", "America/Sao_Paulo"
BUENOS_AIRES, MEXICO = "America/Argentina/Buenos_Aires", "America/Mexico_City"


def wednesday(tz: str, hour: int = 14) -> datetime:
    return datetime(2026, 12, 2, hour, 0, tzinfo=ZoneInfo(tz))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


SLOTS = [
    ("jueves 19:00 @ Club Social", BOGOTA, utc(2026, 12, 4, 0), "Club Social"),
    ("el 15 a las 18 @ Plaza", BUENOS_AIRES, utc(2026, 12, 15, 21), "Plaza"),
    ("sábado a la tarde", BOGOTA, utc(2026, 12, 5, 20), None),
    ("el viernes a las 7", MEXICO, utc(2026, 12, 5, 1), None),  # 19:00
    ("mañana a las 5 y media @ la escuela", BOGOTA, utc(2026, 12, 3, 22, 30), "la escuela"),
    ("esta noche", BUENOS_AIRES, utc(2026, 12, 2, 23), None),  # 20:00
    ("sábado 10hs", BUENOS_AIRES, utc(2026, 12, 5, 13), None),
    ("7 p. m.", MEXICO, utc(2026, 12, 3, 1), None),
    ("dia 20 às 19h @ Sede", SAO_PAULO, utc(2026, 12, 20, 22), "Sede"),
    ("sexta à noite", SAO_PAULO, utc(2026, 12, 4, 23), None),
    ("amanhã de manhã", SAO_PAULO, utc(2026, 12, 3, 12), None),
    ("às 5", SAO_PAULO, utc(2026, 12, 2, 20), None),  # 17:00
    ("hoje à noite", SAO_PAULO, utc(2026, 12, 2, 23), None),
    ("friday night @ the hall", MEXICO, utc(2026, 12, 5, 2), "the hall"),
    ("the 15th at 6pm", BOGOTA, utc(2026, 12, 15, 23), None),
    ("tomorrow at 5", MEXICO, utc(2026, 12, 3, 23), None),
]


@pytest.mark.parametrize(("slot", "tz", "starts_at", "place"), SLOTS)
def test_each_slot_is_read_as_people_type_it(slot, tz, starts_at, place) -> None:
    title, [spec] = parse_request(f"Asamblea | {slot}", tz=tz, now=wednesday(tz))
    assert (title, spec.starts_at, spec.place, spec.text) == ("Asamblea", starts_at, place, slot)


REFUSED = [
    (
        "30/11 19:00 @ Club",  # typed on 2 December: 30 November 2027
        "“{value}” is more than 11 months away. If that is the date you mean, write its year, "
        "like this: {example}",
        {"value": "30/11 19:00", "example": "30/11/2027"},
    ),
    (
        "29/02",
        "“{value}” is more than 11 months away. If that is the date you mean, write its year, "
        "like this: {example}",
        {"value": "29/02", "example": "29/02/2028"},
    ),
    (
        "fin de mes",  # a span of days is a deadline, not a meeting's moment
        "I could not read the date “{slot}”. Write it like one of these: {examples}",
        {"slot": "fin de mes", "examples": SLOT_EXAMPLES},
    ),
    (
        "hoy a la mañana",  # today's 09:00 is gone
        "“{slot}” is already past. Choose a time to come.",
        {"slot": "hoy a la mañana"},
    ),
]


@pytest.mark.parametrize(("slot", "message", "kwargs"), REFUSED)
def test_a_slot_that_cannot_be_is_refused_with_an_example(slot, message, kwargs) -> None:
    with pytest.raises(DomainError) as caught:
        parse_request(f"Asamblea | {slot}", tz=BOGOTA, now=wednesday(BOGOTA))
    assert (caught.value.message, caught.value.kwargs) == (message, kwargs)


def test_a_slot_with_two_readings_is_let_through_to_be_asked() -> None:
    evening = wednesday(BOGOTA, hour=19)  # today's 17:00 is gone
    with pytest.raises(timeparse.UnsureTime) as caught:
        parse_request("Asamblea | a las 5 @ Club", tz=BOGOTA, now=evening)
    assert caught.value.candidates == (utc(2026, 12, 3, 10), utc(2026, 12, 3, 22))
    assert caught.value.args[0] == "a las 5"
