"""Translations from the gettext catalogs in `locales/`, read straight from the `.po` files.

Source strings are English. Code marks them with `_()` / `gettext()` / `ngettext()` /
`pgettext()` on a `Translator`, or with `N_()` where the text is translated later (command
descriptions, error messages). Named `{placeholders}` are filled after translation.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from bot.core.pofile import translations
from bot.core.records import frozen

LANGUAGES = ("es", "pt_BR", "en")
DOMAIN = "minga"
# what Telegram calls each language in `language_code` (menus, users' settings)
TELEGRAM_CODES = {"es": "es", "pt_BR": "pt", "en": "en"}
LANGUAGE_NAMES = {"es": "Español", "pt_BR": "Português (Brasil)", "en": "English"}


class Msgid(str):
    """A message marked with `N_()`: translated where it is shown, also when it fills another
    message's placeholder (an example in the reader's language: `example=N_("/commit …")`)."""


def N_(message: str) -> Msgid:
    """Mark a string for translation where it is translated later."""
    return Msgid(message)


def normalize_language(code: str | None) -> str | None:
    """`es-AR`, `pt`, `pt-br`, `PT_BR`, `en-US` → one of LANGUAGES; anything else → None."""
    if not code:
        return None
    base = code.strip().replace("-", "_").lower().split("_")[0]
    return {"es": "es", "pt": "pt_BR", "en": "en"}.get(base)


def locales_dir() -> Path:
    """The catalogs: `bot.locales` when installed, which is `locales/` in the repository."""
    return Path(str(resources.files("bot.locales")))


def catalog_path(lang: str) -> Path:
    return locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _load(lang: str) -> _gettext.NullTranslations:
    path = catalog_path(lang)
    if not path.exists():
        return _gettext.NullTranslations()
    return translations(path)


@frozen
class Translator:
    """The strings of one language. Keyword arguments fill `{placeholders}` after translation."""

    lang: str

    @property
    def _t(self) -> _gettext.NullTranslations:
        return _load(self.lang)

    def gettext(self, message: str, **kwargs: Any) -> str:
        text = self._t.gettext(message)
        return text.format(**self.arguments(kwargs)) if kwargs else text

    def arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """`kwargs` with each `Msgid` translated (filled with the other, plain arguments)."""
        plain = {k: v for k, v in kwargs.items() if not isinstance(v, Msgid)}
        return {
            k: self._t.gettext(v).format(**plain) if isinstance(v, Msgid) else v
            for k, v in kwargs.items()
        }

    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, **kwargs: Any) -> str:
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=n, **self.arguments(kwargs))

    def pgettext(self, context: str, message: str, **kwargs: Any) -> str:
        text = self._t.pgettext(context, message)
        return text.format(**kwargs) if kwargs else text


# the language last asked for in this task (a turn's, or a tick's group's): what names a
# tombstone where no translator is at hand (`core.people.person_name`)
_speaking: ContextVar[str] = ContextVar("speaking", default="es")


def translator(lang: str | None, default: str = "es") -> Translator:
    tr = Translator(normalize_language(lang) or normalize_language(default) or "es")
    _speaking.set(tr.lang)
    return tr


def speaking() -> Translator:
    """The translator this task last asked for."""
    return Translator(_speaking.get())


@frozen
class CommandSpec:
    """A command as users see it in /help and in Telegram's command menu."""

    command: str
    description: str  # marked with N_(), translated per language
    coordinator: bool = False  # only coordinators may use it
    in_groups: bool = True
    in_private: bool = False
    topic: str = ""  # the /help topic it is shown under (`HelpTopic.key`)
    # listed only in these languages' menus and /help (a command's name in each language,
    # `/llamado` for `/call`); empty: in every language
    languages: tuple[str, ...] = ()


def _no_details(tr: Translator) -> list[str]:
    return []


@frozen
class HelpTopic:
    """A topic of /help, declared by the feature it is about (its `register()` adds it to
    `runtime.help_topics`): a button in /help's short list, and the page that button shows —
    `details` (how to say things, with examples in the reader's language, from the feature's
    renderer) and then the commands whose `CommandSpec.topic` is `key`."""

    key: str  # in callback data: letters only
    label: str  # marked with N_(): the button, an emoji and a word or two
    summary: str  # marked with N_(): its line in the short list
    order: int  # its place in the list
    details: Callable[[Translator], list[str]] = _no_details


def menu(
    specs: Iterable[CommandSpec], tr: Translator, *, private: bool, coordinator: bool
) -> list[tuple[str, str]]:
    """(command, translated description) for one scope, in registration order."""
    return [
        (spec.command, tr.gettext(spec.description))
        for spec in specs
        if (spec.in_private if private else spec.in_groups)
        and (coordinator or not spec.coordinator)
        and (not spec.languages or tr.lang in spec.languages)
    ]


WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))  # fmt: skip


def span(tr: Translator, minutes: int) -> str:
    """A length of time in its largest whole unit: `2 days`, `3 hours`, `90 minutes`."""
    if minutes % (24 * 60) == 0:
        return tr.ngettext("{n} day", "{n} days", minutes // (24 * 60))
    if minutes % 60 == 0:
        return tr.ngettext("{n} hour", "{n} hours", minutes // 60)
    return tr.ngettext("{n} minute", "{n} minutes", minutes)
