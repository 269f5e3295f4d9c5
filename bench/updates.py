"""Throughput of whole updates through the real Application, and the process's peak memory.

    python bench/updates.py [--updates 2000] [--database-url postgresql://…]

Each update goes through the whole path: handler, permission check, one transaction
(update id, registration, the change), commit, and the reply to the Telegram test double.
Prints updates per second and the peak resident memory; the figures are for comparison
between versions on one machine, not absolute promises.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from telegram import Update

from bot.app import build_application, new_event_loop
from bot.config import Settings
from bot.core.clock import SYSTEM
from bot.core.db import create_engine
from bot.models import metadata
from tests.telegram_double import Chat, TelegramDouble
from tests.updates import TChat, TUser, Updates


async def run(url: str, count: int) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)
    tg = TelegramDouble(SYSTEM)
    settings = Settings(bot_token="1:bench", database_url=url, _env_file=None)
    app = build_application(settings, request=tg, engine=engine, rate_limiter=False)
    await app.initialize()
    u = Updates(SYSTEM)
    groups = [TChat(-1000000000 - n, "supergroup", f"Barrio {n}") for n in range(20)]
    people = [TUser(1000 + n, f"Vecina {n}", f"vecina{n}", "es") for n in range(200)]
    for chat in groups:
        tg.add_chat(Chat(chat.id, chat.type, chat.title))
        tg.set_admins(chat.id, (people[0], "creator"))
        await app.process_update(
            Update.de_json(u.my_chat_member(chat, people[0], "left", "member"), app.bot)
        )

    scenarios = {
        "/help (member)": lambda i: u.command(groups[i % 20], people[i % 200], "/help"),
        "/timezone (coordinator)": lambda i: u.command(
            groups[i % 20], people[0], "/timezone America/Lima"
        ),
        "plain message (registration)": lambda i: u.message(
            groups[i % 20], people[i % 200], "hola"
        ),
    }
    print(f"database: {url.split('://')[0]}, {count} updates per scenario")
    for name, make in scenarios.items():
        updates = [Update.de_json(make(i), app.bot) for i in range(count)]
        started = time.perf_counter()
        for update in updates:
            await app.process_update(update)
        elapsed = time.perf_counter() - started
        print(
            f"  {name:32s} {count / elapsed:8.0f} updates/s  {elapsed / count * 1000:6.2f} ms each"
        )
    async with engine.connect() as conn:
        rows = (await conn.execute(text("select count(*) from processed_updates"))).scalar()
    print(f"  processed update ids stored: {rows}")
    await app.shutdown()
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        from bot.config import normalize_database_url

        with asyncio.Runner(loop_factory=new_event_loop) as runner:  # as `minga run`
            runner.run(run(normalize_database_url(url), args.updates))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory: {peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
