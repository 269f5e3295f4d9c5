"""How fast weekly digests are built, and whether memory stays flat as groups grow.

    python bench/digest.py [--groups 1000] [--database-url postgresql://…]

Seeds N groups (30 members, 40 commitments, 5 votes when the votes feature is installed, and
2 meetings each) with bulk inserts, then builds every group's digest text the way the
scheduler does — groups streamed in batches, a fixed number of queries per batch — and prints
groups per second, queries per group and the peak resident memory: of the whole run, and of
the build alone (Linux: the peak is reset after seeding), which should not grow with the
number of groups. On PostgreSQL the tables are analyzed after seeding, as autovacuum does in a
deployment (without statistics the planner hash-joins whole tables). Default database: a
temporary SQLite file.

The first build of a process also pays for what is loaded once (Babel's locale data, the
statements' compilation): `--repeat 2` shows the steady state too. `--keep` leaves the seeded
tables for the next run with as many groups, so another checkout's bench can build on the same
data, in turn with this one.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from bot.app import new_event_loop
from bot.commitments.models import Commitment, CommitmentOwner
from bot.config import normalize_database_url
from bot.core.clock import SYSTEM
from bot.core.db import as_utc, create_engine, make_sessionmaker
from bot.core.i18n import translator
from bot.groups.models import Group, Membership, Person
from bot.meetings.models import Attendance, Meeting
from bot.models import metadata
from bot.monitoring import handlers, service
from bot.monitoring.facts import collect

MEMBERS, COMMITMENTS, MEETINGS, VOTES = 30, 40, 2, 5
BATCH = handlers.BATCH


async def seed(sessions, groups: int, now: datetime) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            insert(Person),
            [
                {"id": p, "first_name": f"Vecina {p}", "created_at": now, "updated_at": now}
                for p in range(1, MEMBERS + 1)
            ],
        )
    for start in range(0, groups, 100):
        chunk = range(start, min(groups, start + 100))
        async with sessions() as session, session.begin():
            await session.execute(
                insert(Group),
                [
                    {
                        "id": g + 1,
                        "chat_id": -(10**12) - g,
                        "title": f"Barrio {g}",
                        "type": "supergroup",
                        "language": "es",
                        "timezone": "America/Bogota",
                        "active": True,
                        "created_at": now - timedelta(days=60),
                    }
                    for g in chunk
                ],
            )
            await session.execute(
                insert(Membership),
                [
                    {"group_id": g + 1, "person_id": p, "role": "member", "joined_at": now}
                    for g in chunk
                    for p in range(1, MEMBERS + 1)
                ],
            )
            rows = []
            for g in chunk:
                for n in range(COMMITMENTS):
                    done = n % 3 == 0
                    rows.append(
                        {
                            "group_id": g + 1,
                            "number": n + 1,
                            "text": f"Tarea {n}",
                            "due_at": now + timedelta(days=(n % 20) - 10),
                            "status": "done" if done else "open",
                            "progress": 100 if done else 0,
                            "created_at": now - timedelta(days=30),
                            "updated_at": now,
                            "done_at": now - timedelta(days=n % 6) if done else None,
                        }
                    )
            ids = (
                await session.execute(insert(Commitment).returning(Commitment.id), rows)
            ).scalars()
            await session.execute(
                insert(CommitmentOwner),
                [
                    {
                        "commitment_id": cid,
                        "person_id": (cid % MEMBERS) + 1,
                        "accepted_at": now,
                        "added_at": now,
                    }
                    for cid in ids
                ],
            )
            meetings = (
                (
                    await session.execute(
                        insert(Meeting).returning(Meeting.id),
                        [
                            {
                                "group_id": g + 1,
                                "title": f"Asamblea {m}",
                                "status": "held" if m == 0 else "confirmed",
                                "starts_at": now + timedelta(days=-2 if m == 0 else 3),
                                "ends_at": now + timedelta(days=-2 if m == 0 else 3, hours=2),
                                "created_at": now,
                            }
                            for g in chunk
                            for m in range(MEETINGS)
                        ],
                    )
                )
                .scalars()
                .all()
            )
            await session.execute(
                insert(Attendance),
                [
                    {"meeting_id": mid, "person_id": p, "at": now}
                    for mid in meetings[::2]
                    for p in range(1, 11)
                ],
            )
        await seed_votes(sessions, chunk, now)


async def seed_votes(sessions, chunk: range, now: datetime) -> None:
    """5 votes per group: 2 closed with a decision, 3 open with 20 positions each."""
    from bot.votes.models import Decision, Position, Vote

    async with sessions() as session, session.begin():
        rows = [
            {
                "group_id": g + 1,
                "kind": "proposal",
                "question": f"Propuesta {v}",
                "options": [],
                "opened_at": now - timedelta(days=3),
                "closes_at": now + timedelta(days=v - 1),
                "closed_at": now - timedelta(days=1) if v < 2 else None,
                "outcome": "passed" if v < 2 else None,
            }
            for g in chunk
            for v in range(VOTES)
        ]
        ids = (
            await session.execute(
                insert(Vote).returning(Vote.id, Vote.group_id, Vote.closed_at), rows
            )
        ).all()
        await session.execute(
            insert(Position),
            [
                {
                    "vote_id": vid,
                    "person_id": p,
                    "choices": 1,
                    "updated_at": now - timedelta(days=1),
                }
                for vid, _, _ in ids
                for p in range(1, 21)
            ],
        )
        closed = [(vid, gid) for vid, gid, closed_at in ids if closed_at is not None]
        await session.execute(
            insert(Decision),
            [
                {
                    "group_id": gid,
                    "number": n + 1,
                    "vote_id": vid,
                    "outcome": "passed",
                    "winners": [],
                    "counts": [20, 0, 0, 0],
                    "voters": 20,
                    "members": MEMBERS,
                    "decided_at": now - timedelta(days=1),
                }
                for n, (vid, gid) in enumerate(closed)
            ],
        )


def _resident_peak(reset: bool = False) -> float | None:
    """The process's peak resident memory in MiB since the last reset (Linux), or None."""
    try:
        if reset:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        found = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    except OSError:
        return None
    return int(found.group(1)) / 1024 if found else None


