"""Fixtures: every database test runs on SQLite and on PostgreSQL, on a frozen clock.

PostgreSQL is `TEST_DATABASE_URL`. Unset, the PostgreSQL half is skipped; set but unreachable,
the whole run stops with an error — a CI that silently skips PostgreSQL proves nothing.
Each PostgreSQL test gets a schema of its own, dropped afterwards.

Time stands still in every test: the `clock` fixture is a `FrozenClock` that the bot, the
update builders and the Telegram double all read, started at `MINGA_TEST_NOW` (an ISO moment
with its offset, `2028-02-29T23:30-03:00`, or a local time and a zone,
`2027-04-04T00:30 America/Santiago`) or else at `DEFAULT_NOW`. It moves a second for each
update fed to the bot; a test moves it further (`bot.clock.advance(hours=30)`,
`bot.clock.set(...)`, `await bot.tick(moment)`), never waits for the wall clock. Tests that use
no database are marked `nodb`: `pytest -m nodb` runs the fast part alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import MingaApp, build_application
from bot.config import Settings, normalize_database_url
from bot.core.clock import FrozenClock
from bot.core.db import create_engine, session_scope
from bot.core.runtime import Runtime, runtime_of
from bot.models import metadata
from tests.telegram_double import Chat, TelegramDouble
from tests.updates import TChat, TUser, Updates

TOKEN = "123456:TEST-token-for-the-double"
PG_ENV = "TEST_DATABASE_URL"
NOW_ENV = "MINGA_TEST_NOW"
FEED_STEP_SECONDS = 1  # how far the clock moves for each update a test feeds
# a Wednesday, 10:00 in Bogotá: where the tests start when MINGA_TEST_NOW does not say
DEFAULT_NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def frozen_start() -> datetime:
    """Where every test's clock starts: `MINGA_TEST_NOW`, else `DEFAULT_NOW`."""
    raw = os.environ.get(NOW_ENV, "").strip()
    if not raw:
        return DEFAULT_NOW
    moment, _, zone = raw.partition(" ")
    try:
        parsed = datetime.fromisoformat(moment)
        if zone:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone.strip()))
    except (ValueError, KeyError) as exc:
        raise pytest.UsageError(
            f"{NOW_ENV}={raw!r} is not a moment: say 2028-02-29T23:30-03:00 "
            "or 2027-04-04T00:30 America/Santiago"
        ) from exc
    if parsed.tzinfo is None:
        raise pytest.UsageError(f"{NOW_ENV}={raw!r} needs an offset or a time zone")
    return parsed.astimezone(UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(frozen_start())


def next_local(after: datetime, zone: str, hour: int, minute: int = 0) -> datetime:
    """The first moment after `after` when the clocks of `zone` read hour:minute (UTC); a day
    on which that local time does not exist (clocks moved past it) is skipped."""
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    while True:
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
        moment = local.astimezone(UTC)
        exists = moment.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None)
        if exists and moment > after:
            return moment
        day += timedelta(days=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`nodb`: the tests that need no database (the fast part, run alone with `-m nodb`)."""
    for item in items:
        if "database" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.nodb)


def pytest_report_header(config: pytest.Config) -> str:
    return f"minga: tests start at {frozen_start().isoformat()} ({NOW_ENV})"


def pg_url() -> str | None:
    raw = os.environ.get(PG_ENV)
    return normalize_database_url(raw) if raw else None


def pytest_sessionstart(session: pytest.Session) -> None:
    url = pg_url()
    if url is None:
        return

    async def probe() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        finally:
            await engine.dispose()

    try:
        asyncio.run(probe())
    except Exception as exc:
        raise pytest.UsageError(
            f"{PG_ENV} is set but PostgreSQL cannot be reached ({exc}); "
            "start it or unset the variable"
        ) from exc


def backends() -> list[Any]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=pytest.mark.skipif(pg_url() is None, reason=f"{PG_ENV} is not set"),
        ),
    ]


@dataclass
class Database:
    """A clean database for one test: its URL, and how to reach it."""

    backend: str
    url: str
    schema: str | None  # PostgreSQL: the test's own schema

    def engine(self, **kwargs: Any) -> AsyncEngine:
        if self.schema:
            kwargs.setdefault("connect_args", {"server_settings": {"search_path": self.schema}})
        return create_engine(self.url, **kwargs)


@pytest.fixture(params=backends())
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        yield Database("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'minga.db'}", None)
        return
    url = pg_url()
    assert url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'create schema "{schema}"'))
    try:
        yield Database("postgresql", url, schema)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'drop schema "{schema}" cascade'))
        await admin.dispose()


@pytest.fixture
async def engine(database: Database) -> AsyncIterator[AsyncEngine]:
    engine = database.engine()
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@dataclass
class Bot:
    """The real Application wired to the Telegram double and a test database."""

    app: MingaApp
    tg: TelegramDouble
    u: Updates
    engine: AsyncEngine
    clock: FrozenClock

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.app)

    def now(self) -> datetime:
        return self.clock.now()

    async def tick(self, at: datetime | None = None, **advance: float) -> datetime:
        """Move the clock (to `at`, or forward by `advance`, e.g. `hours=2`), then run the
        scheduler's tick there. Returns the moment of the tick."""
        if at is not None:
            self.clock.set(at)
        elif advance:
            self.clock.advance(**advance)
        await self.runtime.scheduler.tick(self.runtime)
        return self.clock.now()

    async def run_jobs(self, prefix: str = "") -> int:
        """Run the JobQueue's waiting jobs whose name starts with `prefix` now, as if their
        delays had passed (each is removed first, as APScheduler removes a one-off job before
        it runs). The clock does not move. Returns how many ran."""
        assert self.app.job_queue is not None
        due = [job for job in self.app.job_queue.jobs() if (job.name or "").startswith(prefix)]
        for job in due:
            job.schedule_removal()
            await job.run(self.app)
        return len(due)

    async def feed(self, *updates: dict[str, Any]) -> None:
        """Hand updates to the bot one after the other, a second apart (as a conversation's
        messages are: nothing a member does happens at the very instant of the last)."""
        from telegram import Update

        for data in updates:
            self.clock.advance(seconds=FEED_STEP_SECONDS)
            await self.app.process_update(Update.de_json(data, self.app.bot))

    def db(self) -> Any:
        return session_scope(self.runtime.sessions)

    async def scalar(self, statement: Any) -> Any:
        async with self.db() as session:
            return await session.scalar(statement)

    async def scalars(self, statement: Any) -> list[Any]:
        async with self.db() as session:
            return list(await session.scalars(statement))

    def group(self, chat: TChat) -> TChat:
        """Let the double know the chat (title, type), so its answers describe it."""
        self.tg.add_chat(Chat(chat.id, chat.type, chat.title, chat.is_forum))
        return chat


def make_settings(url: str, **overrides: Any) -> Settings:
    return Settings(bot_token=TOKEN, database_url=url, _env_file=None, **overrides)


async def start_bot(engine: AsyncEngine, url: str, clock: FrozenClock, **overrides: Any) -> Bot:
    """A bot process on `engine`; processes of one test share the test's `clock`."""
    tg = TelegramDouble(clock)
    app = build_application(make_settings(url, **overrides), request=tg, engine=engine, clock=clock)
    await app.initialize()
    return Bot(app=app, tg=tg, u=Updates(clock), engine=engine, clock=clock)


@pytest.fixture
async def bot(engine: AsyncEngine, database: Database, clock: FrozenClock) -> AsyncIterator[Bot]:
    harness = await start_bot(engine, database.url, clock)

    yield harness
    await harness.app.shutdown()


# -- people and places -------------------------------------------------------------------

ANA = TUser(101, "Ana", "ana_barrio", "es")
LUIS = TUser(102, "Luis", "luis_o", "es")
JOAO = TUser(103, "João", "joao_sp", "pt-br")
MARY = TUser(104, "Mary", None, "en")
NORTE = TChat(-1001000000001, "supergroup", "Vecinos del Barrio Norte")


@pytest.fixture
def people() -> Iterator[tuple[TUser, TUser, TUser, TUser]]:
    yield ANA, LUIS, JOAO, MARY


async def add_bot(bot: Bot, chat: TChat = NORTE, by: TUser = ANA, status: str = "member") -> None:
    """The bot is added to `chat` by `by`, and the double knows the chat."""
    bot.group(chat)
    await bot.feed(bot.u.my_chat_member(chat, by, "left", status))


async def seed_group(
    bot: Bot,
    *members: TUser,
    language: str = "es",
    bot_status: str = "member",
    admins: tuple[tuple[TUser, str], ...] = (),
) -> int:
    """Ana added the bot to NORTE (as `bot_status`) and created the group, so she coordinates
    (with any other `admins`); the group speaks `language`; each of `members` has written
    there, so the bot knows them. The group's row id."""
    await add_bot(bot, status=bot_status)
    bot.tg.set_admins(NORTE.id, (ANA, "creator"), *admins)
    if language != "es":
        await bot.feed(bot.u.command(NORTE, ANA, f"/language {language}"))
    for person in members:
        await bot.feed(bot.u.message(NORTE, person, "hola"))
    from bot.groups.models import Group

    return await bot.scalar(select(Group.id).where(Group.chat_id == NORTE.id))


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """Tests run on the event loop `minga run` uses (uvloop where it is installed)."""
    from bot.app import new_event_loop

    return {"loop": new_event_loop}
