"""Text cut to fit: one way, for every feature's long names, questions and answers."""

from __future__ import annotations

import pytest

from bot.core.text import in_one_line, shorten


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Pintar el mural", 15, "Pintar el mural"),  # exactly the limit: as it is
        ("Pintar el mural", 14, "Pintar el mur…"),
        ("Pintar el  mural", 11, "Pintar el…"),  # no space before the ellipsis
        ("", 5, ""),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_in_one_line_folds_white_space_first() -> None:
    assert in_one_line("Pintar\nel   mural\t", 80) == "Pintar el mural"
    assert in_one_line("Pintar\nel   mural", 10) == "Pintar el…"
