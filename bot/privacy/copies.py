"""Copies of the data: a person's own (/mydata) and a group's records (/export).

Both are a zip of one JSON document and a CSV file per table, with a schema version, built
from `Base.metadata` (a table added later is in them without a change here):

- a person's copy: every row of every table that holds their id (`schema.person_columns`),
  the rows those point to (the vote of a position, the commitment of an ownership...), and
  their groups;
- a group's export: every row that belongs to the group (`schema.group_tables`) and its
  members' names. It is streamed: rows are read in batches and written to a temporary file
  as they come, so 10,000 commitments never sit in memory at once (bench/export_memory.py).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import IO, Any

from sqlalchemy import Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.groups.models import Group, Membership, Person
from bot.privacy import schema

MYDATA_SCHEMA = "minga.mydata"
EXPORT_SCHEMA = "minga.group-export"
SCHEMA_VERSION = 1
BATCH = 500
MYDATA_JSON = "minga-mydata.json"
EXPORT_JSON = "minga-group.json"


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {c.name: schema.plain(row._mapping[c]) for c in table.columns}


def csv_value(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _csv(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(row[c]) for c in columns])
    return out.getvalue()


# -- a person's copy -------------------------------------------------------------------------


async def person_copy(session: AsyncSession, person_id: int, now: datetime) -> bytes:
    """The zip /mydata sends: everything stored of the person, at once."""
    persons = Person.__table__
    me = (await session.execute(select(persons).where(persons.c.id == person_id))).one_or_none()
    tables: dict[str, list[dict[str, Any]]] = {}
    related: dict[str, dict[Any, dict[str, Any]]] = {}
    columns: dict[str, list[str]] = {}
    for table in schema.tables():
        mine = schema.person_columns(table)
        if not mine:
            continue
        query = select(table).where(or_(*(c == person_id for c in mine)))
        rows = [_row(table, r) for r in (await session.execute(query)).all()]
        if not rows:
            continue
        tables[table.name] = rows
        columns[table.name] = [c.name for c in table.columns]
        await _related(session, table, rows, related, columns)
    document = {
        "schema": MYDATA_SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": now.isoformat(),
        "person": _row(persons, me) if me is not None else None,
        "tables": tables,
        "related": {name: list(rows.values()) for name, rows in related.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MYDATA_JSON, json.dumps(document, ensure_ascii=False, indent=1))
        if me is not None:
            person_columns = [c.name for c in persons.columns]
            archive.writestr("persons.csv", _csv(person_columns, [document["person"]]))
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", _csv(columns[name], rows))
        for name, found in related.items():
            archive.writestr(f"related/{name}.csv", _csv(columns[name], found.values()))
    return buffer.getvalue()


async def _related(
    session: AsyncSession,
    table: Table,
    rows: list[dict[str, Any]],
    related: dict[str, dict[Any, dict[str, Any]]],
    columns: dict[str, list[str]],
) -> None:
    """The rows that `rows` point to (not people): what a position or an ownership is about."""
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            if parent.name == schema.PERSONS:
                continue
            ids = {r[column.name] for r in rows if r[column.name] is not None}
            ids -= set(related.get(parent.name, {}))
            if not ids:
                continue
            found = await session.execute(select(parent).where(fk.column.in_(sorted(ids))))
            for r in found.all():
                value = _row(parent, r)
                related.setdefault(parent.name, {})[value[fk.column.name]] = value
            columns[parent.name] = [c.name for c in parent.columns]


# -- a group's export ------------------------------------------------------------------------


async def group_export(session: AsyncSession, group_id: int, now: datetime, out: IO[bytes]) -> None:
    """Write the group's export (a zip) to `out`, streaming every table."""
    groups = Group.__table__
    group = (await session.execute(select(groups).where(groups.c.id == group_id))).one()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as doc,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        head = {
            "schema": EXPORT_SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "generated_at": now.isoformat(),
            "group": _row(groups, group),
        }
        doc.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
        archive.writestr("groups.csv", _csv([c.name for c in groups.columns], [head["group"]]))
        members = (
            select(Person.id, Person.first_name, Person.last_name, Person.username)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id == group_id)
            .order_by(Person.id)
        )
        first = True
        first = await _stream(session, archive, doc, "members", members, first)
        for path in schema.group_tables():
            query = select(path.table)
            for child, parent in path.hops:
                query = query.join(parent.table, parent == child)
            key = path.root.c.group_id
            order = list(path.table.primary_key.columns)
            query = query.where(key == group_id).order_by(*order)
            first = await _stream(session, archive, doc, path.table.name, query, first)
        doc.write("}}\n")
        doc.seek(0)
        with archive.open(EXPORT_JSON, "w") as entry:
            wrapped = io.TextIOWrapper(entry, encoding="utf-8")
            shutil.copyfileobj(doc, wrapped)
            wrapped.flush()
            wrapped.detach()


async def _stream(
    session: AsyncSession,
    archive: zipfile.ZipFile,
    doc: IO[str],
    name: str,
    query: Any,
    first: bool,
) -> bool:
    """One table: its CSV entry and its list in the JSON document, `BATCH` rows at a time."""
    result = await session.stream(query.execution_options(yield_per=BATCH))
    columns = list(result.keys())
    doc.write(("" if first else ", ") + json.dumps(name) + ": [")
    with archive.open(f"{name}.csv", "w") as entry:
        text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(columns)
        count = 0
        async for partition in result.partitions(BATCH):
            for row in partition:
                values = [schema.plain(v) for v in row]
                writer.writerow([csv_value(v) for v in values])
                doc.write(
                    ("" if count == 0 else ", ")
                    + json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False)
                )
                count += 1
        text.flush()
        text.detach()
    doc.write("]")
    return False


def export_bytes(path: IO[bytes]) -> bytes:
    path.seek(0)
    return path.read()


async def group_export_json(
    session: AsyncSession, group_id: int, now: datetime, out: IO[bytes]
) -> None:
    """Write the group's export as its one JSON document alone (the Mini App's download): the
    very document of `group_export`'s zip, taken out of it, so both never differ."""
    with tempfile.TemporaryFile() as packed:
        await group_export(session, group_id, now, packed)
        packed.seek(0)
        with zipfile.ZipFile(packed) as archive, archive.open(EXPORT_JSON) as entry:
            shutil.copyfileobj(entry, out)
