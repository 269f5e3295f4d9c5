"""The groups feature's buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Callback


@dataclass(frozen=True)
class SetLanguage(Callback):
    prefix = "grp:lang"
    lang: str


@dataclass(frozen=True)
class SetZone(Callback):
    """One of the common time zones the greeting offers (`groups.service.CommonZone.key`)."""

    prefix = "grp:tz"
    key: str


@dataclass(frozen=True)
class ChangeZone(Callback):
    """One of the common time zones under `/timezone`'s answer."""

    prefix = "grp:tzc"
    key: str
