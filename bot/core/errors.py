"""Errors a person caused and can fix: one translatable sentence, usually with an example."""

from __future__ import annotations

import html
from typing import Any


class DomainError(Exception):
    """Raised by services and handlers; turned into a short reply (or a toast for buttons).

    `message` is an English source string marked with `N_()`; `kwargs` fill its placeholders
    after translation (HTML-escaped, since every reply is HTML).
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message)
        self.message = message
        self.kwargs = kwargs

    def render(self, tr: Any) -> str:
        """The sentence in `tr`'s language; a `Msgid` argument (an example) is translated too,
        and every argument is escaped."""
        args = tr.arguments(self.kwargs)
        return tr.gettext(self.message, **{k: html.escape(str(v)) for k, v in args.items()})
