"""What `minga run` loads before it polls: the chart's libraries wait for the first chart, the
webhook's and the metrics' for `minga serve`, Babel's date formatting for the first moment
shown, the SQLite driver for a SQLite database, no test tool is imported, and Alembic is not
imported when the database is already at the head revision."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.conftest import TOKEN, Database

# what the `minga run` path on SQLite must not import: each is loaded where it is used (a chart,
# `minga serve`, a migration to apply, a PostgreSQL database, a moment shown) or never (httpx's
# own command line and what it drags in where the test tools are installed; the test tools
# themselves; Babel's catalog machinery, which the tests and the catalog tools use; pydantic, which
# nothing of Minga's uses since the settings are plain Python: 9 MiB of idle memory)
NOT_AT_START = (
    "pydantic",
    "pydantic_core",
    "matplotlib",
    "numpy",
    "PIL",
    "starlette",
    "uvicorn",
    "jinja2",
    "prometheus_client",
    "alembic",
    "mako",
    "sqlalchemy.dialects.postgresql",
    "asyncpg",
    "httpx._main",
    "rich",
    "pygments",
    "click",
    "pytest",
    "icalendar",
    "babel.dates",
    "babel.messages",
)

PROGRAM = f"""
import sys
from bot.app import build_application
from bot.cli import main
from bot.config import Settings
from bot.core import polling, timegrammar
from bot.web import commands
import bot.migrate

build_application(Settings(bot_token={TOKEN!r}, database_url=sys.argv[1], _env_file=None))
print(" ".join(sorted(m for m in {NOT_AT_START!r} if sys.modules.get(m) is not None)))
compiled = (timegrammar._days_at_start, timegrammar._time_pattern, timegrammar._duration_patterns)
print(" ".join(str(each.cache_info().currsize) for each in compiled))
"""


def loaded_at_start(database_url: str) -> tuple[list[str], list[str]]:
    """What of NOT_AT_START the `minga run` path imports, and the sizes of timegrammar's caches."""
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, database_url], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded, patterns = result.stdout.splitlines()
    return loaded.split(), patterns.split()


def test_the_run_path_imports_no_chart_webhook_metrics_migration_or_test_library() -> None:
    loaded, patterns = loaded_at_start("sqlite:///:memory:")
    assert loaded == []
    assert patterns == ["0", "0", "0"]  # timegrammar compiles its patterns on first use


def test_on_postgresql_the_run_path_imports_no_sqlite_driver() -> None:
    # building the bot opens no connection: the database need not exist
    program = PROGRAM.replace(repr(NOT_AT_START), repr(("sqlite3", "aiosqlite")))
    result = subprocess.run(
        [sys.executable, "-c", program, "postgresql://minga@127.0.0.1:1/none"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ""


async def test_both_bot_api_clients_share_one_tls_context_that_checks_certificates() -> None:
    import ssl

    from bot.app import build_application
    from bot.core.runtime import runtime_of
    from tests.conftest import make_settings

    application = build_application(make_settings("sqlite:///:memory:"))
    updates, calls = application.bot._request  # PTB's: (getUpdates, every other method)
    contexts = {id(r._client._transport._pool._ssl_context) for r in (updates, calls)}
    tls = calls._client._transport._pool._ssl_context
    assert len(contexts) == 1
    assert tls.verify_mode is ssl.CERT_REQUIRED and tls.check_hostname
    # as PTB's builder makes them: one connection for the long poll, a pool for the rest
    assert updates._client._transport._pool._max_connections == 1
    assert calls._client._transport._pool._max_connections == 256
    await runtime_of(application).engine.dispose()


def test_drawing_a_chart_imports_them() -> None:
    program = (
        "import sys\n"
        "from bot.monitoring.chart import commitments_png\n"
        "assert 'matplotlib' not in sys.modules\n"
        "labels = dict(title='t', done='d', open='o', overdue='x', week='w')\n"
        "png = commitments_png([(1, 2, 0), (2, 1, 1)], labels)\n"
        "assert png.startswith(b'\\x89PNG') and 'matplotlib' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_heads_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config, head_revisions

    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite:///unused.db"))
    assert head_revisions() == set(script.get_heads())


async def test_a_database_at_the_head_is_up_to_date_and_one_behind_is_not(
    database: Database,
) -> None:
    from bot.migrate import current_revisions, head_revisions, up_to_date

    schema = {"server_settings": {"search_path": database.schema}} if database.schema else {}
    options = {"connect_args": schema} if schema else {}
    # a new database has no alembic_version
    assert await current_revisions(database.url, **options) is None
    [head] = head_revisions()
    engine = database.engine()
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        await connection.execute(text(f"INSERT INTO alembic_version VALUES ('{head}')"))
    assert await current_revisions(database.url, **options) == {head}
    assert await asyncio.to_thread(up_to_date, database.url, **options)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    await engine.dispose()
    assert not await asyncio.to_thread(up_to_date, database.url, **options)


def test_a_restart_on_a_migrated_database_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'minga.db'}"
    program = (
        "import sys\n"
        "from bot.cli import migrate\n"
        "from bot.config import Settings\n"
        f"assert migrate(Settings(database_url={url!r}, _env_file=None)) is None\n"
        "print('alembic' in sys.modules)\n"
    )
    first, again = (
        subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
        for _ in range(2)
    )
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert (first.stdout, again.stdout) == ("True\n", "False\n")
