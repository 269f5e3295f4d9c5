"""Whether a group's export (/export) streams: the memory it holds as the group grows.

    python bench/export_memory.py [--commitments 10000] [--database-url postgresql://…]

Seeds one group with N commitments (each with an owner and a history row), and, for
comparison, one with N/10; builds each group's export zip the way /export does
(`bot.privacy.copies.group_export`, into a temporary file) and prints the zip's size, the
time, and the peak of Python memory allocated while building it (tracemalloc). A streamed
export's peak stays about the same when the group is ten times larger. Default database: a
temporary SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from bot.app import new_event_loop
from bot.commitments.models import Commitment, CommitmentEvent, CommitmentOwner
from bot.config import normalize_database_url
from bot.core.clock import SYSTEM
from bot.core.db import create_engine, make_sessionmaker
from bot.groups.models import Group, Membership, Person
from bot.models import metadata
from bot.privacy import copies

MEMBERS = 30
BASE = 5_000_000_000  # people's ids: Telegram user ids are this large
CHUNK = 2000


async def seed(sessions, group_id: int, commitments: int, first_id: int, now) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            insert(Group),
            [
                {
                    "id": group_id,
                    "chat_id": -(10**12) - group_id,
                    "title": f"Barrio {group_id}",
                    "type": "supergroup",
                    "language": "es",
                    "timezone": "America/Bogota",
                    "created_at": now,
                }
            ],
        )
        await session.execute(
            insert(Membership),
            [
                {"group_id": group_id, "person_id": BASE + p, "joined_at": now}
                for p in range(1, MEMBERS + 1)
            ],
        )
    for start in range(0, commitments, CHUNK):
        ids = range(first_id + start, first_id + min(commitments, start + CHUNK))
        async with sessions() as session, session.begin():
            await session.execute(
                insert(Commitment),
                [
                    {
                        "id": i,
                        "group_id": group_id,
                        "number": i - first_id + 1,
                        "text": f"Compromiso número {i} con un texto de largo normal, sillas",
                        "created_by": BASE + 1 + i % MEMBERS,
                        "status": "open",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            await session.execute(
                insert(CommitmentOwner),
                [
                    {"commitment_id": i, "person_id": BASE + 1 + i % MEMBERS, "added_at": now}
                    for i in ids
                ],
            )
            await session.execute(
                insert(CommitmentEvent),
                [
                    {
                        "commitment_id": i,
                        "person_id": BASE + 1 + i % MEMBERS,
                        "at": now,
                        "field": "created",
                    }
                    for i in ids
                ],
            )


async def export(sessions, group_id: int, now) -> tuple[float, int, int]:
    """The time (without tracing, which slows Python down), then the peak (traced)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        async with sessions() as session:
            await copies.group_export(session, group_id, now, out)
        elapsed = time.perf_counter() - started
        length = out.tell()
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        async with sessions() as session:
            await copies.group_export(session, group_id, now, out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak, length


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
    small = max(1, commitments // 10)
    await seed(sessions, 1, small, 1, now)
    await seed(sessions, 2, commitments, small + 1, now)
    print(f"database: {url.split('://')[0]}")
    for group_id, size in ((1, small), (2, commitments)):
        elapsed, peak, length = await export(sessions, group_id, now)
        print(
            f"  {size:>6} commitments ({3 * size} rows): zip {length / 1024:.0f} KiB in "
            f"{elapsed:.2f} s, peak Python memory {peak / 1024 / 1024:.2f} MiB"
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
        url = normalize_database_url(args.database_url or f"sqlite:///{tmp}/export.db")
        with asyncio.Runner(loop_factory=new_event_loop) as runner:  # as `minga run`
            runner.run(run(url, args.commitments))


if __name__ == "__main__":
    main()
