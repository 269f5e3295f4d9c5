"""The pure parts: the allowed emoji, the map's grammar, delays, tallies (no database)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from telegram.constants import ReactionEmoji

from bot.core.errors import DomainError
from bot.core.i18n import translator
from bot.reactions import render
from bot.reactions.positions import (
    ALLOWED,
    ALLOWED_REACTIONS,
    DEFAULT_MAP,
    MAP_EXAMPLE,
    MAX_PAIRS,
    MEANINGS,
    Reacted,
    Who,
    compute_tally,
    is_delay,
    meaning_label,
    merge_map,
    normalize_emoji,
    parse_delay,
    parse_map,
    seen_emoji,
)

# the refusals, as the bot writes them (English source strings, translated on reply)
BAD_FORMAT = "Write each position as emoji=meaning, for example: {example}"
NOT_ALLOWED = (
    "{emoji} is not a reaction Telegram allows. Choose one from the reactions menu, "
    "for example: {example}"
)
UNKNOWN_MEANING = (
    "I don't know the meaning “{meaning}”. Use agree, disagree, doubts, seen, support or "
    "block, for example: {example}"
)
TWICE = "{emoji} appears twice: give each emoji one meaning, for example: {example}"
UNREADABLE_DELAY = "I can't read “{value}” as a delay. Use hours or days, for example: {example}"
DELAY_RANGE = "The reminder can wait from 10 minutes to 14 days, for example: {example}"
MAP_SUPPORT_EXAMPLE = "/positions map 👍=agree 🙏=support"
REMIND_EXAMPLE = "/notice remind 12h"

# twelve distinct allowed emoji, for the size limit of a map
TWELVE = ("👍", "👎", "🤔", "👀", "🙏", "❤", "🔥", "👏", "🎉", "💯", "🤝", "✍")


def refusal(exc: pytest.ExceptionInfo[DomainError]) -> tuple[str, dict[str, Any]]:
    return exc.value.message, exc.value.kwargs


def test_the_allowed_emoji_are_the_bot_api_list() -> None:
    assert len(ALLOWED_REACTIONS) == len(set(ALLOWED_REACTIONS)) == 73
    # PTB writes a few with variation selectors; compared without them they are the same
    assert {normalize_emoji(e.value) for e in ReactionEmoji} == ALLOWED
    assert "❤\u200d🔥" in ALLOWED and normalize_emoji("❤️‍🔥") in ALLOWED
    assert "🦆" not in ALLOWED and "👍🏽" not in ALLOWED


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("👍", "👍"), (" ❤️ ", "❤"), ("☃️", "☃"), ("❤️‍🔥", "❤\u200d🔥"), ("", "")],
)
def test_emoji_are_compared_trimmed_and_without_variation_selectors(
    raw: str, normalized: str
) -> None:
    assert normalize_emoji(raw) == normalized


def test_a_map_reads_pairs_aliases_and_spaces() -> None:
    assert parse_map("👍=agree 🙏 = apoyo ❤️=SUPPORT 👀=visto 🤷‍♂️=doubt") == [
        ("👍", "agree"),
        ("🙏", "support"),
        ("❤", "support"),
        ("👀", "seen"),
        ("🤷\u200d♂", "doubts"),
    ]


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        *((m, m) for m in MEANINGS),
        ("Agree", "agree"),
        ("acuerdo", "agree"),
        ("concordo", "agree"),
        ("sí", "agree"),
        ("si", "agree"),
        ("sim", "agree"),
        ("desacuerdo", "disagree"),
        ("discordo", "disagree"),
        ("no", "disagree"),
        ("não", "disagree"),
        ("nao", "disagree"),
        ("doubt", "doubts"),
        ("dudas", "doubts"),
        ("duda", "doubts"),
        ("dúvidas", "doubts"),
        ("duvidas", "doubts"),
        ("dúvida", "doubts"),
        ("duvida", "doubts"),
        ("visto", "seen"),
        ("apoyo", "support"),
        ("apoio", "support"),
        ("BLOCK", "block"),
        ("bloqueo", "block"),
        ("Bloqueio", "block"),
    ],
)
def test_each_meaning_is_read_by_its_word_and_its_aliases(word: str, meaning: str) -> None:
    assert parse_map(f"👍={word}") == [("👍", meaning)]


@pytest.mark.parametrize(
    "text",
    ["👍=agree", " 👍=agree ", "👍 =agree", "👍= agree", "👍   =   agree", "\n👍=agree\t"],
)
def test_spaces_around_the_equals_sign_and_the_map_do_not_matter(text: str) -> None:
    assert parse_map(text) == [("👍", "agree")]


def test_a_map_keeps_its_order_and_may_have_twelve_pairs() -> None:
    assert len(TWELVE) == MAX_PAIRS == 12
    text = " ".join(f"{e}=support" for e in TWELVE)
    assert parse_map(text) == [(e, "support") for e in TWELVE]


@pytest.mark.parametrize(
    ("text", "message", "kwargs"),
    [
        ("", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("   ", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("👍", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("👍=", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("=agree", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("=", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        ("👍=agree 👎", BAD_FORMAT, {"example": MAP_EXAMPLE}),
        (
            " ".join(f"{e}=support" for e in (*TWELVE, "😇")),
            BAD_FORMAT,
            {"example": MAP_EXAMPLE},
        ),
        ("🦆=agree", NOT_ALLOWED, {"emoji": "🦆", "example": MAP_SUPPORT_EXAMPLE}),
        ("👍🏽=agree", NOT_ALLOWED, {"emoji": "👍🏽", "example": MAP_SUPPORT_EXAMPLE}),
        ("x=agree", NOT_ALLOWED, {"emoji": "x", "example": MAP_SUPPORT_EXAMPLE}),
        ("🦆=maybe", NOT_ALLOWED, {"emoji": "🦆", "example": MAP_SUPPORT_EXAMPLE}),
        ("👍=maybe", UNKNOWN_MEANING, {"meaning": "maybe", "example": MAP_SUPPORT_EXAMPLE}),
        ("👍=Maybe", UNKNOWN_MEANING, {"meaning": "Maybe", "example": MAP_SUPPORT_EXAMPLE}),
        # only the first "=" separates: the rest is the (unknown) meaning
        ("👍=agree=x", UNKNOWN_MEANING, {"meaning": "agree=x", "example": MAP_SUPPORT_EXAMPLE}),
        ("👍=agree 👍=block", TWICE, {"emoji": "👍", "example": MAP_EXAMPLE}),
        ("❤=agree 👎=no ❤️=block", TWICE, {"emoji": "❤", "example": MAP_EXAMPLE}),
    ],
)
def test_a_bad_map_says_what_is_wrong(text: str, message: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as exc:
        parse_map(text)
    assert refusal(exc) == (message, kwargs)
    # the sentence is in the catalogs, so the reply is in the group's language
    assert exc.value.render(translator("es")) != exc.value.render(translator("en"))


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (DEFAULT_MAP, ["👀"]),
        ([("👍", "agree")], ["👀"]),
        ([], ["👀"]),
        ([("✍", "seen"), ("👍", "agree"), ("👌", "seen")], ["✍", "👌"]),
        ([("🫡", "seen")], ["🫡"]),
    ],
)
def test_the_emoji_that_acknowledge_a_notice(
    pairs: list[tuple[str, str]], expected: list[str]
) -> None:
    assert seen_emoji(pairs) == expected


@pytest.mark.parametrize(
    ("raw", "delay"),
    [
        ("12h", timedelta(hours=12)),
        ("90 min", timedelta(minutes=90)),
        ("3 días", timedelta(days=3)),
        ("1 semana", timedelta(days=7)),
        ("1h30", timedelta(minutes=90)),
        ("10 min", timedelta(minutes=10)),  # the shortest
        ("10min", timedelta(minutes=10)),
        ("14 días", timedelta(days=14)),  # the longest
        ("336h", timedelta(days=14)),
        ("2 weeks", timedelta(days=14)),
    ],
)
def test_a_delay_within_bounds_is_read(raw: str, delay: timedelta) -> None:
    assert parse_delay(raw) == delay


@pytest.mark.parametrize("raw", ["9 min", "5m", "14 días y 1 minuto", "337h", "15d", "3 semanas"])
def test_a_delay_out_of_bounds_is_refused(raw: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_delay(raw)
    assert refusal(exc) == (DELAY_RANGE, {"example": REMIND_EXAMPLE})
    assert exc.value.render(translator("es")) != exc.value.render(translator("en"))


@pytest.mark.parametrize("raw", ["", "mañana", "-3h", "12", "0 min", "366 días"])
def test_an_unreadable_delay_is_refused(raw: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_delay(raw)
    assert refusal(exc) == (UNREADABLE_DELAY, {"value": raw, "example": REMIND_EXAMPLE})
    assert exc.value.render(translator("es")) != exc.value.render(translator("en"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2 días", True), ("12h", True), ("15d", True), ("5m", True), ("mañana", False),
     ("12", False), ("", False), ("todos", False)],
)  # fmt: skip
def test_is_delay_reads_any_duration_within_bounds_or_not(text: str, expected: bool) -> None:
    assert is_delay(text) is expected


def test_a_tally_counts_each_actor_once_per_meaning() -> None:
    ana, luis, group = Who(1, "Ana"), Who(2, "Luis", "Ortiz"), Who(-5, "", None, True)
    pairs = [*DEFAULT_MAP, ("👌", "agree")]
    result = compute_tally(
        pairs,
        [
            Reacted(ana, ("👍", "👌")),  # two emoji, one meaning: counted once
            Reacted(luis, ("🤔", "custom:1", "paid")),
            Reacted(group, ("👎",)),
            Reacted(Who(3, "Mary"), ()),  # took her reaction off
        ],
        {"👍": 3, "🔥": 7},
        members={1, 2, 3, 4},
        bot_admin=True,
    )
    by = {p.meaning: p for p in result.positions}
    assert by["agree"].people == (ana,) and by["agree"].emoji == ("👍", "👌")
    assert by["doubts"].people == (luis,) and by["disagree"].people == (group,)
    assert by["seen"].count == 0
    assert result.not_reacted == 2  # Mary and member 4
    assert result.anonymous == (("agree", 3), ("disagree", 0), ("doubts", 0), ("seen", 0))
    assert result.bot_admin is True and result.named
    text = render.tally(translator("en"), result)
    assert "👍👌 Agree: 1 — Ana" in text
    assert "🤔 Has doubts: 1 — Luis Ortiz" in text
    assert "👎 Disagree: 1 — the group (anonymous admin)" in text
    assert text.endswith("2 members of the group have not reacted.")


def test_a_tally_lists_meanings_in_map_order_with_everyone_under_each_they_chose() -> None:
    ana, luis, rosa = Who(1, "Ana"), Who(2, "Luis"), Who(3, "Rosa")
    pairs = [("🙏", "support"), ("👎", "block"), ("❤", "support"), ("👍", "agree")]
    result = compute_tally(
        pairs,
        [
            Reacted(ana, ("❤", "👎")),  # two meanings: under both
            Reacted(luis, ("🙏",)),
            Reacted(rosa, ("❤", "🙏")),  # two emoji, one meaning
            Reacted(Who(99, "Guest"), ("👍",)),  # not a member: counted, but not in members
        ],
        None,
        members={1, 2, 3, 4, 5},
        bot_admin=False,
    )
    assert [(p.meaning, p.emoji, p.people) for p in result.positions] == [
        ("support", ("🙏", "❤"), (ana, luis, rosa)),
        ("block", ("👎",), (ana,)),
        ("agree", ("👍",), (Who(99, "Guest"),)),
    ]
    assert [p.count for p in result.positions] == [3, 1, 1]
    assert result.anonymous == ()
    assert result.not_reacted == 2  # members 4 and 5
    assert result.bot_admin is False


def test_a_reaction_off_the_map_is_a_reaction_but_no_position() -> None:
    ana = Who(1, "Ana")
    result = compute_tally(DEFAULT_MAP, [Reacted(ana, ("🔥", "custom:7"))], {}, {1, 2}, None)
    assert all(p.people == () for p in result.positions)
    assert [p.meaning for p in result.positions] == ["agree", "disagree", "doubts", "seen"]
    assert not result.named
    assert result.not_reacted == 1  # Ana reacted, only not with a position
    assert result.anonymous == ()  # no anonymous counts at all
    assert result.bot_admin is None


@pytest.mark.parametrize(
    ("counts", "anonymous"),
    [
        (None, ()),
        ({}, ()),
        ({"🔥": 4}, (("support", 0), ("agree", 0))),
        ({"🙏": 2, "❤": 5, "👍": 1}, (("support", 7), ("agree", 1))),
        ({"👍": 3, "🔥": 9, "❤": 0}, (("support", 0), ("agree", 3))),
    ],
)
def test_anonymous_counts_are_summed_per_meaning(
    counts: dict[str, int] | None, anonymous: tuple[tuple[str, int], ...]
) -> None:
    pairs = [("🙏", "support"), ("👍", "agree"), ("❤", "support")]
    result = compute_tally(pairs, [], counts, {1}, None)
    assert result.anonymous == anonymous
    assert not result.named and result.not_reacted == 1


@pytest.mark.parametrize(
    ("meaning", "label"),
    [
        ("agree", "De acuerdo"),
        ("disagree", "En desacuerdo"),
        ("doubts", "Tiene dudas"),
        ("seen", "Visto"),
        ("support", "Apoyo"),
        ("block", "Bloqueo"),
    ],
)
def test_each_meaning_has_a_translated_label(meaning: str, label: str) -> None:
    assert meaning_label(translator("es"), meaning) == label


def test_every_meaning_has_a_label() -> None:
    tr = translator("en")
    assert [meaning_label(tr, m) for m in MEANINGS] == [
        "Agree", "Disagree", "Has doubts", "Seen", "Support", "Block",
    ]  # fmt: skip


def test_names_are_escaped_in_tallies() -> None:
    hostile = Who(9, "<b>Ana & co</b>")
    result = compute_tally(DEFAULT_MAP, [Reacted(hostile, ("👍",))], None, {9}, None)
    text = render.tally(translator("pt_BR"), result)
    assert "&lt;b&gt;Ana &amp; co&lt;/b&gt;" in text
    assert text.endswith("0 integrante do grupo não reagiu.")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([("🙏", "support")], [*DEFAULT_MAP, ("🙏", "support")]),  # added at the end
        ([("👍", "block")], [("👍", "block"), *DEFAULT_MAP[1:]]),  # changed in its place
        ([("🤔", "none")], [p for p in DEFAULT_MAP if p[0] != "🤔"]),  # taken out
        ([("🔥", "none")], list(DEFAULT_MAP)),  # taking out what is not there: nothing
    ],
)
def test_a_map_change_touches_only_the_listed_emoji(changes, expected) -> None:
    assert merge_map(DEFAULT_MAP, changes) == expected


def test_a_map_cannot_grow_past_its_limit() -> None:
    new = [(e, "support") for e in TWELVE if e not in dict(DEFAULT_MAP)]
    # 4 defaults + 8 new = 12 fits; one more does not
    assert len(merge_map(DEFAULT_MAP, new)) == MAX_PAIRS
    with pytest.raises(DomainError) as refused:
        merge_map(DEFAULT_MAP, [*new, ("😮", "support")])
    assert refused.value.kwargs == {"limit": MAX_PAIRS}
    # the emoji already in the map change their meaning without counting twice
    assert merge_map(DEFAULT_MAP, [(e, "support") for e in TWELVE]) == [
        (e, "support") for e in TWELVE
    ]


@pytest.mark.parametrize("word", ["none", "nada", "ninguno", "nenhum", "-"])
def test_none_takes_an_emoji_out(word: str) -> None:
    assert parse_map(f"👀={word}") == [("👀", "none")]
