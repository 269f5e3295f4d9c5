"""The per-update path kept cheap: the text claim, the one-read registration, SQLite turns."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, select, text, update
from sqlalchemy.exc import IntegrityError

from bot.core import db, sqlite_driver
from bot.core.claims import AlreadyHandled, Claim, claim_update
from bot.core.clock import FrozenClock
from bot.core.db import ON_LOOP, as_utc, create_engine, make_sessionmaker, session_scope
from bot.core.jobs import MingaJobQueue
from bot.core.models import ProcessedUpdate
from bot.groups.models import Group, Membership, Person
from tests.conftest import ANA, DEFAULT_NOW, LUIS, NORTE, Bot, add_bot, backends
from tests.core.test_polling import until
from tests.updates import TChat, TUser

# the `database` fixture on PostgreSQL alone (skipped, like every PostgreSQL test, only where
# TEST_DATABASE_URL is not set; CI sets it)
POSTGRESQL_ONLY = pytest.mark.parametrize(
    "database", [p for p in backends() if p.id == "postgresql"], indirect=True
)
# the sessions these tests open by hand write no time, but have a clock like any other
STILL = FrozenClock(DEFAULT_NOW)


async def test_the_claim_stores_the_time_as_utc_and_refuses_a_second_claim(bot: Bot) -> None:
    async with bot.db() as session:
        assert await claim_update(session, 77, bot.now()) is True
        assert await claim_update(session, 77, bot.now() + timedelta(hours=1)) is False
    stored = as_utc(await bot.scalar(select(ProcessedUpdate.processed_at)))
    assert stored == bot.now()
    # the stored time compares like the ORM's (pruning relies on it)
    older = await bot.scalar(
        select(ProcessedUpdate.update_id).where(
            ProcessedUpdate.processed_at < bot.now() + timedelta(seconds=1)
        )
    )
    assert older == 77


async def test_a_claim_with_a_read_is_one_statement_on_postgresql(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.message(NORTE, LUIS, "hola"))
    read = select(Group.id, Group.title).where(Group.chat_id == bindparam("chat_id"))
    statements: list[str] = []
    record = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(bot.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with bot.db() as session:
            row = await Claim(901, "t.read", bot.now()).first(session, read, {"chat_id": NORTE.id})
            none = await Claim(902, "t.read", bot.now()).first(session, read, {"chat_id": 5})
    finally:
        event.remove(bot.engine.sync_engine, "before_cursor_execute", record)
    assert row is not None and row.title == NORTE.title
    assert none is None  # nothing read, and the update claimed all the same
    work = [s for s in statements if s.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT"}]
    assert len(work) == (2 if bot.engine.dialect.name == "postgresql" else 4)
    claimed = await bot.scalar(
        select(func.count()).where(ProcessedUpdate.update_id.in_([901, 902]))
    )
    assert claimed == 2
    async with bot.db() as session:  # a redelivery stops at its claim, the read unread
        with pytest.raises(AlreadyHandled):
            await Claim(901, "t.read", bot.now()).first(session, read, {"chat_id": NORTE.id})


async def test_a_redelivered_command_is_answered_once_on_both_databases(bot: Bot) -> None:
    await add_bot(bot)
    update = bot.u.command(NORTE, LUIS, "/commit Llevar las sillas")
    await bot.feed(update)
    await bot.feed(update)  # the same update again: its claim, fused with the read, stops it
    said = [s for s in bot.tg.sent(NORTE.id) if "Llevar las sillas" in s.text]
    assert len(said) == 1


async def person_updated_at(bot: Bot, user: TUser):
    return await bot.scalar(select(Person.updated_at).where(Person.id == user.id))


async def test_a_known_member_writing_again_changes_no_row(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.message(NORTE, LUIS, "hola"))
    before = await person_updated_at(bot, LUIS)
    bot.clock.advance(minutes=5)  # a rewrite would show as a later updated_at
    await bot.feed(bot.u.message(NORTE, LUIS, "otra vez"))
    await bot.feed(bot.u.command(NORTE, LUIS, "/help"))
    assert await person_updated_at(bot, LUIS) == before


async def test_what_changed_is_still_written(bot: Bot) -> None:
    await add_bot(bot)
    await bot.feed(bot.u.message(NORTE, LUIS, "hola"))
    # Luis changes his name and username
    renamed = TUser(LUIS.id, "Luis Alberto", "luis_a", "es")
    await bot.feed(bot.u.message(NORTE, renamed, "ahora así"))
    person = await bot.scalar(select(Person).where(Person.id == LUIS.id))
    assert (person.first_name, person.username) == ("Luis Alberto", "luis_a")
    # the group is renamed
    await bot.feed(bot.u.message(TChat(NORTE.id, "supergroup", "Barrio Norte Unido"), LUIS, "!"))
    assert await bot.scalar(select(Group.title)) == "Barrio Norte Unido"
    # Luis had left: writing again makes him a member again
    await bot.feed(bot.u.left_member(NORTE, LUIS, LUIS))
    assert await bot.scalar(select(Membership.left_at).where(Membership.person_id == LUIS.id))
    await bot.feed(bot.u.message(NORTE, renamed, "volví"))
    assert (
        await bot.scalar(select(Membership.left_at).where(Membership.person_id == LUIS.id))
    ) is None
    # an inactive group (the bot was removed) that speaks to us is active again
    async with bot.db() as session:
        await session.execute(update(Group).values(active=False))
    await bot.feed(bot.u.message(NORTE, ANA, "hola"))
    assert await bot.scalar(select(Group.active)) is True


async def most_at_once(engine, sessions: int, *, pause: float) -> int:
    """How many of `sessions` concurrent transactions were open at once (the engine is
    disposed of)."""
    maker = make_sessionmaker(engine, STILL)
    inside = most = 0

    async def work() -> None:
        nonlocal inside, most
        async with session_scope(maker) as session:
            inside += 1
            most = max(most, inside)
            await session.execute(select(1))
            await asyncio.sleep(pause)
            inside -= 1

    try:
        await asyncio.gather(*(work() for _ in range(sessions)))
    finally:
        await engine.dispose()
    return most


async def test_sqlite_transactions_of_one_process_take_turns(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    assert await most_at_once(engine, 8, pause=0.01) == 1


@POSTGRESQL_ONLY
async def test_postgresql_transactions_do_not_queue_in_the_process(database) -> None:
    assert await most_at_once(database.engine(), 3, pause=0.05) == 3


async def test_a_domain_error_undoes_the_handler_but_records_and_registers(bot: Bot) -> None:
    from bot.core.errors import DomainError
    from bot.core.turn import Turn, command, handler
    from bot.groups.settings import set_group_timezone

    @handler()
    async def half_done(turn: Turn) -> None:
        await set_group_timezone(turn.session, turn.group_id, "America/Lima")
        raise DomainError("Not like that. Example: /halfdone")

    bot.app.add_handler(command("halfdone", half_done), group=-5)
    await add_bot(bot)
    newcomer = TUser(2600, "Rosa", "rosa_h", "es")
    done = bot.u.command(NORTE, newcomer, "/halfdone")
    await bot.feed(done, done)
    assert await bot.scalar(select(Group.timezone)) == "America/Bogota"  # undone
    assert await bot.scalar(select(Person.username).where(Person.id == newcomer.id)) == "rosa_h"
    handled = await bot.scalars(
        select(ProcessedUpdate.handler).where(ProcessedUpdate.update_id == done["update_id"])
    )
    assert len(handled) == 1
    answers = [m for m in bot.tg.sent(NORTE.id) if m.text == "Not like that. Example: /halfdone"]
    assert len(answers) == 1  # the redelivered copy said nothing


async def test_a_session_inside_another_of_the_same_task_does_not_wait(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'nested.db'}")
    sessions = make_sessionmaker(engine, STILL)
    try:
        async with session_scope(sessions) as outer:
            async with session_scope(sessions) as inner:
                assert (await inner.execute(select(1))).scalar() == 1
            assert (await outer.execute(select(1))).scalar() == 1
    finally:
        await engine.dispose()


async def test_a_turn_is_awaited_at_most_the_busy_timeout(tmp_path, monkeypatch) -> None:
    from bot.core import db

    monkeypatch.setattr(db, "TURN_WAIT_SECONDS", 0.2)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'wait.db'}")
    sessions = make_sessionmaker(engine, STILL)

    async def other_task() -> int:
        async with session_scope(sessions) as session:
            return (await session.execute(select(2))).scalar()

    try:
        async with session_scope(sessions):  # holds the turn, has not touched the database
            assert await asyncio.create_task(other_task()) == 2
    finally:
        await engine.dispose()


async def test_a_commit_that_fails_leaves_no_transaction_open_for_the_next_session(
    tmp_path,
) -> None:
    # A deferred foreign key fails at COMMIT, and SQLite then keeps the transaction open. The
    # pool only rolls back connections that may hold one; this must be one of them, or the
    # next session's BEGIN IMMEDIATE fails on the same connection.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'commit.db'}", pool_size=1)
    sessions = make_sessionmaker(engine, STILL)
    try:
        async with session_scope(sessions) as session:
            await session.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
            await session.execute(
                text(
                    "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) "
                    "DEFERRABLE INITIALLY DEFERRED)"
                )
            )
        with pytest.raises(IntegrityError):
            async with session_scope(sessions) as session:
                await session.execute(text("INSERT INTO child VALUES (99)"))
        async with session_scope(sessions) as session:
            await session.execute(text("INSERT INTO parent VALUES (1)"))
            await session.execute(text("INSERT INTO child VALUES (1)"))
        async with session_scope(sessions) as session:
            children = (await session.execute(text("SELECT parent_id FROM child"))).all()
        assert children == [(1,)]  # the failed row was rolled back, the good one committed
    finally:
        await engine.dispose()


async def test_a_statement_that_fails_is_rolled_back_and_the_connection_reused(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'error.db'}", pool_size=1)
    sessions = make_sessionmaker(engine, STILL)
    try:
        async with session_scope(sessions) as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        with pytest.raises(IntegrityError):
            async with session_scope(sessions) as session:
                await session.execute(text("INSERT INTO t VALUES (1)"))
                await session.execute(text("INSERT INTO t VALUES (1)"))
        async with session_scope(sessions) as session:
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar() == 0
            await session.execute(text("INSERT INTO t VALUES (2)"))
        async with session_scope(sessions) as session:
            assert (await session.execute(text("SELECT id FROM t"))).scalars().all() == [2]
    finally:
        await engine.dispose()


@POSTGRESQL_ONLY
async def test_a_postgresql_connection_the_server_closed_is_replaced_at_checkout(
    database,
) -> None:
    engine = database.engine()
    sessions = make_sessionmaker(engine, STILL)
    admin = database.engine()
    try:
        async with session_scope(sessions) as session:
            first = await session.scalar(text("SELECT pg_backend_pid()"))
            raw = await (await session.connection()).get_raw_connection()
            closed = asyncio.Event()  # asyncpg tells when it sees its connection close
            raw.driver_connection.add_termination_listener(lambda _connection: closed.set())
        async with admin.begin() as conn:  # as a restart or an idle timeout would
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await asyncio.wait_for(closed.wait(), 5)
        async with session_scope(sessions) as session:
            second = await session.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()
        await admin.dispose()


@pytest.mark.parametrize("on_loop", [False, True], ids=["on its thread", "on the loop's"])
async def test_sqlite_statements_run_with_sqlalchemys_semantics(tmp_path, on_loop: bool) -> None:
    # the one-trip adapter (bot.core.sqlite_driver): rows, counts, last row id, executemany,
    # the same when a short session's statements run on the event loop's thread
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    token = ON_LOOP.set(on_loop)
    try:
        async with engine.begin() as conn:
            raw = await conn.get_raw_connection()
            assert type(raw.dbapi_connection).__module__ == "bot.core.sqlite_driver"
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
            inserted = await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
            assert inserted.lastrowid == 1
            await conn.execute(text("INSERT INTO t (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
            changed = await conn.execute(text("UPDATE t SET name = 'z' WHERE id > 1"))
            assert changed.rowcount == 2
            rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
            assert rows == [(1, "a"), (2, "z"), (3, "z")]
            returned = await conn.execute(text("DELETE FROM t WHERE id = 3 RETURNING name"))
            assert returned.scalar() == "z"
            streamed = await conn.stream(text("SELECT id FROM t ORDER BY id"))
            assert [row.id async for row in streamed] == [1, 2]
        with pytest.raises(IntegrityError):  # an error, then a rollback, as on the thread
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (id, name) VALUES (1, 'again')"))
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 2
    finally:
        ON_LOOP.reset(token)
        await engine.dispose()


async def thread_of_statements(session: Any) -> int:
    """The thread SQLite ran this session's statement on."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).dbapi_connection
    raw._connection._conn.create_function("thread_id", 0, threading.get_ident)
    return await session.scalar(text("SELECT thread_id()"))


