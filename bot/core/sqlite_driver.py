"""aiosqlite, one trip to its thread per statement.

SQLAlchemy's aiosqlite adapter runs each statement as four calls on the connection's worker
thread (open a cursor, execute, fetch, close), and every call is a hand-off between the event
loop and that thread and back. On SQLite the hand-offs, not the statements, are most of the
cost of a short transaction, and SQLite transactions of one process take turns
(`bot.core.db.session_scope`), so they bound how many updates a second a group can have
handled (`bench/votes.py`). This adapter does the four steps in one function on the thread.
Everything else (errors, isolation level, server-side cursors, closing) is SQLAlchemy's.

It reaches into two names that aiosqlite does not document: `Connection._execute` (queue a
function for the worker thread) and `Connection._conn` (the `sqlite3` connection); SQLAlchemy's
own adapter does the same (`_tx`). `adapted()` says whether the installed aiosqlite still has
them; if not, `create_engine` falls back to SQLAlchemy's adapter unchanged.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

_Result = tuple[Any, list[Any] | None, int, int]


def _run(connection: aiosqlite.Connection, operation: str, parameters: Any, many: bool) -> _Result:
    """On the worker thread: the statement, its rows and its counts, in one call."""
    cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, None, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _call(self, operation: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        try:
            description, rows, lastrowid, rowcount = self.await_(
                connection._execute(_run, connection, operation, parameters, many)
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = description
        if rows is not None:
            self._rows.clear()
            self._rows.extend(rows)
        self.lastrowid, self.rowcount = lastrowid, rowcount

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._call(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._call(operation, seq_of_parameters, many=True)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:
            return super().cursor(server_side=True)
        return _Cursor(self)


class DBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as `module=` to `create_async_engine` for a `sqlite+aiosqlite` URL."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        if type(adapted) is AsyncAdapt_aiosqlite_connection:  # not the sync fallback
            return _Connection(self, adapted._connection)
        return adapted


def adapted() -> bool:
    """The installed aiosqlite still has what `_run` and `_Cursor` use."""
    return callable(getattr(aiosqlite.Connection, "_execute", None)) and isinstance(
        getattr(aiosqlite.Connection, "_conn", None), property
    )


def dbapi() -> DBAPI:
    return DBAPI(aiosqlite, sqlite3)
