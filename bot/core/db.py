"""Engine, sessions and the declarative base.

One `AsyncSession` per update or per scheduled job, committed once at the end. On SQLite every
transaction starts with `BEGIN IMMEDIATE`: a read-then-write transaction then never fails half
way with "database is locked", and the busy timeout makes a second writer wait its turn.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from bot.core.clock import EXECUTION_OPTION, Clock

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000
# PostgreSQL connections kept open: every update handled at once (bot.app.CONCURRENT_UPDATES)
# and a few scheduled jobs each hold one. A smaller pool opens and closes a connection per
# update in a burst (a TCP and TLS handshake and authentication each time).
POOL_SIZE = 20
POOL_OVERFLOW = 10


# BigInteger ids everywhere, but SQLite only auto-increments an INTEGER PRIMARY KEY
RowId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        int: BigInteger,
        datetime: DateTime(timezone=True),
    }


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime | None) -> datetime | None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        # imported here: PostgreSQL never needs sqlite3 and aiosqlite (about 2 MiB)
        from bot.core import sqlite_driver

        if url.startswith("sqlite+aiosqlite") and sqlite_driver.adapted():
            kwargs.setdefault("module", sqlite_driver.dbapi())
            # its connections are used by the event loop's thread too, never by both at once
            kwargs.setdefault("connect_args", {"check_same_thread": False})
        kwargs.setdefault("pool_reset_on_return", None)  # see _on_reset
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", POOL_SIZE)
    kwargs.setdefault("max_overflow", POOL_OVERFLOW)
    engine = create_async_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _drop_closed_connections(engine)
    return engine


def _drop_closed_connections(engine: AsyncEngine) -> None:
    """A pooled connection that the server closed (a restart, an idle timeout, a terminated
    backend) is replaced at checkout, instead of failing the update that drew it.

    SQLAlchemy's `pool_pre_ping` does this by asking the server, which on asyncpg is three trips
    (BEGIN, a ping, ROLLBACK) before every transaction: on a click, as many as its own work. A
    closed socket is seen by the event loop without asking, and asyncpg marks the connection
    closed; checking that flag costs nothing."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        is_closed = getattr(dbapi_connection.driver_connection, "is_closed", None)
        if is_closed is not None and is_closed():
            raise DisconnectionError("the server closed this connection")


def _tune_sqlite(engine: AsyncEngine) -> None:
    _SQLITE_TURNS[engine.sync_engine.pool] = _Turns()

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take over BEGIN from the driver, so that "begin" below decides how it starts
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.info[_IN_TRANSACTION] = True  # the pool record's info: it outlives `connection`

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(connection: Any) -> None:
        connection.info.pop(_IN_TRANSACTION, None)

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        # a failed COMMIT can leave SQLite's transaction open: roll back when it is returned
        if context.connection is not None:
            context.connection.info[_IN_TRANSACTION] = True

    # A connection going back to the pool is rolled back only if a transaction may be open.
    # The pool's default is to roll back every time, which on aiosqlite is one more trip to the
    # connection's thread after every commit, for nothing.
    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, record: Any, _state: Any) -> None:
        if record.info.pop(_IN_TRANSACTION, False):
            dbapi_connection.rollback()


_IN_TRANSACTION = "minga_in_transaction"


def make_sessionmaker(engine: AsyncEngine, clock: Clock) -> async_sessionmaker[AsyncSession]:
    """Sessions on `engine` whose "now" columns are filled from `clock` (`clock.column_now`):
    the engine is bound with the clock in its execution options (same pool, same events)."""
    bound = engine.execution_options(**{EXECUTION_OPTION: clock})
    return async_sessionmaker(bound, expire_on_commit=False, autoflush=True)


# SQLite has one writer at a time, and every transaction here starts with BEGIN IMMEDIATE. When
# concurrent updates of this process contend for the lock, SQLite's busy handler makes the losers
# sleep and retry with growing pauses: throughput falls and an unlucky update can starve. So in
# one process the sessions on a SQLite engine take turns, in order, on an asyncio lock; the busy
# timeout still arbitrates between processes. A session opened inside another by the same task
# does not wait for its turn (as before: SQLite decides), and no session waits longer than the
# busy timeout for one (then it goes on without, as before).
@dataclass
class _Turns:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holder: asyncio.Task[Any] | None = None


# by pool: an engine and its copies with other execution options share one
_SQLITE_TURNS: weakref.WeakKeyDictionary[Any, _Turns] = weakref.WeakKeyDictionary()
TURN_WAIT_SECONDS = SQLITE_BUSY_TIMEOUT_MS / 1000
# set for a `session_scope(short=True)`: this task's SQLite statements run on the event loop's
# thread (bot.core.sqlite_driver); PostgreSQL ignores it
ON_LOOP: ContextVar[bool] = ContextVar("minga_sqlite_on_loop", default=False)


@asynccontextmanager
async def session_scope(
    sessions: async_sessionmaker[AsyncSession], *, short: bool = False
) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed once at the end, or rolled back on any error.
    `short`: a few indexed statements (an update's turn), which on SQLite run on the event
    loop's thread (`bot.core.sqlite_driver`)."""
    on_loop = ON_LOOP.set(True) if short and not ON_LOOP.get() else None
    try:
        async with _taking_turns(sessions) as session:
            yield session
    finally:
        if on_loop is not None:
            ON_LOOP.reset(on_loop)


@asynccontextmanager
async def _taking_turns(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    bind = sessions.kw.get("bind")
    turns = _SQLITE_TURNS.get(bind.sync_engine.pool) if bind is not None else None
    task = asyncio.current_task()
    taken = False
    if turns is not None and task is not None and turns.holder is not task:
        try:
            if turns.lock.locked():
                async with asyncio.timeout(TURN_WAIT_SECONDS):
                    await turns.lock.acquire()
            else:
                await turns.lock.acquire()  # free: no timer to set
        except TimeoutError:
            log.warning("no SQLite turn after %.0f s; going on without one", TURN_WAIT_SECONDS)
        else:
            taken, turns.holder = True, task
    try:
        async with sessions() as session, session.begin():
            yield session
    finally:
        if taken:
            assert turns is not None
            turns.holder = None
            turns.lock.release()


def insert_for(session: AsyncSession, table: Any) -> Any:
    """`INSERT` with the dialect's `ON CONFLICT` support (SQLite and PostgreSQL)."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(dialect: str, table: Any) -> Any:
    """`INSERT` with `ON CONFLICT` support for the dialect named (sqlite or postgresql)."""
    # imported here: the engine has loaded its own dialect already, and SQLite never needs
    # PostgreSQL's (2 MiB and a tenth of a second at start)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
