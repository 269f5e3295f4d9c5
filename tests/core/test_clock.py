"""The program's one clock: frozen in tests, and the only wall-clock read in bot/."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.core.clock import FrozenClock, column_now
from bot.core.db import as_utc, create_engine
from bot.groups.models import Group
from bot.models import metadata
from tests.conftest import NORTE, Bot, add_bot, frozen_start, next_local

BOT = Path(__file__).resolve().parents[2] / "bot"
CLOCK_MODULE = BOT / "core" / "clock.py"
# what reads the wall clock: datetime's and date's now/utcnow/today, time's time/time_ns
CLASS_READS = {"now", "utcnow", "today"}
TIME_READS = {"time", "time_ns"}


def wall_clock_reads(source: str) -> list[str]:
    """`datetime.now()`, `date.today()`, `time.time()` … in `source`, however imported."""
    tree = ast.parse(source)
    datetime_modules, time_modules = {"datetime"}, {"time"}  # local names of the modules
    classes: set[str] = set()  # local names of datetime.datetime and datetime.date
    time_functions: set[str] = set()  # local names of time.time and time.time_ns
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name == "datetime":
                    datetime_modules.add(local)
                elif alias.name == "time":
                    time_modules.add(local)
        elif isinstance(node, ast.ImportFrom) and node.module == "datetime":
            classes |= {a.asname or a.name for a in node.names if a.name in ("datetime", "date")}
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            time_functions |= {a.asname or a.name for a in node.names if a.name in TIME_READS}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func, read = node.func, False
        if isinstance(func, ast.Name):
            read = func.id in time_functions
        elif isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            qualified = {f"{m}.{c}" for m in datetime_modules for c in ("datetime", "date")}
            if func.attr in CLASS_READS:
                read = owner in classes or owner in qualified
            elif func.attr in TIME_READS:
                read = owner in time_modules
        if read:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_of_bot_reads_the_wall_clock_but_the_clock() -> None:
    found = {
        str(path.relative_to(BOT.parent)): reads
        for path in sorted(BOT.rglob("*.py"))
        if path != CLOCK_MODULE and (reads := wall_clock_reads(path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import UTC, datetime\nx = datetime.now(UTC)",
        "import datetime\nx = datetime.datetime.utcnow()",
        "from datetime import date\nx = date.today()",
        "import time\nx = time.time()",
        "from time import time\nx = time()",
        "import datetime as dt\nx = dt.date.today()",
        "from datetime import datetime as moment\nx = moment.now()",
    ],
)
def test_the_check_sees_every_way_of_reading_the_wall_clock(source: str) -> None:
    assert wall_clock_reads(source)


def test_monotonic_timing_and_the_programs_clock_are_allowed() -> None:
    source = (
        "import asyncio, time\nfrom datetime import datetime\n"
        "a = time.monotonic()\nb = asyncio.get_running_loop().time()\n"
        "c = runtime.clock.now()\nd = turn.now\ne = datetime.fromisoformat('2026-01-01')"
    )
    assert wall_clock_reads(source) == []
    assert wall_clock_reads(CLOCK_MODULE.read_text())  # the one place that does read it


def test_a_frozen_clock_moves_only_when_told() -> None:
    clock = FrozenClock(datetime(2028, 2, 29, 23, 30, tzinfo=ZoneInfo("America/Sao_Paulo")))
    assert clock.now() == datetime(2028, 3, 1, 2, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.advance(hours=30) == datetime(2028, 3, 2, 8, 30, tzinfo=UTC)
    assert clock.advance(timedelta(minutes=1), seconds=1) == datetime(
        2028, 3, 2, 8, 31, 1, tzinfo=UTC
    )
    assert clock.set(datetime(2027, 1, 1, tzinfo=UTC)) == clock.now()
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2027, 1, 1))


def test_the_tests_start_where_minga_test_now_says(monkeypatch) -> None:
    monkeypatch.setenv("MINGA_TEST_NOW", "2027-04-04T00:30 America/Santiago")
    assert frozen_start() == datetime(2027, 4, 4, 4, 30, tzinfo=UTC)  # after the change: -04
    monkeypatch.setenv("MINGA_TEST_NOW", "2026-12-31T23:59-06:00")
    assert frozen_start() == datetime(2027, 1, 1, 5, 59, tzinfo=UTC)
    monkeypatch.setenv("MINGA_TEST_NOW", "next tuesday")
    with pytest.raises(pytest.UsageError, match="is not a moment"):
        frozen_start()
    monkeypatch.setenv("MINGA_TEST_NOW", "2027-01-04T08:59")
    with pytest.raises(pytest.UsageError, match="needs an offset"):
        frozen_start()


def test_next_local_skips_a_time_that_does_not_exist() -> None:
    # Santiago moves from 24:00 to 01:00 on Sunday 5 September 2027: that 00:30 never happens
    before = datetime(2027, 9, 4, 12, 0, tzinfo=UTC)
    assert next_local(before, "America/Santiago", 0, 30) == datetime(2027, 9, 6, 3, 30, tzinfo=UTC)
    assert next_local(before, "America/Bogota", 8) == datetime(2027, 9, 4, 13, 0, tzinfo=UTC)


async def test_rows_written_by_the_bot_carry_the_clocks_time(bot: Bot) -> None:
    bot.clock.set(datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC))
    await add_bot(bot)
    created = as_utc(await bot.scalar(select(Group.created_at)))
    assert created == bot.now()  # a column default, through the session's clock
    assert (await bot.scalar(select(Group.chat_id))) == NORTE.id


async def test_a_connection_without_a_clock_cannot_write_a_time(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'noclock.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            with pytest.raises(StatementError, match="this connection has no clock"):
                await conn.execute(
                    Group.__table__.insert().values(chat_id=1, type="group", language="es")
                )
    finally:
        await engine.dispose()


def test_column_now_reads_the_clock_of_the_statement() -> None:
    clock = FrozenClock(datetime(2026, 12, 24, 20, 0, tzinfo=UTC))

    class Context:
        execution_options = {"minga_clock": clock}  # noqa: RUF012

    assert column_now(Context()) == clock.now()
