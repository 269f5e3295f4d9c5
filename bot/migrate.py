"""Apply the Alembic migrations shipped with the package (`minga migrate`, `minga run`).

A restart is the usual case and finds the database already at the head revision: `up_to_date`
reads the revisions from the migration files' text and `alembic_version` with one query, so
then Alembic (and every migration module) is never imported into the running bot.
"""

from __future__ import annotations

import asyncio
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

if TYPE_CHECKING:
    from alembic.config import Config

# `revision: str = '0012'` and `down_revision: str | None = '0011'` (or a tuple, or None)
_REVISION = re.compile(r"^(down_revision|revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def versions_dir() -> Path:
    return Path(str(resources.files("bot.migrations"))) / "versions"


def head_revisions(folder: Path | None = None) -> set[str]:
    """The revisions no other revision follows, read from the files without importing them."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (folder or versions_dir()).glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            found = set(_QUOTED.findall(value))
            (revisions if name == "revision" else followed).update(found)
    return revisions - followed


async def current_revisions(database_url: str, **engine_options: Any) -> set[str] | None:
    """What `alembic_version` holds; None when there is no such table yet."""
    from bot.core.db import create_engine

    engine = create_engine(database_url, **engine_options)
    try:
        async with engine.connect() as connection:
            has_table = await connection.run_sync(
                lambda sync: sync.dialect.has_table(sync, "alembic_version")
            )
            if not has_table:
                return None
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {row[0] for row in rows}
    finally:
        await engine.dispose()


def up_to_date(database_url: str, **engine_options: Any) -> bool:
    heads = head_revisions()
    return bool(heads) and asyncio.run(current_revisions(database_url, **engine_options)) == heads


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("bot.migrations")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)