async def test_a_short_sessions_sqlite_statements_run_on_the_event_loops_thread(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}")
    sessions = make_sessionmaker(engine, STILL)
    try:
        async with session_scope(sessions, short=True) as session:
            assert await thread_of_statements(session) == threading.get_ident()
        # long work (a job, the digest, an export) keeps to the driver's thread
        async with session_scope(sessions) as session:
            assert await thread_of_statements(session) != threading.get_ident()
        # and so does a job that a turn scheduled (its task inherits the turn's context)
        seen: list[int] = []

        async def job(context: Any) -> None:
            async with session_scope(sessions) as session:
                seen.append(await thread_of_statements(session))

        queue = SimpleNamespace(
            application=SimpleNamespace(
                context_types=SimpleNamespace(
                    context=SimpleNamespace(
                        from_job=lambda *_: SimpleNamespace(refresh_data=_nothing)
                    )
                )
            )
        )
        async with session_scope(sessions, short=True):  # the task is made in the turn
            later = asyncio.create_task(
                MingaJobQueue.job_callback(queue, SimpleNamespace(callback=job))
            )
        await later
        assert seen and seen[0] != threading.get_ident()
    finally:
        await engine.dispose()


async def _nothing() -> None:
    return None


async def test_a_short_session_never_holds_the_event_loop_for_another_process(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another process (here, a connection of its own) holds SQLite's write lock: the short
    # session's BEGIN, tried on the event loop's thread, does not wait there; it waits on the
    # driver's thread, while the loop goes on — here, to let the other one finish
    path = tmp_path / "locked.db"
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 120_000)  # SQLite would wait 2 minutes
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    sessions = make_sessionmaker(engine, STILL)
    tried: list[bool] = []
    held: list[float] = []  # how long each try held the event loop
    begin_now = sqlite_driver._begin_now

    def recorded(connection: Any, operation: str) -> bool:
        started = time.monotonic()
        tried.append(begin_now(connection, operation))
        held.append(time.monotonic() - started)
        return tried[-1]

    monkeypatch.setattr(sqlite_driver, "_begin_now", recorded)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")

        async def write() -> None:
            async with session_scope(sessions, short=True) as session:
                await session.execute(text("INSERT INTO t (id) VALUES (1)"))

        writing = asyncio.create_task(write())
        await until(lambda: tried == [False])  # the lock was taken: nothing began on the loop
        other.execute("COMMIT")  # the loop runs on, so the other process can finish
        other.close()
        await writing
        async with session_scope(sessions, short=True) as session:  # free again: on the loop
            assert await session.scalar(text("SELECT count(*) FROM t")) == 1
        assert tried == [False, True]
        assert max(held) < 30  # not the busy timeout: the loop was never held waiting
    finally:
        await engine.dispose()
