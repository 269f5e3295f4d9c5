"""The /commit grammar: what, owners (as markers), by <date>, needs <type>: <resources>."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.commitments.grammar import ResourceSpec, marker, parse_commit, parse_resources
from bot.core.errors import DomainError

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Bogotá
TZ = "America/Bogota"


def parse(body: str, *names: str):
    return parse_commit(body, list(names), tz=TZ, now=NOW)


def test_the_example_of_the_issue() -> None:
    draft = parse(
        f" Repartir volantes en el barrio {marker(0)} {marker(1)} by viernes "
        "needs material: 500 volantes",
        "@ana",
        "@luis",
    )
    assert draft.text == "Repartir volantes en el barrio"
    # Friday 4 December, end of the day in Bogotá (UTC-5)
    assert draft.due_at == datetime(2026, 12, 5, 4, 59, tzinfo=UTC)
    assert draft.resources == [ResourceSpec("material", "volantes", 500)]


def test_spanish_and_portuguese_keywords() -> None:
    es = parse(" Limpiar la plaza para el sábado 10:00 necesita humano: 3 voluntarios")
    assert es.text == "Limpiar la plaza"
    assert es.due_at == datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    assert es.resources == [ResourceSpec("human", "voluntarios", 3)]
    pt = parse(" Pintar o mural até 15/12 18h precisa material: tinta, 4 pincéis")
    assert pt.text == "Pintar o mural"
    assert pt.due_at == datetime(2026, 12, 15, 23, 0, tzinfo=UTC)
    assert pt.resources == [
        ResourceSpec("material", "tinta"),
        ResourceSpec("material", "pincéis", 4),
    ]


def test_para_and_ate_as_everyday_words_stay_in_the_text() -> None:
    assert parse(" Comprar pintura para la plaza").text == "Comprar pintura para la plaza"
    assert parse(" Levar cadeiras até a praça").due_at is None
    draft = parse(" Comprar pintura para la plaza para mañana")
    assert (draft.text, draft.due_at) == (
        "Comprar pintura para la plaza",
        datetime(2026, 12, 3, 4, 59, tzinfo=UTC),
    )


def test_the_date_may_come_after_the_resources() -> None:
    draft = parse(" Olla común needs human: 3 voluntarios by sábado")
    assert draft.text == "Olla común"
    assert draft.resources == [ResourceSpec("human", "voluntarios", 3)]
    assert draft.due_at == datetime(2026, 12, 6, 4, 59, tzinfo=UTC)
    # "para" inside a resource is a word
    assert parse(" Pintar needs material: pintura para la fachada").resources == [
        ResourceSpec("material", "pintura para la fachada")
    ]


def test_a_duration_and_no_date() -> None:
    assert parse(" Llamar a la alcaldía by 3d").due_at == datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert parse(" Llamar a la alcaldía").due_at is None


def test_a_mention_inside_the_text_stays_as_a_word() -> None:
    draft = parse(f" Acompañar a {marker(0)} al centro de salud {marker(1)}", "Mary", "@luis")
    assert draft.text == "Acompañar a Mary al centro de salud"


def test_several_resource_types() -> None:
    assert parse_resources(
        " material: 500 volantes, cinta; human: 3 voluntarios simbólico: aval"
    ) == [
        ResourceSpec("material", "volantes", 500),
        ResourceSpec("material", "cinta"),
        ResourceSpec("human", "voluntarios", 3),
        ResourceSpec("symbolic", "aval"),
    ]
    assert parse_resources("2 mesas") == [ResourceSpec("material", "mesas", 2)]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write what you will do after the command"),
        (f" {marker(0)} by viernes", "Write what you will do after the command"),
        (" Pintar by el día del arquero", "I could not read the date “el día del arquero”"),
        (" Pintar by", "Write the date, for example: by viernes 18:00"),
        (" Pintar para 32/13", "I could not read the date “32/13”"),
        (" Pintar by 01/01/2020", "That date has already passed"),
        (" Pintar by hoy 08:00", "That date has already passed"),
        (" Pintar needs", "Say what is needed after “needs”"),
        (" " + "x" * 301, "That is 301 characters"),
    ],
)
def test_bad_input_is_a_short_error_with_an_example(body: str, error: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse(body, "@ana")
    message = caught.value.message.format(**caught.value.kwargs)
    assert message.startswith(error)
    if "passed" in error or "read the date" in error:
        assert "by viernes 18:00" in message
