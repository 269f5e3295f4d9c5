"""The /commit grammar: what, owners (as markers), by <date>, needs <type>: <resources>."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commitments.grammar import ResourceSpec, marker, parse_commit, parse_resources
from bot.core import timeparse
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
        (" Pintar by 25:00", "I could not read the date “25:00”"),
        (" Pintar hasta 31/02", "I could not read the date “31/02”"),
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


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# By-words in each language (NOW is Tuesday 1 December 2026, 10:00 in Bogotá, UTC-5). A day
# said without a time: by, para, hasta, até mean by its end (23:59); before, antes de/del/do/da
# before it begins (00:00).
BY_WORDS = [
    (" Pintar para el viernes", "Pintar", utc(2026, 12, 5, 4, 59)),
    (" Pintar hasta el viernes", "Pintar", utc(2026, 12, 5, 4, 59)),
    (" Pintar antes del viernes", "Pintar", utc(2026, 12, 4, 5, 0)),
    (" Pintar antes del 15", "Pintar", utc(2026, 12, 15, 5, 0)),
    (" Pintar antes de las 18", "Pintar", utc(2026, 12, 1, 23, 0)),
    (" Pintar para el 15", "Pintar", utc(2026, 12, 16, 4, 59)),
    (" Comprar pan para las 18hs", "Comprar pan", utc(2026, 12, 1, 23, 0)),
    (" Pintar para mañana a la tarde", "Pintar", utc(2026, 12, 2, 20, 0)),
    (" Pintar para fin de mes", "Pintar", utc(2026, 12, 31, 23, 0)),
    (" Pintar para la semana que viene", "Pintar", utc(2026, 12, 11, 23, 0)),
    (" Pintar para dentro de una semana", "Pintar", utc(2026, 12, 8, 15, 0)),
    (" Pintar para a las 5", "Pintar", utc(2026, 12, 1, 22, 0)),
    (" Pintar o mural até sexta", "Pintar o mural", utc(2026, 12, 5, 4, 59)),
    (" Pintar o mural para sexta", "Pintar o mural", utc(2026, 12, 5, 4, 59)),
    (" Pintar o mural até o dia 20", "Pintar o mural", utc(2026, 12, 21, 4, 59)),
    (" Pintar o mural antes da sexta", "Pintar o mural", utc(2026, 12, 4, 5, 0)),
    (" Pintar o mural antes do dia 20", "Pintar o mural", utc(2026, 12, 20, 5, 0)),
    (" Pintar o mural antes das 18h", "Pintar o mural", utc(2026, 12, 1, 23, 0)),
    (" Pintar o mural até fim do mês", "Pintar o mural", utc(2026, 12, 31, 23, 0)),
    (" Pintar o mural para semana que vem", "Pintar o mural", utc(2026, 12, 11, 23, 0)),
    (" Pintar o mural até amanhã de manhã", "Pintar o mural", utc(2026, 12, 2, 14, 0)),
    (" Paint the mural by friday", "Paint the mural", utc(2026, 12, 5, 4, 59)),
    (" Paint the mural before the 15th", "Paint the mural", utc(2026, 12, 15, 5, 0)),
    (" Paint the mural BY 18hs", "Paint the mural", utc(2026, 12, 1, 23, 0)),
    (" Paint the mural by next week", "Paint the mural", utc(2026, 12, 11, 23, 0)),
    (" Paint the mural before friday 6pm", "Paint the mural", utc(2026, 12, 4, 23, 0)),
]


@pytest.mark.parametrize(("body", "text", "due"), BY_WORDS)
def test_by_words_in_each_language(body: str, text: str, due: datetime) -> None:
    draft = parse(body)
    assert (draft.text, draft.due_at) == (text, due)


# a by-word followed by something that is not a moment is a word of the text
@pytest.mark.parametrize(
    "body",
    [
        " Comprar sillas para 20 personas",
        " Pintar by el día del arquero",
        " Llamar antes de que cierre la alcaldía",
        " Leer el libro hasta el final",
        " Traer agua para todos",
        " Cuidar a los chicos hasta que vuelvan",
        " Levar cadeiras até a praça",
        " Comprar tinta para 3 paredes",
        " Bake bread before the fair",
    ],
)
def test_a_by_word_without_a_moment_stays_in_the_text(body: str) -> None:
    draft = parse(body)
    assert (draft.text, draft.due_at) == (body.strip(), None)


def test_the_last_by_word_followed_by_a_moment_is_the_due_date() -> None:
    draft = parse(" Comprar sillas para 20 personas para el viernes")
    assert (draft.text, draft.due_at) == (
        "Comprar sillas para 20 personas",
        utc(2026, 12, 5, 4, 59),
    )


def test_a_date_far_ahead_needs_its_year() -> None:
    with pytest.raises(DomainError) as caught:
        parse(" Pintar para 30/11")  # yesterday
    assert caught.value.message == timeparse.FAR_AHEAD
    assert caught.value.kwargs == {"value": "30/11", "example": "30/11/2027"}
    assert parse(" Pintar para 30/11/2027").due_at == utc(2027, 12, 1, 4, 59)


def test_an_unsure_date_is_let_through_to_be_asked() -> None:
    night = datetime(2026, 12, 2, 1, 30, tzinfo=ZoneInfo(TZ))
    with pytest.raises(timeparse.UnsureTime) as caught:
        parse_commit(" Pintar para mañana", [], tz=TZ, now=night)
    assert caught.value.candidates == (utc(2026, 12, 3, 4, 59), utc(2026, 12, 4, 4, 59))
