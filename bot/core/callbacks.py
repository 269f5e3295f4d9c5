"""Callback data: `feature:action:id[:arg]`, at most 64 bytes, parsed strictly.

Each feature's buttons are small frozen dataclasses deriving from `Callback`:

    @frozen
    class SetLanguage(Callback):
        prefix = "grp:lang"
        lang: str

`pack()` gives the string for the button, `pattern()` the anchored regex for the
`CallbackQueryHandler`, `parse()` the dataclass back or raises `StaleButton`: a forged or
outdated payload gets a short toast, never an exception. A callback never carries a chat or a
message id — those come from the update itself.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import ClassVar, Self

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen

MAX_BYTES = 64
STALE_BUTTON = N_("This button no longer works. Send the command again.")
_FIELD = re.compile(r"[A-Za-z0-9_\-]{1,40}")


class StaleButton(ValueError):
    """The button's data is not one this version of the bot understands."""


@frozen
class Callback:
    prefix: ClassVar[str]

    def pack(self) -> str:
        parts = [self.prefix]
        for f in dataclasses.fields(self):
            value = str(getattr(self, f.name))
            if not _FIELD.fullmatch(value):
                raise ValueError(f"{f.name}={value!r} cannot go in callback data")
            parts.append(value)
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    @functools.cache
    def pattern(cls) -> re.Pattern[str]:
        count = len(dataclasses.fields(cls))
        fields = "".join(r":[A-Za-z0-9_\-]{1,40}" for _ in range(count))
        return re.compile("^" + re.escape(cls.prefix) + fields + "$")

    @classmethod
    def parse(cls, data: str | None) -> Self:
        if not data or not cls.pattern().fullmatch(data):
            raise StaleButton(data)
        values = data[len(cls.prefix) + 1 :].split(":")
        kwargs = {}
        for f, raw in zip(dataclasses.fields(cls), values, strict=True):
            try:
                kwargs[f.name] = int(raw) if f.type in (int, "int") else raw
            except ValueError as exc:
                raise StaleButton(data) from exc
        return cls(**kwargs)

    @classmethod
    def parse_or_stale(cls, data: str | None) -> Self:
        """`parse`, for handlers: a forged or outdated button becomes the short toast."""
        try:
            return cls.parse(data)
        except StaleButton as exc:
            raise DomainError(STALE_BUTTON) from exc
