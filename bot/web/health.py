"""`/readyz`: the database answers and its schema is at the migrations' head."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

READY_TIMEOUT = 3.0  # seconds: a load balancer's probe must not hang on a dead database


def script_heads() -> frozenset[str]:
    """The head revisions of the migrations shipped with this release."""
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class Readiness:
    def __init__(
        self,
        engine: AsyncEngine,
        heads: Collection[str] | None = None,
        timeout: float = READY_TIMEOUT,
    ) -> None:
        self.engine = engine
        self.heads = frozenset(heads) if heads is not None else script_heads()
        self.timeout = timeout

    async def problem(self) -> str | None:
        """Why this replica should get no traffic, in one line; None when it is ready."""
        try:
            async with asyncio.timeout(self.timeout), self.engine.connect() as conn:
                exists = await conn.run_sync(
                    lambda sync: sync.dialect.has_table(sync, "alembic_version")
                )
                found = (
                    set(
                        (
                            await conn.execute(text("SELECT version_num FROM alembic_version"))
                        ).scalars()
                    )
                    if exists
                    else set()
                )
        except TimeoutError:
            return f"the database did not answer within {self.timeout:g} s"
        except Exception as exc:  # any driver's "cannot connect"
            return f"the database cannot be reached: {first_line(exc)}"
        if found != self.heads:
            at, need = ", ".join(sorted(found)) or "nothing", ", ".join(sorted(self.heads))
            return f"the database schema is at {at}, this release needs {need}: run minga setup"
        return None
