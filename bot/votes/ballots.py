"""The pure rules of ranked-choice and score polls: how a ballot is kept in a position, the
instant-runoff count and the score outcome.

Plain values in, plain values out: no database, no Telegram (tested as tables of values).

A ballot lives in `positions.choices` (an integer, so uniqueness per (vote, member), reasons,
reminders and quorum work as for any vote; 0 is no ballot), in decimal digits:

- ranked: the options in the member's order, most significant digit first, each as its
  1-based number: 312 is "option 3, then 1, then 2". A tap appends a digit.
- score: digit i (from the right, 10**i) is option i's score plus one (1..6); 0 is unscored.
  So 61 is "option 0 scored 0, option 1 scored 5".

Nine digits fit a 32-bit integer, hence `MAX_BALLOT_OPTIONS`.

Instant runoff, round by round: each continuing ballot counts for its highest-ranked option
still in the race; an option with more than half of the continuing ballots wins. Otherwise
the options with no ballot at all go out together (when some option has ballots), else the
one with the fewest: among tied options, the one with fewer ballots in the previous round,
then the round before, and so on; still tied, the later one in the listed order. When every
option left is tied in every round, the poll is a tie between them. A ballot whose options
are all out is exhausted and counts no more.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from bot.core.records import frozen
from bot.votes import rules
from bot.votes.rules import Outcome, OutcomeKind

MAX_BALLOT_OPTIONS = rules.MAX_BALLOT_OPTIONS
MIN_SCORE, MAX_SCORE = 0, 5


# -- ballots in a position ----------------------------------------------------------------


def ranking_of(choices: int) -> list[int]:
    """The options (0-based) in the member's order: 312 → [2, 0, 1]."""
    return [int(d) - 1 for d in str(choices) if d != "0"] if choices > 0 else []


def appended(choices: int, option: int) -> int:
    """The ranking with `option` (0-based) added last."""
    return choices * 10 + option + 1


def scores_of(choices: int, n_options: int) -> list[int | None]:
    """Each option's score (None: not scored): 61 → [0, 5, None…]."""
    return [(digit - 1 if (digit := choices // 10**i % 10) else None) for i in range(n_options)]


def score_digit(choices: int, option: int) -> int:
    """Option's digit in a score ballot: its score + 1, or 0 when not scored."""
    return choices // 10**option % 10


# -- instant runoff -------------------------------------------------------------------------


@frozen
class Round:
    counts: tuple[int | None, ...]  # per option; None: out before this round
    exhausted: int  # ballots with no option left
    eliminated: tuple[int, ...] = ()  # out after this round


@frozen
class Runoff:
    rounds: tuple[Round, ...]
    winners: tuple[int, ...]  # one, or the options tied to the end, or none (no ballots)


def instant_runoff(rankings: Sequence[Sequence[int]], n_options: int) -> Runoff:
    ballots = [[o for o in r if 0 <= o < n_options] for r in rankings]
    ballots = [b for b in ballots if b]
    continuing = set(range(n_options))
    rounds: list[Round] = []
    while continuing:
        counts = [0] * n_options
        exhausted = 0
        for ballot in ballots:
            top = next((o for o in ballot if o in continuing), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        shown = tuple(counts[o] if o in continuing else None for o in range(n_options))
        active = sum(counts[o] for o in continuing)
        if active == 0:
            rounds.append(Round(shown, exhausted))
            return Runoff(tuple(rounds), ())
        best = max(continuing, key=lambda o: (counts[o], -o))
        if counts[best] * 2 > active:
            rounds.append(Round(shown, exhausted))
            return Runoff(tuple(rounds), (best,))
        zero = sorted(o for o in continuing if counts[o] == 0)
        if zero:
            out = zero
        else:
            low = min(counts[o] for o in continuing)
            lowest = sorted(o for o in continuing if counts[o] == low)
            for past in reversed(rounds):
                if len(lowest) == 1:
                    break
                fewest = min(past.counts[o] or 0 for o in lowest)
                lowest = [o for o in lowest if (past.counts[o] or 0) == fewest]
            if len(lowest) == len(continuing):
                rounds.append(Round(shown, exhausted))
                return Runoff(tuple(rounds), tuple(lowest))
            out = [lowest[-1]]
        rounds.append(Round(shown, exhausted, tuple(out)))
        continuing -= set(out)
    return Runoff(tuple(rounds), ())  # pragma: no cover - a round always ends the loop


def ranked_outcome(
    rankings: Sequence[Sequence[int]], n_options: int, members: int, quorum: int | None
) -> Outcome:
    """The instant-runoff result; quorum first (people who ranked at least one option)."""
    voters = sum(1 for r in rankings if r)
    runoff = instant_runoff(rankings, n_options)
    first = tuple(c or 0 for c in runoff.rounds[0].counts) if runoff.rounds else ()
    if not rules.quorum_met(voters, members, quorum):
        return Outcome(OutcomeKind.NO_QUORUM, first, voters, members, rounds=runoff.rounds)
    if not runoff.winners:
        return Outcome(OutcomeKind.NO_VOTES, first, voters, members)
    kind = OutcomeKind.WINNER if len(runoff.winners) == 1 else OutcomeKind.TIE
    return Outcome(kind, first, voters, members, runoff.winners, rounds=runoff.rounds)


# -- score --------------------------------------------------------------------------------


def score_outcome(
    ballots: Sequence[Sequence[int | None]], n_options: int, members: int, quorum: int | None
) -> Outcome:
    """The option with the highest mean score wins (options nobody scored are out); several
    with the same mean are a tie. `counts`: how many scored each option."""
    voters = sum(1 for b in ballots if any(s is not None for s in b))
    sums, counts = [0] * n_options, [0] * n_options
    for ballot in ballots:
        for option, score in enumerate(ballot[:n_options]):
            if score is not None:
                sums[option] += score
                counts[option] += 1
    means = tuple(Fraction(s, c) if c else None for s, c in zip(sums, counts, strict=True))
    scored = [m for m in means if m is not None]
    top = max(scored) if scored else None
    winners = tuple(i for i, m in enumerate(means) if m is not None and m == top)
    if not rules.quorum_met(voters, members, quorum):
        return Outcome(OutcomeKind.NO_QUORUM, tuple(counts), voters, members, means=means)
    if not winners:
        return Outcome(OutcomeKind.NO_VOTES, tuple(counts), voters, members, means=means)
    kind = OutcomeKind.WINNER if len(winners) == 1 else OutcomeKind.TIE
    return Outcome(kind, tuple(counts), voters, members, winners, means=means)


def means_of(ballots: Sequence[Sequence[int | None]], n_options: int) -> list[Fraction | None]:
    """Each option's mean score so far (None: nobody scored it), for the vote message."""
    return list(score_outcome(ballots, n_options, 0, None).means)
