"""The groups feature's buttons."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class SetLanguage(Callback):
    prefix = "grp:lang"
    lang: str


@frozen
class SetZone(Callback):
    """One of the common time zones the greeting offers (`groups.settings.CommonZone.key`)."""

    prefix = "grp:tz"
    key: str


@frozen
class SetZoneAsAdmin(SetZone):
    """The same, under a greeting sent when the bot was added as an admin (so it does not
    ask to be made one)."""

    prefix = "grp:tza"


@frozen
class ChangeZone(Callback):
    """One of the common time zones under `/timezone`'s answer."""

    prefix = "grp:tzc"
    key: str


@frozen
class HelpPage(Callback):
    """A topic of /help (`HelpTopic.key`): the message shows that topic's page."""

    prefix = "grp:help"
    key: str


@frozen
class HelpIndex(Callback):
    """Back from a topic's page to /help's short list."""

    prefix = "grp:helpx"
