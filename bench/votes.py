"""A burst of clicks on one vote through the real Application, against a bare PTB baseline.

    python bench/votes.py [--members 1000] [--changes 500] [--rounds 3] [--database-url …]

1,000 members of one group press a button of one proposal, then some of them change their
minds (press another). The clicks go through the whole path as in production: the update
queue with concurrent handling (16), the rate limiter, the permission and transaction of each
turn, the position upsert, the toast, and the coalesced edits of the vote message (JobQueue
refresh jobs), with the Telegram test double as the Bot API. Each round is such a burst on a
new proposal; for each it prints clicks per second, positions stored against the last click
of each member, and how many times the vote message was edited. Then the median round, and
the same bursts through a bare PTB application whose only handler answers the callback — the
ratio is what Minga costs on top of PTB itself. The median, because this shared machine's
speed drifts from run to run; figures compare versions on one machine, they are not promises.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select
from telegram import Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler

from bot.app import build_application, new_event_loop
from bot.config import Settings, normalize_database_url
from bot.core.clock import SYSTEM
from bot.core.db import create_engine
from bot.models import metadata
from bot.votes import service
from bot.votes.models import Position, Vote
from tests.telegram_double import Chat, TelegramDouble
from tests.updates import TChat, TUser, Updates

GROUP = TChat(-1001234567890, "supergroup", "Barrio Grande")


async def burst(app: Any, tg: TelegramDouble, updates: list[dict[str, Any]]) -> float:
    """Put every click on the update queue, as the poller would; seconds until all answered."""
    answered = len(tg.answered)
    started = time.perf_counter()
    for data in updates:
        await app.update_queue.put(Update.de_json(data, app.bot))
    while len(tg.answered) - answered < len(updates):  # noqa: ASYNC110 - the double has no event
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


def make_clicks(
    u: Updates, people: list[TUser], message: dict[str, Any], buttons: list[str], changes: int
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    rng = random.Random(7)
    clicks: list[dict[str, Any]] = []
    last: dict[int, int] = {}
    for person in people:
        option = rng.randrange(len(buttons))
        clicks.append(u.callback(person, message, buttons[option]))
        last[person.id] = option
    # the ones who change their minds click after everyone else: their order is certain
    changers = sorted(rng.sample(range(len(people)), changes))  # at least `changes` clicks apart
    for person in (people[i] for i in changers):
        option = (last[person.id] + rng.randrange(1, len(buttons))) % len(buttons)
        clicks.append(u.callback(person, message, buttons[option]))
        last[person.id] = option
    return clicks, last


async def minga(url: str, members: int, changes: int, rounds: int) -> list[float]:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    tg = TelegramDouble(SYSTEM)
    settings = Settings(bot_token="1:bench", database_url=url, _env_file=None)
    app = build_application(settings, request=tg, engine=engine)
    await app.initialize()
    u = Updates(SYSTEM)
    people = [TUser(10_000 + n, f"Vecina {n}", f"vecina{n}", "es") for n in range(members)]
    tg.add_chat(Chat(GROUP.id, GROUP.type, GROUP.title))
    tg.set_admins(GROUP.id, (people[0], "creator"))
    setup = [u.my_chat_member(GROUP, people[0], "left", "member")]
    setup += [u.message(GROUP, person, "presente") for person in people]
    for data in setup:
        await app.process_update(Update.de_json(data, app.bot))

    rates: list[float] = []
    await app.start()  # the update queue with concurrent handling, and the JobQueue
    try:
        for n in range(1, rounds + 1):
            # each round is a new proposal, so every member's first click is a new position
            proposal = u.command(GROUP, people[0], f"/propose Pintar el mural, ronda {n}")
            await app.process_update(Update.de_json(proposal, app.bot))
            rates.append(await one_round(app, tg, u, people, changes, n))
    finally:
        await app.stop()
        await app.shutdown()
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
        await engine.dispose()
    return rates


async def one_round(
    app: Any, tg: TelegramDouble, u: Updates, people: list[TUser], changes: int, n: int
) -> float:
    async with _db(app) as session:
        vote = (await session.scalars(select(Vote).order_by(Vote.id.desc()).limit(1))).one()
    shown = tg.message_json(GROUP.id, vote.message_id)
    buttons = [b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"] for b in row]
    clicks, last = make_clicks(u, people, shown, buttons, changes)

    elapsed = await burst(app, tg, clicks)
    edits_in_burst = tg.messages[(GROUP.id, vote.message_id)].edits
    await asyncio.sleep(service.EDIT_INTERVAL.total_seconds() + 1)  # the last refresh
    message = tg.messages[(GROUP.id, vote.message_id)]
    async with _db(app) as session:
        stored = dict(
            (
                await session.execute(
                    select(Position.person_id, Position.choices).where(Position.vote_id == vote.id)
                )
            ).all()
        )
        dirty = await session.scalar(select(Vote.dirty).where(Vote.id == vote.id))
    expected = {person: 1 << option for person, option in last.items()}
    right = sum(1 for person, bits in expected.items() if stored.get(person) == bits)
    counts = [sum(1 for o in last.values() if o == i) for i in range(len(buttons))]
    final_ok = all(f": {count}" in message.text for count in counts) and not dirty

    total = len(clicks)
    print(f"  round {n}: {total} clicks in {elapsed:.2f} s = {total / elapsed:7.0f} clicks/s")
    print(
        f"    positions stored: {len(stored)} rows, {right} of {len(expected)} equal to the last "
        f"click of each member{' ✓' if right == len(expected) == len(stored) else ' ✗'}"
    )
    print(
        f"    vote message edits: {edits_in_burst} during the burst, {message.edits} in all "
        f"(for {total} clicks); final message shows the final tally: {'yes' if final_ok else 'NO'}"
    )
    return total / elapsed


def _db(app: Any) -> Any:
    from bot.core.runtime import runtime_of

    return runtime_of(app).db()


async def bare(members: int, changes: int, rounds: int) -> list[float]:
    tg = TelegramDouble(SYSTEM)
    app = (
        Application.builder()
        .token("1:bare")
        .request(tg)
        .get_updates_request(tg)
        .concurrent_updates(16)
        .rate_limiter(AIORateLimiter(max_retries=0))
        .build()
    )

    async def answer(update: Update, _context: Any) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer("ok")

    app.add_handler(CallbackQueryHandler(answer))
    await app.initialize()
    tg.add_chat(Chat(GROUP.id, GROUP.type, GROUP.title))
    u = Updates(SYSTEM)
    people = [TUser(10_000 + n, f"Vecina {n}", f"vecina{n}", "es") for n in range(members)]
    sent = tg.api_sendMessage({"chat_id": GROUP.id, "text": "vote"})
    buttons = [f"vote:c:1:{i}" for i in range(4)]
    rates: list[float] = []
    await app.start()
    try:
        for _ in range(rounds):
            clicks, _ = make_clicks(u, people, sent, buttons, changes)
            rates.append(len(clicks) / await burst(app, tg, clicks))
    finally:
        await app.stop()
        await app.shutdown()
    return rates


async def run(url: str, members: int, changes: int, rounds: int) -> None:
    print(f"database: {url.split('://')[0]}, {members} members, {changes} change their minds")
    ours = statistics.median(await minga(url, members, changes, rounds))
    base = statistics.median(await bare(members, changes, rounds))
    print(
        f"  minga:     median {ours:7.0f} clicks/s over {rounds} rounds\n"
        f"  bare PTB:  median {base:7.0f} clicks/s (the same bursts, a handler that only answers)\n"
        f"  minga takes {base / ours:.1f}× the time of a bare PTB application"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="bursts, each on a new proposal")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        with asyncio.Runner(loop_factory=new_event_loop) as runner:  # the loop `minga run` uses
            runner.run(run(normalize_database_url(url), args.members, args.changes, args.rounds))


if __name__ == "__main__":
    main()