async def build(sessions, engine, now: datetime, groups: int) -> tuple[float, float, int, int]:
    """The time to build every digest, the part of it spent on the texts (the rest: reading
    the facts), the queries and the digests built."""
    queries = 0

    def count(*_args: object) -> None:
        nonlocal queries
        queries += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    tr = translator("es")
    built, texts = 0, 0.0
    started = time.perf_counter()
    try:
        for start in range(0, groups, BATCH):
            ids = list(range(start + 1, min(groups, start + BATCH) + 1))
            async with sessions() as session:
                facts = await collect(session, ids, now - service.WEEK, now)
            read = time.perf_counter()
            for gid in ids:
                text = handlers.digest_text(tr, facts[gid], "America/Bogota", now=now)
                built += bool(text)
            texts += time.perf_counter() - read
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return time.perf_counter() - started, texts, queries, built


async def run(url: str, groups: int, repeat: int = 1, keep: bool = False) -> None:
    engine = create_engine(url)
    sessions = make_sessionmaker(engine, SYSTEM)
    now = await seeded(sessions, groups)  # kept by an earlier run (--keep)
    if now is None:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
            await conn.run_sync(metadata.create_all)
        now = SYSTEM.now()
        started = time.perf_counter()
        await seed(sessions, groups, now)
        seeded_in = time.perf_counter() - started
        print(f"database: {url.split('://')[0]} · {groups} groups seeded in {seeded_in:.1f} s")
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("ANALYZE"))
    else:
        print(f"database: {url.split('://')[0]} · {groups} groups seeded by an earlier run")
    async with sessions() as session:
        assert await session.scalar(select(Group.id).order_by(Group.id.desc()).limit(1)) == groups
    rates = []
    for _ in range(repeat):
        before = _resident_peak(reset=True)
        elapsed, texts, queries, built = await build(sessions, engine, now, groups)
        peak = _resident_peak()
        rates.append(groups / elapsed)
        print(f"  digests built: {built} in {elapsed:.2f} s → {groups / elapsed:.0f} groups/s")
        print(f"  of which the facts {elapsed - texts:.2f} s, the texts {texts:.2f} s")
        print(f"  queries: {queries} ({queries / groups:.2f} per group, batches of {BATCH})")
        if before is not None and peak is not None:
            grew = peak - before
            print(f"  peak resident memory while building: {peak:.1f} MiB (+{grew:.1f} MiB)")
    if repeat > 1:
        print(f"  groups/s over {repeat} builds: {min(rates):.0f}–{max(rates):.0f}")
    if not keep:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
    await engine.dispose()


async def seeded(sessions, groups: int) -> datetime | None:
    """The moment an earlier run seeded exactly `groups` groups at, or None."""
    try:
        async with sessions() as session:
            count = await session.scalar(select(func.count()).select_from(Group))
            first = await session.scalar(select(Group.created_at).where(Group.id == 1))
    except DBAPIError:  # no tables
        return None
    if count != groups or first is None:
        return None
    return as_utc(first) + timedelta(days=60)  # seeded 60 days after the groups arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=1, help="build the digests this many times")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the seeded tables: a next run with as many groups builds on them (to compare "
        "two versions of the code on the same data: run each checkout's bench in turn)",
    )
    args = parser.parse_args()
    if args.keep and not args.database_url:
        parser.error("--keep needs --database-url")
    with tempfile.TemporaryDirectory() as tmp:
        url = normalize_database_url(args.database_url or f"sqlite:///{tmp}/digest.db")
        with asyncio.Runner(loop_factory=new_event_loop) as runner:  # as `minga run`
            runner.run(run(url, args.groups, args.repeat, args.keep))
    print(
        f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
