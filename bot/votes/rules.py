"""The pure rules of votes: reading a command's text, tallies, quorum and outcomes.

Plain values in, plain values out: no database, no Telegram (tested as tables of values).

A proposal's positions are options 0..3: Agree, Abstain, Disagree, Block. Block means "I cannot
live with this" and needs a reason: a Block still without a reason when the vote closes counts
as a Disagree (the objection is kept, the veto is not). A position is a bit set of options
(bit i = option i): a proposal or a single-choice poll has one bit, a multi-choice poll several,
and 0 is no position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.core import timeparse
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen

if TYPE_CHECKING:
    from bot.votes.ballots import Round


class VoteKind(StrEnum):
    """What a vote is (stored in `votes.kind`)."""

    PROPOSAL = "proposal"
    POLL = "poll"  # a poll with buttons
    NATIVE = "native"  # a Telegram poll
    RANKED = "ranked"  # members order the options; instant runoff (bot.votes.ballots)
    SCORE = "score"  # members give each option 0 to 5; the highest mean wins


BALLOT_KINDS = (VoteKind.RANKED, VoteKind.SCORE)


AGREE, ABSTAIN, DISAGREE, BLOCK = range(4)
PROPOSAL_OPTIONS = 4

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_BALLOT_OPTIONS = 9  # a ranked or score ballot's digits fit a 32-bit integer (ballots.py)
MAX_QUESTION = 300  # Telegram's limit for a poll question
MAX_OPTION = 100  # Telegram's limit for a poll option


class OutcomeKind(StrEnum):
    """How a vote ended (stored in `votes.outcome` and `decisions.outcome`)."""

    NO_QUORUM = "no_quorum"  # a proposal or a poll: too few members took a position
    # a proposal
    PASSED = "passed"
    NOT_PASSED = "not_passed"
    BLOCKED = "blocked"
    # a poll
    WINNER = "winner"
    TIE = "tie"
    NO_VOTES = "no_votes"
    # no vote: an agreement recorded in a meeting's minutes
    AGREED = "agreed"


# how the digest and the Mini App's decision log name an outcome in a word
OUTCOME_WORDS: dict[str, str] = {
    OutcomeKind.PASSED: N_("passed"),
    OutcomeKind.NOT_PASSED: N_("not passed"),
    OutcomeKind.BLOCKED: N_("blocked"),
    OutcomeKind.NO_QUORUM: N_("no quorum"),
    OutcomeKind.WINNER: N_("decided"),
    OutcomeKind.TIE: N_("tie"),
    OutcomeKind.NO_VOTES: N_("nobody voted"),
    OutcomeKind.AGREED: N_("agreed at a meeting"),
}


def outcome_word(outcome: str) -> str:
    """The untranslated word for `outcome` (translate it with the reader's catalog)."""
    return OUTCOME_WORDS.get(outcome, N_("decided"))


# Option words at the end of a command: English in every group, the others only in their
# language (`fecha` closes a vote in Portuguese, but is the word "date" in Spanish).
CLOSES_WORDS_IN = {
    "en": {"closes", "close"},
    "es": {"cierra", "cierre"},
    "pt": {"encerra", "fecha"},
}
KEYWORD_CLOSES = "closes"  # the documented keyword: what follows it must be a closing time
CLOSES_WORDS = set().union(*CLOSES_WORDS_IN.values())
QUORUM_WORDS = {"quorum", "quórum"}
ANONYMOUS_WORDS_IN = {
    "en": {"anonymous", "secret"},
    "es": {"anonimo", "anónimo", "anonima", "anónima", "secreto", "secreta"},
    "pt": {"anonimo", "anônimo", "anonima", "anônima", "secreto", "secreta"},
}
MULTI_WORDS = {"multi", "multiple", "múltiple", "múltipla", "multipla"}
NATIVE_WORDS = {"native", "nativa", "nativo", "telegram"}
RANKED_WORDS = {"ranked", "ranqueada", "preferencial"}  # not "ranking": a question may start so
SCORE_WORDS = {"score", "puntaje", "puntuación", "puntuacion", "pontuação", "pontuacao"}
_QUORUM = re.compile(r"^(\d{1,4})\s*%?$")

# in the reader's language, with its closing word (`cierra`, `encerra`)
POLL_EXAMPLE = N_("/poll ¿Dónde hacemos la feria? | Plaza | Escuela | Parque closes 48h")
RANKED_EXAMPLE = N_("/poll ranked ¿Qué arreglamos primero? | Plaza | Escuela | Parque closes 48h")
SCORE_EXAMPLE = N_("/poll score ¿Qué taller hacemos? | Huerta | Murga | Radio closes 48h")
PROPOSAL_EXAMPLE = N_("/propose Pintar el mural el sábado closes 48h quorum 50%")
CLOSES_EXAMPLE = N_("closes 48h")


@frozen
class Tail:
    """What the options at the end of a command said; `text` is what remains before them."""

    text: str
    closes: str | None = None  # the closing-time phrase, still to be read
    quorum: int | None = None
    anonymous: bool = False


def in_language(words: dict[str, set[str]], language: str) -> set[str]:
    """The English words and those of `language` (a group's: "es", "pt_BR" or "pt", "en")."""
    return words["en"] | words.get(language.replace("-", "_").split("_")[0].lower(), set())


def read_tail(text: str, language: str) -> Tail:
    """Peel `closes …`, `quorum N%` and `anonymous` off the very end of `text`, in any order,
    in English or the group's `language`. After `closes` comes the closing time, read or
    refused by `closing_time`; the other closing words are everyday words too (`cierra la
    escuela`, `o prazo fecha`), so they count only when what follows them is a time."""
    closes_words = in_language(CLOSES_WORDS_IN, language)
    anonymous_words = in_language(ANONYMOUS_WORDS_IN, language)
    tokens = text.split()
    closes: str | None = None
    quorum: int | None = None
    anonymous = False
    while tokens:
        last = tokens[-1].lower()
        if last in anonymous_words and not anonymous:
            anonymous = True
            tokens.pop()
            continue
        if quorum is None and len(tokens) >= 2 and tokens[-2].lower() in QUORUM_WORDS:
            quorum = parse_quorum(tokens[-1])
            del tokens[-2:]
            continue
        if quorum is None and last in QUORUM_WORDS:
            raise DomainError(
                N_("Give the quorum as a percentage of the members. Example: {example}"),
                example="quorum 50%",
            )
        found = [i for i, t in enumerate(tokens) if t.lower() in closes_words]
        if closes is None and found:
            at = found[-1]
            phrase = " ".join(tokens[at + 1 :])
            if tokens[at].lower() == KEYWORD_CLOSES and not phrase:
                raise DomainError(BAD_CLOSING, value="", example=CLOSES_EXAMPLE)
            if tokens[at].lower() == KEYWORD_CLOSES or timeparse.reads_as_time(phrase):
                closes = phrase
                del tokens[at:]
                continue
        break
    return Tail(" ".join(tokens), closes, quorum, anonymous)


BAD_CLOSING = N_(
    "I can't read the closing time “{value}”. Write it like this: {example}, "
    "or a day and time like closes viernes 18:00"
)


def parse_quorum(raw: str) -> int:
    match = _QUORUM.match(raw.strip())
    value = int(match.group(1)) if match else -1
    if not 1 <= value <= 100:
        raise DomainError(
            N_("The quorum “{value}” must be a percentage from 1% to 100%. Example: {example}"),
            value=raw,
            example="quorum 50%",
        )
    return value


@frozen
class PollText:
    question: str
    options: tuple[str, ...]
    multi: bool
    native: bool
    ballot: VoteKind | None = None  # RANKED or SCORE


def read_poll(text: str) -> PollText:
    """`[native] [multi] [ranked|score] question | option | option …` (the options' tail
    already peeled)."""
    words = text.split()
    multi = native = False
    ballot: VoteKind | None = None
    flags = MULTI_WORDS | NATIVE_WORDS | RANKED_WORDS | SCORE_WORDS
    while words and words[0].lower() in flags:
        flag = words.pop(0).lower()
        if flag in MULTI_WORDS:
            multi = True
        elif flag in NATIVE_WORDS:
            native = True
        else:
            ballot = VoteKind.RANKED if flag in RANKED_WORDS else VoteKind.SCORE
    example = {VoteKind.RANKED: RANKED_EXAMPLE, VoteKind.SCORE: SCORE_EXAMPLE}.get(
        ballot or VoteKind.POLL, POLL_EXAMPLE
    )
    if ballot is not None and (multi or native):
        raise DomainError(
            N_("A ranked or score poll is never multiple choice nor native. Example: {example}"),
            example=example,
        )
    parts = [part.strip() for part in " ".join(words).split("|")]
    question, options = parts[0], [p for p in parts[1:] if p]
    check_question(question, example)
    if len(options) < MIN_OPTIONS:
        raise DomainError(
            N_("A poll needs at least two options, separated by |. Example: {example}"),
            example=example,
        )
    if ballot is not None and len(options) > MAX_BALLOT_OPTIONS:
        raise DomainError(
            N_(
                "A ranked or score poll can have at most {max} options; this one has {count}. "
                "Example: {example}"
            ),
            max=MAX_BALLOT_OPTIONS,
            count=len(options),
            example=example,
        )
    if len(options) > MAX_OPTIONS:
        raise DomainError(
            N_("A poll can have at most {max} options; this one has {count}."),
            max=MAX_OPTIONS,
            count=len(options),
        )
    for option in options:
        if len(option) > MAX_OPTION:
            raise DomainError(
                N_("Each option can have at most {max} characters: “{option}…” is longer."),
                max=MAX_OPTION,
                option=option[:30],
            )
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen and ballot is not None:
            raise DomainError(
                N_(
                    "The option “{option}” is there twice; each must be different. "
                    "Example: {example}"
                ),
                option=option,
                example=example,
            )
        if option.casefold() in seen:
            raise DomainError(N_("Two options are the same. Each option must be different."))
        seen.add(option.casefold())
    return PollText(question, tuple(options), multi, native, ballot)


def check_question(question: str, example: str) -> None:
    if not question.strip():
        raise DomainError(N_("What is the question? Example: {example}"), example=example)
    if len(question) > MAX_QUESTION:
        raise DomainError(
            N_("The question can have at most {max} characters; this one has {count}."),
            max=MAX_QUESTION,
            count=len(question),
        )


# -- tallies and outcomes -------------------------------------------------------------------


def options_of(choices: int) -> list[int]:
    """The options in a bit set: 0b101 → [0, 2]."""
    return [i for i in range(choices.bit_length()) if choices >> i & 1]


@frozen
class Stance:
    """One member's position as the rules see it."""

    choices: int
    has_reason: bool = False


def block_without_reason(stance: Stance) -> bool:
    """A proposal position that is a Block still without a reason."""
    return options_of(stance.choices)[:1] == [BLOCK] and not stance.has_reason


def counted_option(stance: Stance) -> int | None:
    """A proposal position as it counts: a Block without a reason counts as Disagree."""
    if block_without_reason(stance):
        return DISAGREE
    picked = options_of(stance.choices)
    return picked[0] if picked else None


def tally(stances: Sequence[Stance], n_options: int, *, proposal: bool) -> list[int]:
    counts = [0] * n_options
    for stance in stances:
        if proposal:
            option = counted_option(stance)
            if option is not None:
                counts[option] += 1
        else:
            for option in options_of(stance.choices):
                if option < n_options:
                    counts[option] += 1
    return counts


def quorum_met(voters: int, members: int, quorum: int | None) -> bool:
    """At least `quorum` percent of the members took a position (None: no quorum asked)."""
    if quorum is None:
        return True
    return voters * 100 >= quorum * members


@frozen
class Outcome:
    kind: OutcomeKind
    counts: tuple[int, ...]
    voters: int
    members: int
    winners: tuple[int, ...] = ()
    blocks_counted_as_disagree: int = 0  # a proposal's Blocks without a reason
    rounds: tuple[Round, ...] = ()  # a ranked poll's instant-runoff rounds
    means: tuple[Fraction | None, ...] = ()  # a score poll's mean per option (None: unscored)


def proposal_outcome(stances: Sequence[Stance], members: int, quorum: int | None) -> Outcome:
    """Blocked if any Block with a reason; passed if more Agree than Disagree; quorum first."""
    voters = sum(1 for s in stances if s.choices)
    counts = tuple(tally(stances, PROPOSAL_OPTIONS, proposal=True))
    if not quorum_met(voters, members, quorum):
        kind = OutcomeKind.NO_QUORUM
    elif counts[BLOCK]:
        kind = OutcomeKind.BLOCKED
    elif counts[AGREE] > counts[DISAGREE]:
        kind = OutcomeKind.PASSED
    else:
        kind = OutcomeKind.NOT_PASSED
    unreasoned = sum(1 for s in stances if block_without_reason(s))
    return Outcome(kind, counts, voters, members, blocks_counted_as_disagree=unreasoned)


def poll_outcome(
    stances: Sequence[Stance], n_options: int, members: int, quorum: int | None
) -> Outcome:
    """The option with the most votes wins; several with the most are a tie."""
    voters = sum(1 for s in stances if s.choices)
    counts = tuple(tally(stances, n_options, proposal=False))
    top = max(counts) if counts else 0
    winners = tuple(i for i, c in enumerate(counts) if c == top) if top else ()
    if not quorum_met(voters, members, quorum):
        return Outcome(OutcomeKind.NO_QUORUM, counts, voters, members)
    if not winners:
        return Outcome(OutcomeKind.NO_VOTES, counts, voters, members)
    kind = OutcomeKind.WINNER if len(winners) == 1 else OutcomeKind.TIE
    return Outcome(kind, counts, voters, members, winners)


# -- the closing time -----------------------------------------------------------------------

DEFAULT_DURATION_HOURS = 72
MAX_DURATION_DAYS = 90


def closing_time(phrase: str | None, *, tz: str, now: datetime) -> datetime:
    """When a vote closes: `48h`, `3 días`, `viernes 18:00`, `sexta 19h`, `18hs`, `fin de mes`…
    read in the group's time zone (`bot.core.timeparse`), or 72 h from now. A phrase with two
    readings raises `timeparse.UnsureTime` as it is, for the handler to ask which."""
    if phrase is None:
        return now + timedelta(hours=DEFAULT_DURATION_HOURS)
    with timeparse.refusing(phrase, BAD_CLOSING, value=phrase, example=CLOSES_EXAMPLE):
        when = timeparse.parse_deadline(phrase, tz=tz, now=now)
    if when <= now:
        raise DomainError(
            N_("The closing time “{value}” has already passed. Example: {example}"),
            value=phrase,
            example=CLOSES_EXAMPLE,
        )
    if when > now + timedelta(days=MAX_DURATION_DAYS):
        raise DomainError(
            N_("A vote can stay open at most {days} days. Example: {example}"),
            days=MAX_DURATION_DAYS,
            example=N_("closes 7d"),
        )
    return when


def reminder_lead(opened_at: datetime, closes_at: datetime) -> timedelta:
    """How long before the deadline the reminder goes: 6 h, or half the vote if shorter."""
    return min(timedelta(hours=6), (closes_at - opened_at) / 2)
