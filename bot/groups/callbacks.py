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
class SetZoneAsAdmin(SetZone):
    """The same, under a greeting sent when the bot was added as an admin (so it does not
    ask to be made one)."""

    prefix = "grp:tza"


@dataclass(frozen=True)
class ChangeZone(Callback):
    """One of the common time zones under `/timezone`'s answer."""

    prefix = "grp:tzc"
    key: str


@dataclass(frozen=True)
class HelpPage(Callback):
    """A topic of /help (`HelpTopic.key`): the message shows that topic's page."""

    prefix = "grp:help"
    key: str


@dataclass(frozen=True)
class HelpIndex(Callback):
    """Back from a topic's page to /help's short list."""

    prefix = "grp:helpx"
