"""The groups feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class SetLanguage(Callback):
    prefix = "grp:lang"
    lang: str
