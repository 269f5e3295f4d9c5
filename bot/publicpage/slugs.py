"""A public page's address: `[a-z0-9-]`, 3 to 40 characters; one made from the group's title
when the coordinators give none (plain values, no database, no Telegram)."""

from __future__ import annotations

import re
import secrets
import unicodedata

MIN, MAX = 3, 40
VALID = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_RUN = re.compile(r"[^a-z0-9]+")
STEM = 30  # of a generated slug: the title's part; then "-" and a short random tail


def is_valid(slug: str) -> bool:
    return MIN <= len(slug) <= MAX and VALID.fullmatch(slug) is not None and "--" not in slug


def from_title(title: str | None, tail: str | None = None) -> str:
    """`Vecinos del Barrio Norte` → `vecinos-del-barrio-norte-k3f9`: the title without accents
    or signs, cut at a word, and four random characters so that it is not guessed."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    stem = _RUN.sub("-", ascii_title.lower()).strip("-")
    if len(stem) > STEM:
        cut = stem[: STEM + 1]  # a dash right after the limit ends a whole word
        stem = cut.rsplit("-", 1)[0] if "-" in cut else stem[:STEM]
    tail = tail or secrets.token_hex(2)
    return f"{stem}-{tail}" if stem else f"minga-{tail}"
