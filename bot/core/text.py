"""Text that must fit: a long name, question or answer cut to a length, with an ellipsis."""

from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut there, with "…" as the last one."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def in_one_line(text: str, limit: int) -> str:
    """`text` on one line (every run of white space one space), shortened to `limit`."""
    return shorten(" ".join(text.split()), limit)
