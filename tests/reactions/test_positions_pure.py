"""The pure parts: the allowed emoji, the map's grammar, delays, tallies (no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.constants import ReactionEmoji

from bot.core.errors import DomainError
from bot.core.i18n import translator
from bot.reactions import render
from bot.reactions.positions import (
    ALLOWED,
    ALLOWED_REACTIONS,
    DEFAULT_MAP,
    Reacted,
    Who,
    compute_tally,
    normalize_emoji,
    parse_delay,
    parse_map,
)


def test_the_allowed_emoji_are_the_bot_api_list() -> None:
    assert len(ALLOWED_REACTIONS) == len(set(ALLOWED_REACTIONS)) == 73
    # PTB writes a few with variation selectors; compared without them they are the same
    assert {normalize_emoji(e.value) for e in ReactionEmoji} == ALLOWED
    assert "❤\u200d🔥" in ALLOWED and normalize_emoji("❤️‍🔥") in ALLOWED
    assert "🦆" not in ALLOWED and "👍🏽" not in ALLOWED


def test_a_map_reads_pairs_aliases_and_spaces() -> None:
    assert parse_map("👍=agree 🙏 = apoyo ❤️=SUPPORT 👀=visto 🤷‍♂️=doubt") == [
        ("👍", "agree"),
        ("🙏", "support"),
        ("❤", "support"),
        ("👀", "seen"),
        ("🤷\u200d♂", "doubts"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "👍", "👍=", "=agree", "🦆=agree", "👍=maybe", "👍=agree 👍=block", "x=agree"],
)
def test_a_bad_map_is_a_domain_error(text: str) -> None:
    with pytest.raises(DomainError):
        parse_map(text)


def test_delays() -> None:
    assert parse_delay("12h") == timedelta(hours=12)
    assert parse_delay("90 min") == timedelta(minutes=90)
    assert parse_delay("3 días") == timedelta(days=3)
    assert parse_delay("1 semana") == timedelta(days=7)
    assert parse_delay("1h30") == timedelta(minutes=90)
    for bad in ("", "mañana", "5m", "15d", "-3h", "3 semanas", "12"):
        with pytest.raises(DomainError):
            parse_delay(bad)


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
    text = render.tally(translator("en"), result)
    assert "👍👌 Agree: 1 — Ana" in text
    assert "🤔 Has doubts: 1 — Luis Ortiz" in text
    assert "👎 Disagree: 1 — the group (anonymous admin)" in text
    assert text.endswith("2 members of the group have not reacted.")


def test_names_are_escaped_in_tallies() -> None:
    hostile = Who(9, "<b>Ana & co</b>")
    result = compute_tally(DEFAULT_MAP, [Reacted(hostile, ("👍",))], None, {9}, None)
    text = render.tally(translator("pt_BR"), result)
    assert "&lt;b&gt;Ana &amp; co&lt;/b&gt;" in text
    assert text.endswith("0 integrante do grupo não reagiu.")
