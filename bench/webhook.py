"""Updates per second through real `minga serve` processes (1 and 2 replicas) on PostgreSQL,
and through `minga run` (long polling) in the same run, with each webhook request's p50/p95.

    python bench/webhook.py --database-url postgresql://postgres@127.0.0.1:5432/test \\
        [--updates 1000] [--groups 20]

Telegram is the strict double served over HTTP (tests/web/botapi.py): for webhooks it posts
each chat's updates one after the other (as Telegram does) and the chats at once; for polling
it answers getUpdates with them. The updates are plain group messages from 200 members (each
one transaction: the update id, registration, the message counters; no reply, so Telegram's
flood limits do not set the pace). Every run gets a fresh database. The figures compare
versions and modes on one machine; they are not promises.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.core.clock import SYSTEM
from tests.conftest import TOKEN
from tests.telegram_double import Chat
from tests.updates import TChat, TUser, Updates
from tests.web.botapi import HttpBotApi, Replica, Telegram

SECRET = "bench-webhook-secret_0123456789abcdef"


async def fresh_database(admin: str) -> str:
    name = f"minga_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def drop_database(admin: str, name: str) -> None:
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def workload(u: Updates, api: HttpBotApi, groups: int, count: int) -> tuple[list, list]:
    """(the bot added to each group, the measured messages), as lists per chat."""
    ana = TUser(101, "Ana", "ana", "es")
    people = [TUser(1000 + n, f"Vecina {n}", f"vecina{n}", "es") for n in range(200)]
    chats = [TChat(-1002000000000 - g, "supergroup", f"Barrio {g}") for g in range(groups)]
    for chat in chats:
        api.tg.add_chat(Chat(chat.id, chat.type, chat.title, False))
        api.tg.set_admins(chat.id, (ana, "creator"))
    added = [[u.my_chat_member(chat, ana, "left", "member")] for chat in chats]
    messages: list[list] = [[] for _ in chats]
    for i in range(count):
        messages[i % groups].append(u.message(chats[i % groups], people[i % 200], f"hola {i}"))
    return added, messages


def environment(api: HttpBotApi, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.url,
        "DATABASE_URL": url,
        "WEBHOOK_URL": "https://minga.example.org",
        "WEBHOOK_SECRET": SECRET,
        "LISTEN_HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


async def webhook_run(admin: str, replicas: int, groups: int, count: int) -> str:
    name = await fresh_database(admin)
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    started: list[Replica] = []
    with HttpBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        env = environment(api, url)
        try:
            setup = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "setup",
                env=env,
                cwd=tmp,
                stdout=asyncio.subprocess.DEVNULL,
            )
            assert await setup.wait() == 0, "minga setup failed"
            started = [Replica(env, Path(tmp), f"r{n}") for n in range(replicas)]
            await asyncio.gather(*(r.ready() for r in started))
            path = Settings(_env_file=None, webhook_secret=SECRET).webhook_path()
            telegram = Telegram([r.base for r in started], path, SECRET)
            added, messages = workload(Updates(SYSTEM), api, groups, count)
            await telegram.deliver_chats(added)
            latencies: list[float] = []

            async def timed(update: dict) -> None:
                began = time.perf_counter()
                await telegram.deliver(update)
                latencies.append(time.perf_counter() - began)

            async def chat(updates: list) -> None:
                for update in updates:
                    await timed(update)

            began = time.perf_counter()
            await asyncio.gather(*(chat(m) for m in messages))
            elapsed = time.perf_counter() - began
            await telegram.close()
        finally:
            for replica in started:
                replica.stop()
            await drop_database(admin, name)
    p50 = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000
    return (
        f"webhook, {replicas} replica{'s' if replicas > 1 else ' '}   {count / elapsed:8.0f}"
        f" updates/s   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"
    )


async def handled_at_least(conn: asyncpg.Connection, wanted: int) -> int:
    """Wait until the poller has handled `wanted` updates (the database says so)."""
    while True:
        try:
            found = await conn.fetchval("SELECT count(DISTINCT update_id) FROM processed_updates")
        except asyncpg.UndefinedTableError:  # `minga run` is still migrating
            found = 0
        if found >= wanted:
            return found
        await asyncio.sleep(0.05)


async def polling_run(admin: str, groups: int, count: int) -> str:
    name = await fresh_database(admin)
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    with HttpBotApi() as api, tempfile.TemporaryDirectory() as tmp:
        env = environment(api, url)
        added, messages = workload(Updates(SYSTEM), api, groups, count)
        api.inbox.deliver([u for chat in added for u in chat])
        poller = Replica(env, Path(tmp), "poll", command="run")
        try:
            conn = await asyncpg.connect(url)
            try:
                first = await handled_at_least(conn, groups)
                # in Telegram's order: update ids increase across the chats
                stream = sorted(
                    (u for chat in messages for u in chat), key=lambda u: u["update_id"]
                )
                began = time.perf_counter()
                api.inbox.deliver(stream)
                await handled_at_least(conn, first + count)
                elapsed = time.perf_counter() - began
            finally:
                await conn.close()
        finally:
            poller.stop()
            await drop_database(admin, name)
    return f"polling (minga run)   {count / elapsed:8.0f} updates/s   (batches of up to 100)"


async def main_async(url: str, count: int, groups: int) -> None:
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    print(f"{count} plain group messages in {groups} groups, PostgreSQL, {os.cpu_count()} cores")
    print(await polling_run(admin, groups, count))
    print(await webhook_run(admin, 1, groups, count))
    print(await webhook_run(admin, 2, groups, count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server to use")
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main_async(args.database_url, args.updates, args.groups))


if __name__ == "__main__":
    main()
