"""The charter's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class Accept(Callback):
    prefix = "chr:ok"
    version_id: int
