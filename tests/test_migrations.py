"""Alembic: one head; upgrade → downgrade → upgrade on SQLite and PostgreSQL; no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.migrate import alembic_config
from bot.models import metadata
from tests.conftest import Database


def test_there_is_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite:///unused.db"))
    assert len(script.get_heads()) == 1


async def alembic(database: Database, action: str, revision: str) -> None:
    engine = database.engine()
    try:
        async with engine.begin() as conn:

            def run(sync_connection) -> None:
                config = alembic_config(database.url)
                config.attributes["connection"] = sync_connection
                getattr(command, action)(config, revision)

            await conn.run_sync(run)
    finally:
        await engine.dispose()


async def tables_and_drift(database: Database) -> tuple[set[str], list]:
    engine = database.engine()
    try:
        async with engine.connect() as conn:

            def look(sync_connection):
                names = set(inspect(sync_connection).get_table_names())
                context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
                return names, compare_metadata(context, metadata)

            return await conn.run_sync(look)
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_and_no_drift(database: Database) -> None:
    await alembic(database, "upgrade", "head")
    tables, drift = await tables_and_drift(database)
    assert {"groups", "persons", "memberships", "processed_updates", "work_claims"} <= tables
    assert drift == []

    await alembic(database, "downgrade", "base")
    tables, _ = await tables_and_drift(database)
    assert tables <= {"alembic_version"}

    await alembic(database, "upgrade", "head")
    tables, drift = await tables_and_drift(database)
    assert set(metadata.tables) <= tables
    assert drift == []
