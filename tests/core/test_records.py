"""`bot.core.records.frozen` behaves as `@dataclass(frozen=True)` does, with shared methods."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

import pytest

from bot.core.records import frozen

pytestmark = pytest.mark.nodb


def twins():
    """The same class twice: once a plain frozen dataclass, once `frozen`."""

    def body():
        return {
            "__annotations__": {"a": "int", "b": "str", "note": "str", "secret": "str"},
            "b": "x",
            "note": field(default="", compare=False),
            "secret": field(default="", repr=False),
        }

    return dataclass(frozen=True)(type("Point", (), body())), frozen(type("Point", (), body()))


@pytest.mark.parametrize("cls", twins(), ids=["dataclass", "frozen"])
def test_compares_hashes_and_shows_as_a_frozen_dataclass(cls):
    one, same, other = cls(1, "y", note="n1"), cls(1, "y", note="n2"), cls(2, "y")
    assert one == same and hash(one) == hash(same)  # `note` does not compare
    assert one != other and one != (1, "y") and (one == (1, "y")) is False
    assert len({one, same, other}) == 2
    assert repr(cls(1, "y", secret="s")) == "Point(a=1, b='y', note='')"
    assert dataclasses.replace(one, a=3) == cls(3, "y")
    assert [f.name for f in dataclasses.fields(one)] == ["a", "b", "note", "secret"]
    assert cls.__match_args__ == ("a", "b", "note", "secret")
    assert copy.deepcopy(one) == one and copy.copy(one) == one
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'a'"):
        one.a = 5
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'b'"):
        del one.b
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.extra = 1
    assert one.a == 1


def test_repr_and_equality_are_the_dataclass_ones_exactly():
    plain, shared = twins()
    for args in [(1,), (0, ""), (-7, "ñandú"), (2**70, "a'b\"c")]:
        assert repr(shared(*args)) == repr(plain(*args))
        assert (shared(*args) == shared(*args)) is (plain(*args) == plain(*args))


def test_subclasses_keep_their_fields_and_their_own_methods():
    @frozen
    class Base:
        x: int

    @frozen(kw_only=True)
    class Child(Base):
        y: int = 0

    @frozen
    class Custom:
        x: int

        def __eq__(self, other):
            return isinstance(other, Custom)

        def __hash__(self):
            return 7

        def __repr__(self):
            return "custom"

    assert Child(1, y=2) == Child(1, y=2) != Child(1, y=3)
    assert Child(1) != Base(1)  # another class: not equal, as on a dataclass
    assert repr(Child(1, y=2)) == f"{Child.__qualname__}(x=1, y=2)"
    with pytest.raises(TypeError):
        Child(1, 2)
    assert Custom(1) == Custom(2) and repr(Custom(1)) == "custom"
    assert hash(Custom(1)) == 7

    class Loose(Base):  # not a dataclass itself: it may take attributes that are not fields
        pass

    loose = Loose(1)
    loose.extra = 2
    assert loose.extra == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        loose.x = 3


def test_a_class_with_no_fields_is_equal_to_its_own_kind():
    @frozen
    class Nothing:
        pass

    assert Nothing() == Nothing() and hash(Nothing()) == hash(Nothing())
    assert repr(Nothing()) == f"{Nothing.__qualname__}()"


def test_the_bot_declares_its_frozen_classes_with_frozen():
    """A new `@dataclass(frozen=True)` in `bot/` would bring its six compiled methods back."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "bot"
    plain = re.compile(r"^\s*@(dataclasses\.)?dataclass\((?=[^)]*frozen=True)(?![^)]*slots=True)")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if plain.match(line)
    ]
    assert offenders == []
