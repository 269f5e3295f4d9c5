"""The pure rules of ranked and score polls: ballots as digits, instant runoff, score means."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.core.errors import DomainError
from bot.votes import ballots, rules
from bot.votes.ballots import Round, instant_runoff, ranked_outcome, score_outcome
from bot.votes.rules import OutcomeKind, VoteKind

A, B, C, D, E = range(5)


def test_a_ranking_is_kept_as_digits_in_order() -> None:
    assert ballots.ranking_of(0) == []
    assert ballots.ranking_of(312) == [C, A, B]
    assert ballots.appended(0, C) == 3
    assert ballots.appended(3, A) == 31
    assert ballots.ranking_of(ballots.appended(987654321 // 10, A)) == list(range(8, -1, -1))
    assert 987654321 < 2**31  # nine options fit positions.choices


def test_scores_are_kept_one_digit_per_option() -> None:
    assert ballots.scores_of(0, 3) == [None, None, None]
    assert ballots.scores_of(61, 3) == [0, 5, None]
    assert ballots.score_digit(61, 1) == 6
    assert 666666666 < 2**31


def test_a_majority_in_the_first_round_wins_at_once() -> None:
    runoff = instant_runoff([[A, B], [A], [B, A]], 3)
    assert runoff.winners == (A,)
    assert runoff.rounds == (Round((2, 1, 0), 0),)


def test_four_rounds_with_an_exhausted_ballot() -> None:
    rankings = [[A]] * 5 + [[B, A]] * 4 + [[C, B]] * 3 + [[D, C]] * 2 + [[E]]
    runoff = instant_runoff(rankings, 5)
    assert runoff.rounds == (
        Round((5, 4, 3, 2, 1), 0, (E,)),
        Round((5, 4, 3, 2, None), 1, (D,)),  # E's ballot has nothing left
        Round((5, 4, 5, None, None), 1, (B,)),  # D's go to C
        Round((9, None, 5, None, None), 1),  # B's go to A: 9 of the 14 still counting
    )
    assert runoff.winners == (A,)


def test_a_tie_for_last_goes_to_the_one_with_fewer_in_earlier_rounds() -> None:
    rankings = [[A]] * 4 + [[B]] * 3 + [[C, B]] * 2 + [[D, C]]
    runoff = instant_runoff(rankings, 4)
    assert runoff.rounds == (
        Round((4, 3, 2, 1), 0, (D,)),
        Round((4, 3, 3, None), 0, (C,)),  # B and C tie; C had fewer in round 1
        Round((4, 5, None, None), 1),
    )
    assert runoff.winners == (B,)


def test_a_tie_in_every_round_puts_the_later_listed_option_out() -> None:
    runoff = instant_runoff([[A], [A], [B], [C]], 3)
    assert runoff.rounds[0] == Round((2, 1, 1), 0, (C,))
    assert runoff.rounds[1] == Round((2, 1, None), 1)
    assert runoff.winners == (A,)


def test_options_nobody_ranked_go_out_together() -> None:
    runoff = instant_runoff([[A], [A], [B], [B], [C, A]], 5)
    assert [r.eliminated for r in runoff.rounds] == [(D, E), (C,), ()]
    assert runoff.winners == (A,)


def test_options_tied_to_the_end_are_a_tie() -> None:
    runoff = instant_runoff([[A, B], [B, A]], 3)
    assert runoff.rounds == (Round((1, 1, 0), 0, (C,)), Round((1, 1, None), 0))
    assert runoff.winners == (A, B)
    outcome = ranked_outcome([[A, B], [B, A]], 3, members=4, quorum=None)
    assert outcome.kind == OutcomeKind.TIE and outcome.winners == (A, B)


def test_the_ranked_outcome_counts_quorum_on_people_with_a_ballot() -> None:
    rankings = [[A, B], [B], [], [A]]
    outcome = ranked_outcome(rankings, 2, members=5, quorum=60)
    assert outcome.kind == OutcomeKind.WINNER and outcome.voters == 3
    assert outcome.counts == (2, 1) and outcome.winners == (A,)
    assert ranked_outcome(rankings, 2, members=5, quorum=80).kind == OutcomeKind.NO_QUORUM
    assert ranked_outcome([[], []], 2, members=5, quorum=None).kind == OutcomeKind.NO_VOTES


def test_the_best_mean_wins_a_score_poll_with_counts() -> None:
    outcome = score_outcome([[5, 3, None], [4, None, None], [None] * 3], 3, 4, None)
    assert outcome.kind == OutcomeKind.WINNER and outcome.winners == (A,)
    assert outcome.means == (Fraction(9, 2), Fraction(3), None)
    assert outcome.counts == (2, 1, 0) and outcome.voters == 2
    tie = score_outcome([[4, 4], [2, 2]], 2, 4, None)
    assert tie.kind == OutcomeKind.TIE and tie.winners == (A, B)
    assert score_outcome([[None, None]], 2, 4, None).kind == OutcomeKind.NO_VOTES
    assert score_outcome([[5, None]], 2, 4, 50).kind == OutcomeKind.NO_QUORUM


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ranked ¿Qué primero? | Plaza | Escuela", VoteKind.RANKED),
        ("Ranqueada ¿Qué primero? | Plaza | Escuela", VoteKind.RANKED),
        ("score Talleres | Huerta | Murga", VoteKind.SCORE),
        ("puntaje Talleres | Huerta | Murga", VoteKind.SCORE),
        ("pontuação Oficinas | Horta | Rádio", VoteKind.SCORE),
    ],
)
def test_the_kind_words(text: str, kind: VoteKind) -> None:
    assert rules.read_poll(text).ballot == kind


def test_a_question_may_start_with_a_word_like_ranking() -> None:
    poll = rules.read_poll("Ranking de prioridades | Plaza | Escuela")
    assert poll.ballot is None and poll.question == "Ranking de prioridades"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ranked Q | solo", "at least two options"),
        ("score Q | Plaza | plaza", "is there twice"),
        ("ranked Q | " + " | ".join(f"o{i}" for i in range(10)), "at most {max} options"),
        ("ranked multi Q | a | b", "never multiple choice nor native"),
        ("native score Q | a | b", "never multiple choice nor native"),
    ],
)
def test_bad_ranked_and_score_polls_are_refused_with_an_example(text: str, message: str) -> None:
    with pytest.raises(DomainError) as raised:
        rules.read_poll(text)
    assert message in raised.value.message
    assert "example" in raised.value.kwargs
