"""The edge where updates come in: text Python can hold but nothing else can is replaced.

A lone UTF-16 surrogate (`"\\ud800"`) is valid JSON and a valid Python string, but it cannot be
encoded as UTF-8: the database, the log and Telegram all refuse it, and an update carrying one in
a name, a text or a button's data would fail in every handler. Telegram never sends one; a proxy
or a fake client might. Every update is looked over before any handler sees it (a walk over its
fields that finds nothing in the updates Telegram sends: `bench/edge.py` prints its cost), and
one that carries any is rebuilt with U+FFFD in their place and logged once.
"""

from __future__ import annotations

import logging
import operator
import re
from collections.abc import Callable
from typing import Any

from telegram import Bot, TelegramObject, Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _values(obj: TelegramObject) -> tuple[Any, ...]:
    """Every public field of `obj`, read at once (one `attrgetter` per class)."""
    cls = type(obj)
    getter = _GETTERS.get(cls)
    if getter is None:
        names = sorted(
            {
                name
                for klass in cls.__mro__
                for name in getattr(klass, "__slots__", ())
                if not name.startswith("_") and name != "api_kwargs"
            }
        )
        getter = _GETTERS[cls] = operator.attrgetter(*names) if len(names) > 1 else _one(names)
    return getter(obj)


def _one(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    def read(obj: Any) -> tuple[Any, ...]:
        return tuple(getattr(obj, name) for name in names)

    return read


def has_surrogates(value: Any) -> bool:
    """Whether a lone surrogate hides anywhere in a Telegram object, a string or a sequence."""
    kind = type(value)
    if kind is str:
        return not value.isascii() and SURROGATE.search(value) is not None
    if isinstance(value, TelegramObject):
        for field in _values(value):
            if field is None or field is True or field is False:
                continue
            kind = type(field)
            if kind is str:
                if not field.isascii() and SURROGATE.search(field) is not None:
                    return True
            elif (kind is tuple or isinstance(field, TelegramObject)) and has_surrogates(field):
                return True
        return bool(value.api_kwargs) and has_surrogates(dict(value.api_kwargs))
    if kind is tuple or kind is list:
        return any(has_surrogates(item) for item in value)
    if kind is dict:
        return any(has_surrogates(k) or has_surrogates(v) for k, v in value.items())
    return False


def replace_surrogates(data: Any) -> Any:
    """`data` (JSON-like) with every lone surrogate replaced by U+FFFD."""
    if isinstance(data, str):
        return SURROGATE.sub(REPLACEMENT, data)
    if isinstance(data, list | tuple):
        return [replace_surrogates(item) for item in data]
    if isinstance(data, dict):
        return {replace_surrogates(k): replace_surrogates(v) for k, v in data.items()}
    return data


def clean(update: Update, bot: Bot | None) -> Update:
    """`update`, or a copy of it with U+FFFD for its lone surrogates (one WARNING line)."""
    if not has_surrogates(update):
        return update
    log.warning(
        "update %s carries lone surrogates (not UTF-8); replaced with U+FFFD", update.update_id
    )
    cleaned = Update.de_json(replace_surrogates(update.to_dict()), bot)
    assert cleaned is not None
    return cleaned


class MingaApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, with every update cleaned before its handlers see it — from polling,
    a webhook or a test alike, since all of them come through `process_update`."""

    async def process_update(self, update: object) -> None:
        if isinstance(update, Update):
            update = clean(update, self.bot)
        await super().process_update(update)
