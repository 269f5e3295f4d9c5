"""`frozen`: a frozen dataclass whose comparison, hash, repr and frozen guards are shared.

`@dataclass(frozen=True)` writes and compiles six methods for every class: `__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__` and `__delattr__`. Minga has about 150 such
classes (views, parsed commands, callbacks, facts), and their compiled methods held about
0.9 MiB of an idle bot whose budget is 80 MiB. A `frozen` class keeps the generated `__init__`
(the only one on a hot path, and the one whose signature matters) and shares one function for
each of the other five. They behave as the generated ones do: equal when of the same class and
equal field by field (the fields that compare), the same hash for equal instances, the same repr
text, and `FrozenInstanceError` on assignment or deletion. `dataclasses.fields`, `replace` and
`__match_args__` work as on any dataclass. A method the class defines itself is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)

_KEY = "_frozen_key"  # the fields that compare, as a tuple
_HASHED = "_frozen_hashed"  # the fields that hash, as a tuple
_SHOWN = "_frozen_shown"  # the names the repr shows


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple, built in C
    if names:
        name = names[0]
        return lambda self: (getattr(self, name),)
    return lambda self: ()


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = getattr(type(self), _KEY)
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(getattr(type(self), _HASHED)(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in getattr(type(self), _SHOWN))
    return f"{type(self).__qualname__}({shown})"


def _guarded(self: Any, name: str) -> bool:
    cls = type(self)
    return "__dataclass_fields__" in cls.__dict__ or name in cls.__dataclass_fields__


def _setattr(self: Any, name: str, value: Any) -> None:
    if _guarded(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _delattr(self: Any, name: str) -> None:
    if _guarded(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _finish(cls: T) -> T:
    own = cls.__dict__
    fields = dataclasses.fields(cls)
    setattr(cls, _KEY, _getter([f.name for f in fields if f.compare]))
    hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
    setattr(cls, _HASHED, _getter(hashed))
    setattr(cls, _SHOWN, tuple(f.name for f in fields if f.repr))
    # the generated guards are replaced by the shared ones (dataclass insists on writing them)
    cls.__setattr__ = _setattr  # type: ignore[assignment]
    cls.__delattr__ = _delattr  # type: ignore[assignment]
    if "__repr__" not in own:
        cls.__repr__ = _repr  # type: ignore[assignment]
    defines_eq = "__eq__" in own
    if not defines_eq:
        cls.__eq__ = _eq  # type: ignore[assignment]
    if "__hash__" not in own or (own["__hash__"] is None and defines_eq):
        cls.__hash__ = _hash  # type: ignore[assignment]
    return cls


@overload
def frozen(cls: T, /) -> T: ...
@overload
def frozen(*, kw_only: bool = False) -> Callable[[T], T]: ...
@dataclass_transform(
    frozen_default=True, kw_only_default=False, field_specifiers=(dataclasses.field,)
)
def frozen(cls: T | None = None, /, *, kw_only: bool = False) -> T | Callable[[T], T]:
    """`@frozen` or `@frozen(kw_only=True)` instead of `@dataclass(frozen=True, ...)`."""

    def wrap(cls: T) -> T:
        made = dataclasses.dataclass(cls, frozen=True, repr=False, eq=False, kw_only=kw_only)
        return _finish(made)

    return wrap if cls is None else wrap(cls)
