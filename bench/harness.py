"""What the benches that run a real bot process share: a fresh database next to a given one,
the process's CPU time and memory read from /proc, and waiting for a condition."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import normalize_database_url

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], bool], seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {failure}")
        time.sleep(0.1)


def admin(url: str, *statements: str) -> None:
    """Statements outside a transaction, on the server's `postgres` database."""

    async def execute() -> None:
        target = make_url(normalize_database_url(url)).set(database="postgres")
        engine = create_async_engine(target, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
        await engine.dispose()

    asyncio.run(execute())


def fresh(url: str, name: str, workdir: Path) -> str:
    """A new, empty database: a SQLite file in `workdir` (for any `sqlite…` url), or a
    PostgreSQL database created next to the one `url` names."""
    if url.startswith("sqlite"):
        return f"sqlite:///{workdir}/{name}.db"
    database = f"minga_{name}_{os.getpid()}"
    admin(url, f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def drop(url: str) -> None:
    """Drop what `fresh` made on PostgreSQL (a SQLite file goes with its folder)."""
    if url.startswith("sqlite"):
        return
    admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _status_mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


def rss_mib(pid: int) -> float:
    """The resident memory of the process now."""
    return _status_mib(pid, "VmRSS")


def peak_rss_mib(pid: int) -> float:
    """The most resident memory the process has held (its high-water mark)."""
    return _status_mib(pid, "VmHWM")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used, with its children's that ended (the
    migrations of a first start run in one)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def terminate(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, and SIGKILL if it has not ended within 20 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
