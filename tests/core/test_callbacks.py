"""Callback data is short, versioned by its prefix, and parsed strictly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.callbacks import Callback, StaleButton


@dataclass(frozen=True)
class Vote(Callback):
    prefix = "vote:cast"
    vote_id: int
    choice: str


def test_pack_and_parse_round_trip() -> None:
    data = Vote(vote_id=42, choice="agree").pack()
    assert data == "vote:cast:42:agree"
    assert Vote.parse(data) == Vote(42, "agree")
    assert Vote.pattern().match(data)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "vote:cast:42",
        "vote:cast:42:agree:x",
        "vote:cast:x:agree",
        "poll:cast:1:a",
        "vote:cast:42:ag ree",
        "vote:cast:42:" + "a" * 41,
    ],
)
def test_forged_or_stale_data_is_refused(data: str | None) -> None:
    with pytest.raises(StaleButton):
        Vote.parse(data)


def test_data_that_would_not_fit_in_64_bytes_is_refused_when_packing() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        Vote(vote_id=10**30, choice="b" * 40).pack()
    with pytest.raises(ValueError, match="cannot go in callback data"):
        Vote(vote_id=1, choice="a:b").pack()
