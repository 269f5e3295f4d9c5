"""The schema as the data rights see it, read from `Base.metadata` (so a table added later is
covered without a change here): which columns hold a person's id, which hold free text, and
how each table's rows reach their group.

A column holds a person's id when it is a foreign key to `persons.id`, or when its model marks
it `info={"person": True}` (a Telegram user id kept without a foreign key: a vote's opener, a
reaction's actor, a time question's asker).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, String, Table, Text
from sqlalchemy.sql.type_api import TypeEngine

import bot.models  # noqa: F401  (every feature's tables on the metadata)
from bot.core.db import Base
from bot.core.records import frozen

PERSONS = "persons"
GROUPS = "groups"


def tables() -> list[Table]:
    """Every table, parents before children (the order of the foreign keys)."""
    return list(Base.metadata.sorted_tables)


def person_columns(table: Table) -> list[Column[Any]]:
    """The columns of `table` that hold a person's id."""
    if table.name == PERSONS:
        return []
    return [
        column
        for column in table.columns
        if column.info.get("person")
        or any(fk.column.table.name == PERSONS for fk in column.foreign_keys)
    ]


def is_text(kind: TypeEngine[Any]) -> bool:
    return isinstance(kind, String | Text)


def is_json(kind: TypeEngine[Any]) -> bool:
    return isinstance(kind, JSON)


def text_columns(table: Table) -> list[Column[Any]]:
    """The string and JSON columns of `table`: where a name may have been copied."""
    return [c for c in table.columns if is_text(c.type) or is_json(c.type)]


@frozen
class Path:
    """How the rows of `table` reach a group: the foreign keys followed, child to parent, up
    to a table with a `group_id` (`hops` empty: `table` has it itself)."""

    table: Table
    hops: tuple[tuple[Column[Any], Column[Any]], ...]  # (child column, parent column)

    @property
    def root(self) -> Table:
        return self.hops[-1][1].table if self.hops else self.table


def group_path(table: Table) -> Path | None:
    """The shortest way from `table` to its group through foreign keys (not through people),
    or None for tables that belong to no group (people, the core's bookkeeping)."""
    if table.name in (GROUPS, PERSONS):
        return None
    frontier: list[Path] = [Path(table, ())]
    seen = {table.name}
    while frontier:
        nxt: list[Path] = []
        for path in frontier:
            here = path.root
            group_fk = here.columns.get("group_id")
            if group_fk is not None and any(
                fk.column.table.name == GROUPS for fk in group_fk.foreign_keys
            ):
                return path
            for column in here.columns:
                for fk in column.foreign_keys:
                    parent = fk.column.table
                    if parent.name in seen or parent.name == PERSONS:
                        continue
                    seen.add(parent.name)
                    nxt.append(Path(table, (*path.hops, (column, fk.column))))
        frontier = nxt
    return None


def group_tables() -> Iterator[Path]:
    """Every table whose rows belong to a group, with the way there."""
    for table in tables():
        path = group_path(table)
        if path is not None:
            yield path


def plain(value: Any) -> Any:
    """A column's value as JSON has it (moments in ISO 8601, UTC)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
