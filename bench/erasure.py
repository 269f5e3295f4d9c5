"""How long /forgetme's one transaction takes as the database grows.

    python bench/erasure.py [--commitments 10000] [--database-url postgresql://…]

Seeds one group with N commitments, each with an owner and a history row (as
bench/export_memory.py does), then erases one of its 30 members the way /forgetme does
(`bot.privacy.erasure.erase`: every person column moved to a tombstone, every string and JSON
column searched for copies of the name) and prints the time and the statements it took.
Default database: a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, insert, select

from bench.export_memory import BASE, MEMBERS, seed
from bot.app import new_event_loop
from bot.commitments.models import CommitmentOwner
from bot.config import normalize_database_url
from bot.core.clock import SYSTEM
from bot.core.db import create_engine, make_sessionmaker
from bot.groups.models import Person
from bot.models import metadata
from bot.privacy import erasure


async def run(url: str, commitments: int) -> None:
    engine = create_engine(url)
    sessions = make_sessionmaker(engine, SYSTEM)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    now = SYSTEM.now()
    async with sessions() as session, session.begin():
        await session.execute(
            insert(Person),
            [
                {"id": BASE + p, "first_name": f"Vecina {p}", "created_at": now, "updated_at": now}
                for p in range(1, MEMBERS + 1)
            ],
        )
    await seed(sessions, 1, commitments, 1, now)
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        done = await erasure.erase(session, BASE + 7, now, label="ex-integrante")
    elapsed = time.perf_counter() - started
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    async with sessions() as session:
        owned = await session.scalar(
            select(func.count()).select_from(CommitmentOwner).where(CommitmentOwner.person_id < 0)
        )
    assert done is not None
    print(f"database: {url.split('://')[0]} · {commitments} commitments ({3 * commitments} rows)")
    print(
        f"  one person erased in {elapsed:.2f} s, {statements} statements; "
        f"{len(done.groups[0].unassigned)} open commitments unassigned, {owned} kept"
    )
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalize_database_url(args.database_url or f"sqlite:///{tmp}/erasure.db")
        with asyncio.Runner(loop_factory=new_event_loop) as runner:  # as `minga run`
            runner.run(run(url, args.commitments))


if __name__ == "__main__":
    main()
