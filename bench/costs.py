"""SQL statements and Bot API calls per handled update, by kind of update (issue 19).

    python bench/costs.py [--updates 100] [--pg postgresql://postgres@127.0.0.1:5432/test]

Through the real Application in this process (as bench/updates.py), with the Telegram test
double as the Bot API: one group of 40 members with a coordinator and an open proposal, then,
for each kind — plain chatter, a click on the proposal's buttons, /commit, /status, a reaction
on the proposal, a new member joining — `--updates` updates of that kind one after the other,
from members picked at random (the joining ones new each time), with the mean wall time each
took in this one process (`ms`: to compare kinds with each other, on one machine). The SQL
statements are counted with SQLAlchemy's `before_cursor_execute` event on the engine: what
goes through a cursor, transaction control (SQLite's BEGIN IMMEDIATE, savepoints) counted
apart; a COMMIT is no statement there, nor PostgreSQL's BEGIN. The Bot API calls by the
double, which records each (`--statements` prints the SQL of the last update of each kind). A
click also asks for a coalesced edit of the vote message (a JobQueue job, at most one per group
every 3 s): that job is run after the clicks and its cost printed on its own line, per job. On
a fresh SQLite file and, with `--pg`, on a fresh PostgreSQL database made next to the one
given (dropped at the end). Issue 19's goal: at most 3 statements and 2 Bot API calls per
handled click or command.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, select
from telegram import Update

from bench.harness import drop, fresh
from bot.app import build_application, new_event_loop
from bot.config import Settings, normalize_database_url
from bot.core.clock import SYSTEM
from bot.core.db import create_engine
from bot.core.runtime import runtime_of
from bot.models import metadata
from bot.votes.models import Vote
from bot.votes.service import EDIT_INTERVAL
from tests.telegram_double import Chat, TelegramDouble
from tests.updates import TChat, TUser, Updates

GROUP = TChat(-1001900000000, "supergroup", "Barrio Costos")
COORDINATOR = TUser(900, "Ana", "ana_coord")
MEMBERS = [TUser(10_000 + n, f"Vecina {n}", f"vecina{n}") for n in range(40)]
GOAL = {"click": (3, 2), "/commit": (3, 2), "/status": (3, 2)}


CONTROL = {"BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT"}  # transaction control


class Counts:
    def __init__(self, engine: Any) -> None:
        self.statements = 0  # that do work: transaction control is counted in `control`
        self.control = 0
        self.seen: list[str] = []  # the statements since `mark`
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.split(None, 1)[0].upper() in CONTROL:
            self.control += 1
        else:
            self.statements += 1
        self.seen.append(" ".join(statement.split())[:110])

    def mark(self) -> None:
        self.seen = []


async def run(url: str, count: int, show: bool) -> list[str]:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    tg = TelegramDouble(SYSTEM)
    settings = Settings(bot_token="1:costs", database_url=url, _env_file=None)
    app = build_application(settings, request=tg, engine=engine, rate_limiter=False)
    await app.initialize()
    u, rng = Updates(SYSTEM), random.Random(19)
    tg.add_chat(Chat(GROUP.id, GROUP.type, GROUP.title))
    tg.set_admins(GROUP.id, (COORDINATOR, "creator"))

    async def feed(data: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(data, app.bot))

    await feed(u.my_chat_member(GROUP, COORDINATOR, "left", "administrator"))
    for person in MEMBERS:
        await feed(u.message(GROUP, person, "hola, presente"))
    await feed(u.command(GROUP, COORDINATOR, "/propose Pintar el mural del barrio"))
    async with runtime_of(app).db() as session:
        vote = (await session.scalars(select(Vote).order_by(Vote.id.desc()).limit(1))).one()
    shown = tg.message_json(GROUP.id, vote.message_id)
    buttons = [d for d in tg.messages[(GROUP.id, vote.message_id)].button_data if "vote:c" in d]

    kinds: dict[str, Callable[[TUser], dict[str, Any]]] = {
        "chatter": lambda p: u.message(GROUP, p, "¿quién trae las sillas?"),
        "click": lambda p: u.callback(p, shown, rng.choice(buttons)),
        "/commit": lambda p: u.command(GROUP, p, "/commit Llevar las sillas by viernes"),
        "/status": lambda p: u.command(GROUP, p, "/status"),
        "reaction": lambda p: u.reaction(
            GROUP, p, vote.message_id, [rng.choice(("👍", "👎", "❤"))]
        ),
        # a new member joins (bench/e2e.py's mix has them): a person never seen before each time
        "join": lambda p: u.chat_member(GROUP, (new := next(newcomers)), new, "left", "member"),
    }
    newcomers = (TUser(50_000 + n, f"Nueva {n}", f"nueva{n}") for n in itertools.count())
    counts = Counts(engine)
    lines = [
        f"{'kind':10} {'SQL':>6} {'+ tx':>5} {'Bot API':>8} {'ms':>6}  calls by method (per update)"
    ]

    async def measured(name: str, n: int, work: Callable[[], Awaitable[Any]]) -> None:
        before = (counts.statements, counts.control, len(tg.calls))
        started = time.perf_counter()
        await work()
        seconds = time.perf_counter() - started
        done = counts.statements - before[0], counts.control - before[1]
        lines.append(row(name, *done, tg.calls[before[2] :], n, seconds))
        if show:
            lines.extend(f"    {statement}" for statement in counts.seen)

    for kind, make in kinds.items():
        updates = [make(rng.choice(MEMBERS)) for _ in range(count)]

        async def handle(updates: list[dict[str, Any]] = updates) -> None:
            for data in updates:
                counts.mark()  # `--statements` shows the last update's
                await feed(data)

        await measured(kind, count, handle)
        if kind == "click":  # the coalesced refresh of the vote message the clicks asked for
            await asyncio.sleep(EDIT_INTERVAL.total_seconds())
            assert app.job_queue is not None
            jobs = [job for job in app.job_queue.jobs() if (job.name or "").startswith("votes")]

            async def refresh(jobs: list[Any] = jobs) -> None:
                counts.mark()
                for job in jobs:
                    job.schedule_removal()
                    await job.run(app)

            await measured("  refresh", max(1, len(jobs)), refresh)
            lines[-1] += f" (per job: {len(jobs)} after {count} clicks)"
    await app.shutdown()
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
    await engine.dispose()
    return lines


def row(
    kind: str, statements: int, control: int, calls: list[Any], count: int, seconds: float
) -> str:
    methods = Counter(call.method for call in calls)
    detail = ", ".join(f"{m} {n / count:.2f}" for m, n in methods.most_common()) or "none"
    sql, api = statements / count, len(calls) / count
    goal = GOAL.get(kind)
    verdict = ""
    if goal:
        verdict = "  ✓" if sql <= goal[0] and api <= goal[1] else "  ✗ (goal ≤ 3 SQL, ≤ 2 calls)"
    ms = 1000 * seconds / count
    # two decimals: a click's mean is 3.02 (the first after each refresh marks the vote dirty)
    return f"{kind:10} {sql:6.2f} {control / count:5.1f} {api:8.2f} {ms:6.2f}  {detail}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=100, help="updates of each kind")
    parser.add_argument("--pg", metavar="URL", help="also on PostgreSQL (a database next to it)")
    parser.add_argument("--statements", action="store_true", help="print each kind's last SQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", fresh("sqlite", "costs", Path(tmp)))]
        if args.pg:
            targets.append(("PostgreSQL", fresh(args.pg, "costs", Path(tmp))))
        for name, url in targets:
            try:
                with asyncio.Runner(loop_factory=new_event_loop) as runner:
                    lines = runner.run(
                        run(normalize_database_url(url), args.updates, args.statements)
                    )
            finally:
                drop(url)
            print(f"{name}: per handled update, the mean of {args.updates} of each kind")
            print("\n".join("  " + line for line in lines))


if __name__ == "__main__":
    main()
