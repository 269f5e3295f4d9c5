"""The pure rules of votes as tables of plain values: reading commands, tallies, outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import timeparse
from bot.core.errors import DomainError
from bot.votes import rules
from bot.votes.rules import ABSTAIN, AGREE, BLOCK, DISAGREE, Outcome, OutcomeKind, Stance

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def s(*options: int, reason: bool = False) -> Stance:
    bits = 0
    for option in options:
        bits |= 1 << option
    return Stance(bits, reason)


@pytest.mark.parametrize(
    ("text", "language", "rest", "closes", "quorum", "anonymous"),
    [
        ("Pintar el mural", "es", "Pintar el mural", None, None, False),
        ("Pintar el mural closes 48h", "es", "Pintar el mural", "48h", None, False),
        ("Pintar closes 48h quorum 50% anonymous", "es", "Pintar", "48h", 50, True),
        ("Pintar anonymous quorum 50% closes 2d", "pt_BR", "Pintar", "2d", 50, True),
        ("Pintar cierra viernes 18:00 quórum 30%", "es", "Pintar", "viernes 18:00", 30, False),
        ("Pintar QUORUM 100 Anónimo", "es", "Pintar", None, 100, True),
        ("a | b | c encerra 3d", "pt_BR", "a | b | c", "3d", None, False),
        ("", "en", "", None, None, False),
        # the options alone, with no text before them
        ("quorum 50%", "en", "", None, 50, False),
        ("closes 48h", "en", "", "48h", None, False),
        ("anonymous", "en", "", None, None, True),
    ],
)
def test_options_are_read_from_the_end(text, language, rest, closes, quorum, anonymous) -> None:
    assert rules.read_tail(text, language) == rules.Tail(rest, closes, quorum, anonymous)


# option words are read only at the very end, and only in English and the group's language
@pytest.mark.parametrize(
    ("text", "language", "rest", "closes", "anonymous"),
    [
        # `fecha` is "date" in Spanish, "closes" in Portuguese
        ("Cambiar la fecha de la asamblea", "es", "Cambiar la fecha de la asamblea", None, False),
        ("Cambiar la fecha sábado 10hs", "es", "Cambiar la fecha sábado 10hs", None, False),
        ("Mudar a data da assembleia fecha sexta 18h", "pt_BR", "Mudar a data da assembleia",
         "sexta 18h", False),
        ("Mudar a data fecha sábado 10hs", "pt", "Mudar a data", "sábado 10hs", False),
        ("O prazo fecha amanhã", "pt_BR", "O prazo", "amanhã", False),
        ("Ver quando a escola fecha", "pt_BR", "Ver quando a escola fecha", None, False),
        # each language's words only in its groups
        ("Pintar cierra viernes 18:00", "pt_BR", "Pintar cierra viernes 18:00", None, False),
        ("Pintar cierra viernes 18:00", "en", "Pintar cierra viernes 18:00", None, False),
        ("Pintar encerra 3d", "es", "Pintar encerra 3d", None, False),
        ("Pintar cierre 3d", "es", "Pintar", "3d", False),
        ("Pintar anônimo", "es", "Pintar anônimo", None, False),
        ("Pintar anônimo", "pt_BR", "Pintar", None, True),
        ("Pintar anónimo", "es", "Pintar", None, True),
        # English in every group
        ("Pintar closes 48h", "pt_BR", "Pintar", "48h", False),
        ("Pintar closes viernes 18hs anonymous", "es", "Pintar", "viernes 18hs", True),
        # a closing word followed by something that is not a time is an ordinary word
        ("Pedir el cierre de la calle", "es", "Pedir el cierre de la calle", None, False),
        ("Horario en que cierra la escuela", "es", "Horario en que cierra la escuela", None, False),
        ("Close the street for the fair", "en", "Close the street for the fair", None, False),
        ("Close the street close friday 6pm", "en", "Close the street", "friday 6pm", False),
        ("¿A qué hora cierra?", "es", "¿A qué hora cierra?", None, False),
        # after `closes`, the keyword, whatever follows is the closing time, to read or refuse
        ("Pintar closes cuando sea", "es", "Pintar", "cuando sea", False),
    ],
)  # fmt: skip
def test_option_words_collide_with_no_ordinary_words(text, language, rest, closes, anonymous):
    assert rules.read_tail(text, language) == rules.Tail(rest, closes, None, anonymous)


@pytest.mark.parametrize("raw", ["150%", "101", "0%", "-5%", "abc", "50.5%"])
def test_a_quorum_outside_1_to_100_is_refused(raw: str) -> None:
    with pytest.raises(DomainError) as error:
        rules.read_tail(f"Pintar quorum {raw}", "es")
    assert error.value.message.startswith("The quorum “{value}” must be a percentage")
    assert error.value.kwargs == {"value": raw, "example": "quorum 50%"}


@pytest.mark.parametrize(("raw", "value"), [("1%", 1), ("100%", 100), (" 7 ", 7), ("0050", 50)])
def test_a_quorum_from_1_to_100_is_read(raw: str, value: int) -> None:
    assert rules.parse_quorum(raw) == value


@pytest.mark.parametrize(
    ("text", "complaint", "kwargs"),
    [
        ("Pintar quorum", "Give the quorum as a percentage", {"example": "quorum 50%"}),
        ("Pintar closes", "I can't read the closing time", {"value": "", "example": "closes 48h"}),
    ],
)
def test_a_bare_quorum_or_closes_word_asks_for_the_value(text, complaint, kwargs) -> None:
    with pytest.raises(DomainError) as error:
        rules.read_tail(text, "es")
    assert error.value.message.startswith(complaint)
    assert error.value.kwargs == kwargs


@pytest.mark.parametrize(
    ("text", "question", "options", "multi", "native"),
    [
        ("¿Dónde? | Plaza | Escuela", "¿Dónde?", ("Plaza", "Escuela"), False, False),
        ("multi ¿Qué traemos? | pan | mate | ", "¿Qué traemos?", ("pan", "mate"), True, False),
        ("native multi Q | a | b", "Q", ("a", "b"), True, True),
    ],
)
def test_a_poll_is_a_question_and_options(text, question, options, multi, native) -> None:
    assert rules.read_poll(text) == rules.PollText(question, options, multi, native)


LONG_OPTION = "".join(f"{i:02}" for i in range(51))  # 102 characters: 000102…50


@pytest.mark.parametrize(
    ("text", "complaint", "kwargs"),
    [
        ("| a | b", "What is the question?", {"example": rules.POLL_EXAMPLE}),
        ("", "What is the question?", {"example": rules.POLL_EXAMPLE}),
        ("Q | solo una", "A poll needs at least two options", {"example": rules.POLL_EXAMPLE}),
        ("Q", "A poll needs at least two options", {"example": rules.POLL_EXAMPLE}),
        ("Q | a |  | ", "A poll needs at least two options", {"example": rules.POLL_EXAMPLE}),
        (
            "Q | " + " | ".join(f"o{i}" for i in range(30)),
            "A poll can have at most {max} options",
            {"max": 10, "count": 30},
        ),
        (
            "Q | " + " | ".join(f"o{i}" for i in range(11)),
            "A poll can have at most {max} options",
            {"max": 10, "count": 11},
        ),
        # the option is quoted by its first 30 characters
        (
            "Q | a | " + LONG_OPTION,
            "Each option can have at most {max} characters",
            {"max": 100, "option": LONG_OPTION[:30]},
        ),
        ("Q | Plaza | plaza", "Two options are the same", {}),
        (
            "x" * 301 + " | a | b",
            "The question can have at most {max} characters",
            {"max": 300, "count": 301},
        ),
    ],
)
def test_bad_polls_are_refused_with_the_reason(text: str, complaint: str, kwargs) -> None:
    with pytest.raises(DomainError) as error:
        rules.read_poll(text)
    assert error.value.message.startswith(complaint)
    assert error.value.kwargs == kwargs


def test_the_limits_themselves_are_fine() -> None:
    ten = [f"o{i}" for i in range(10)]
    poll = rules.read_poll("x" * 300 + " | " + " | ".join(ten[:-1]) + " | " + "y" * 100)
    assert (len(poll.question), len(poll.options), len(poll.options[-1])) == (300, 10, 100)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (None, NOW + timedelta(hours=72)),
        ("48h", NOW + timedelta(hours=48)),
        ("3d", NOW + timedelta(days=3)),
        ("90m", NOW + timedelta(minutes=90)),
        ("2 días", NOW + timedelta(days=2)),
        # in the group's time zone (Bogotá is UTC-5): Friday 4 December, 18:00 there
        ("viernes 18:00", datetime(2026, 12, 4, 23, 0, tzinfo=UTC)),
        ("sexta 19h", datetime(2026, 12, 5, 0, 0, tzinfo=UTC)),
        # a clock time is a time of day; a duration says its unit or is led by en/in/em
        ("18hs", datetime(2026, 12, 1, 23, 0, tzinfo=UTC)),
        ("20 hs", datetime(2026, 12, 2, 1, 0, tzinfo=UTC)),
        ("19h30", datetime(2026, 12, 2, 0, 30, tzinfo=UTC)),
        ("sábado 10hs", datetime(2026, 12, 5, 15, 0, tzinfo=UTC)),
        ("en 2h", NOW + timedelta(hours=2)),
        ("2 horas", NOW + timedelta(hours=2)),
        ("una semana", NOW + timedelta(weeks=1)),
        ("a las 5", datetime(2026, 12, 1, 22, 0, tzinfo=UTC)),  # 17:00
        ("fin de mes", datetime(2026, 12, 31, 23, 0, tzinfo=UTC)),  # 18:00 on the 31st
        ("la semana que viene", datetime(2026, 12, 11, 23, 0, tzinfo=UTC)),  # Friday 18:00
        ("el 15", datetime(2026, 12, 15, 14, 0, tzinfo=UTC)),
    ],
)
def test_closing_times(phrase, expected) -> None:
    assert rules.closing_time(phrase, tz="America/Bogota", now=NOW) == expected


@pytest.mark.parametrize(
    ("phrase", "complaint"),
    [
        ("cuando sea", "I can't read the closing time"),
        ("hoy 08:00", "has already passed"),
        ("15/12/2020 10:00", "has already passed"),
        # 10:00 in Bogotá is now itself: a vote must close after it opens
        ("hoy 10:00", "has already passed"),
        ("200d", "at most {days} days"),
        ("91d", "at most {days} days"),
    ],
)
def test_bad_closing_times(phrase: str, complaint: str) -> None:
    with pytest.raises(DomainError) as error:
        rules.closing_time(phrase, tz="America/Bogota", now=NOW)
    assert complaint in error.value.message
    if "{days}" in complaint:
        assert error.value.kwargs == {"days": 90, "example": "closes 7d"}
    else:
        assert error.value.kwargs == {"value": phrase, "example": "closes 48h"}


def test_a_date_far_ahead_without_its_year_is_refused_with_the_year_written() -> None:
    with pytest.raises(DomainError) as error:
        rules.closing_time("30/11", tz="America/Bogota", now=NOW)  # yesterday
    assert error.value.message == timeparse.FAR_AHEAD
    assert error.value.kwargs == {"value": "30/11", "example": "30/11/2027"}


def test_an_unsure_closing_time_is_let_through_to_be_asked() -> None:
    evening = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 19:00 in Bogotá: today's 17:00 is gone
    with pytest.raises(timeparse.UnsureTime) as unsure:
        rules.closing_time("a las 5", tz="America/Bogota", now=evening)
    assert unsure.value.candidates == (
        datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 22, 0, tzinfo=UTC),
    )


def test_a_vote_can_stay_open_exactly_90_days() -> None:
    assert rules.closing_time("90d", tz="UTC", now=NOW) == NOW + timedelta(days=90)


@pytest.mark.parametrize(
    ("voters", "members", "quorum", "met"),
    [
        (0, 10, None, True),
        (5, 10, 50, True),
        (4, 10, 50, False),
        (1, 3, 34, False),
        (2, 3, 66, True),
        (10, 10, 100, True),
        (0, 0, 50, True),
        # 50 of 101 members is just under half
        (50, 101, 50, False),
        (51, 101, 50, True),
    ],
)
def test_quorum(voters: int, members: int, quorum: int | None, met: bool) -> None:
    assert rules.quorum_met(voters, members, quorum) is met


@pytest.mark.parametrize(
    ("stances", "members", "quorum", "kind", "counts", "voters", "unreasoned"),
    [
        ([s(AGREE), s(AGREE), s(DISAGREE)], 5, None, OutcomeKind.PASSED, (2, 0, 1, 0), 3, 0),
        ([s(AGREE), s(DISAGREE)], 5, None, OutcomeKind.NOT_PASSED, (1, 0, 1, 0), 2, 0),
        ([s(ABSTAIN), s(ABSTAIN)], 5, None, OutcomeKind.NOT_PASSED, (0, 2, 0, 0), 2, 0),
        ([], 5, None, OutcomeKind.NOT_PASSED, (0, 0, 0, 0), 0, 0),
        (
            [s(AGREE), s(AGREE), s(BLOCK, reason=True)],
            5,
            None,
            OutcomeKind.BLOCKED,
            (2, 0, 0, 1),
            3,
            0,
        ),
        # a Block without a reason counts as a Disagree
        ([s(AGREE), s(AGREE), s(BLOCK)], 5, None, OutcomeKind.PASSED, (2, 0, 1, 0), 3, 1),
        ([s(AGREE), s(BLOCK)], 5, None, OutcomeKind.NOT_PASSED, (1, 0, 1, 0), 2, 1),
        # quorum comes first, even before a block
        ([s(AGREE), s(BLOCK, reason=True)], 5, 50, OutcomeKind.NO_QUORUM, (1, 0, 0, 1), 2, 0),
        ([s(AGREE), s(AGREE), s(AGREE)], 5, 60, OutcomeKind.PASSED, (3, 0, 0, 0), 3, 0),
        # no position (0) is not a voter
        ([Stance(0), s(AGREE)], 4, 50, OutcomeKind.NO_QUORUM, (1, 0, 0, 0), 1, 0),
    ],
)
def test_proposal_outcomes(stances, members, quorum, kind, counts, voters, unreasoned) -> None:
    outcome = rules.proposal_outcome(stances, members, quorum)
    assert outcome == Outcome(kind, counts, voters, members, blocks_counted_as_disagree=unreasoned)


@pytest.mark.parametrize(
    ("stances", "n", "quorum", "kind", "winners", "counts", "voters"),
    [
        ([s(0), s(1), s(1)], 3, None, OutcomeKind.WINNER, (1,), (1, 2, 0), 3),
        ([s(0), s(1)], 3, None, OutcomeKind.TIE, (0, 1), (1, 1, 0), 2),
        ([], 2, None, OutcomeKind.NO_VOTES, (), (0, 0), 0),
        ([s(0, 2), s(2)], 3, None, OutcomeKind.WINNER, (2,), (1, 0, 2), 2),  # multi-choice
        ([s(0, 1), s(0, 1)], 2, None, OutcomeKind.TIE, (0, 1), (2, 2), 2),
        # 4 members: a quorum of 75% needs 3 voters, and no position (0) is not one
        ([s(0)], 2, 50, OutcomeKind.NO_QUORUM, (), (1, 0), 1),
        ([s(0), s(1), Stance(0)], 2, 75, OutcomeKind.NO_QUORUM, (), (1, 1), 2),
        ([s(1), s(1), s(0)], 2, 75, OutcomeKind.WINNER, (1,), (1, 2), 3),
        # a choice beyond the poll's options is not counted
        ([s(0, 2), s(1, 5)], 2, None, OutcomeKind.TIE, (0, 1), (1, 1), 2),
        # a poll without options has no votes (and no crash)
        ([], 0, None, OutcomeKind.NO_VOTES, (), (), 0),
    ],
)
def test_poll_outcomes(stances, n, quorum, kind, winners, counts, voters) -> None:
    outcome = rules.poll_outcome(stances, n, 4, quorum)
    assert outcome == Outcome(kind, counts, voters, 4, winners)


@pytest.mark.parametrize(
    ("hours_open", "lead"),
    [(72, timedelta(hours=6)), (12, timedelta(hours=6)), (4, timedelta(hours=2))],
)
def test_the_reminder_goes_6_hours_before_or_at_half_time(hours_open: int, lead) -> None:
    assert rules.reminder_lead(NOW, NOW + timedelta(hours=hours_open)) == lead


def test_bit_sets() -> None:
    assert rules.options_of(0) == []
    assert rules.options_of(0b101) == [0, 2]
