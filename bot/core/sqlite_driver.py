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

A session opened with `session_scope(short=True)` (an update's turn, a batch of chatter, the
outbox's bookkeeping: a few indexed statements each) runs its statements on the event loop's
own thread instead (`ON_LOOP`): SQLite answers such a statement in microseconds, less than a
hand-off costs, and a transaction that never waits for the thread holds the process's write
turn (`bot.core.db`) for a fraction of the time, so other updates wait less for theirs. Only
statements inside a transaction run there, and the transaction's BEGIN IMMEDIATE is tried there
without waiting: when another process holds the write lock it goes to the thread, which waits
for the busy timeout, and the event loop never does. Long work (the digest, an export, the
dashboard) keeps to the thread. One thing can still hold the loop: SQLite's automatic
checkpoint, which a COMMIT that grows the write-ahead log past 1,000 pages runs (a few
milliseconds on an ordinary disk).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)

from bot.core.db import ON_LOOP

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


def _begin_now(connection: aiosqlite.Connection, operation: str) -> bool:
    """On the event loop's thread: BEGIN without waiting for a lock; False if another
    process holds it (then nothing began)."""
    raw = connection._conn
    (waits,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute("PRAGMA busy_timeout=0")
    try:
        raw.execute(operation)
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(waits)}")
    return True


async def _here(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)`, run by the event loop's thread. Awaited all the same: SQLAlchemy's
    AsyncConnection insists that the driver awaited something, and awaiting a coroutine that
    never suspends costs no trip through the loop."""
    return function(*args)


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _call(self, operation: str, parameters: Any, many: bool) -> None:
        connection = self._connection
        try:
            result = self._on_loop(connection, operation, parameters, many)
            if result is None:
                result = self.await_(
                    connection._execute(_run, connection, operation, parameters, many)
                )
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        description, rows, lastrowid, rowcount = result
        self.description = description
        if rows is not None:
            self._rows.clear()
            self._rows.extend(rows)
        self.lastrowid, self.rowcount = lastrowid, rowcount

    def _on_loop(
        self, connection: aiosqlite.Connection, operation: str, parameters: Any, many: bool
    ) -> _Result | None:
        """The statement run on the event loop's thread, if it should be (see above)."""
        if not ON_LOOP.get():
            return None
        if connection._conn.in_transaction:
            return self.await_(_here(_run, connection, operation, parameters, many))
        began = (
            not parameters
            and operation.startswith("BEGIN")
            and self.await_(_here(_begin_now, connection, operation))
        )
        return (None, None, 0, -1) if began else None

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

    def commit(self) -> None:
        self._end(self._connection._conn.commit, super().commit)

    def rollback(self) -> None:
        self._end(self._connection._conn.rollback, super().rollback)

    def _end(self, here: Callable[[], None], there: Callable[[], None]) -> None:
        if not ON_LOOP.get():
            return there()
        try:
            self.await_(_here(here))
        except Exception as error:
            self._handle_exception(error)


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
