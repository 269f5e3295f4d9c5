"""Two real `minga serve` processes on one PostgreSQL database, Telegram (the strict double over
HTTP) delivering webhooks to them in turn: every effect once, one digest per group, a vote's
tally right when its clicks land on both replicas, and a replica killed with SIGKILL in the
middle of a stream loses nothing Telegram does not deliver again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.core.clock import SYSTEM
from tests.conftest import PG_ENV, TOKEN, pg_url
from tests.telegram_double import Chat
from tests.updates import TChat, TUser, Updates
from tests.web.botapi import HttpBotApi, Replica, Telegram

SECRET = "two-replicas-secret_0123456789abcdef"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ENV_KEYS = ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "WEBHOOK_URL", "WEBHOOK_SECRET")

pytestmark = pytest.mark.skipif(pg_url() is None, reason=f"{PG_ENV} is not set")


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    """A database of its own (the processes cannot be given the tests' per-test schema)."""
    url = make_url(pg_url() or "")
    name = f"minga_two_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture
def bot_api() -> Iterator[HttpBotApi]:
    with HttpBotApi() as api:
        yield api


def environment(api: HttpBotApi, url: str, **more: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    return (
        clean
        | {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api.url,
            "DATABASE_URL": url,
            "WEBHOOK_URL": "https://minga.example.org",
            "WEBHOOK_SECRET": SECRET,
            "TICK_SECONDS": "1",
            "LOG_FORMAT": "json",
            "LISTEN_HOST": "127.0.0.1",
        }
        | more
    )


async def set_up(env: dict[str, str], cwd: Path) -> str:
    """`minga setup` (migrations, setWebhook, menus), as a release runs it once: the path
    Telegram posts to."""
    setup = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "setup"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    return Settings(_env_file=None, webhook_secret=SECRET).webhook_path()


async def wait_for(check: Any, within: float = 30, step: float = 0.2) -> Any:
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(step)


async def test_two_replicas_share_one_database_and_lose_nothing(
    database_url: str, bot_api: HttpBotApi, tmp_path: Path
) -> None:
    env = environment(bot_api, database_url)
    path = await set_up(env, tmp_path)
    assert bot_api.webhook["url"] == "https://minga.example.org" + path

    a, b = Replica(env, tmp_path, "a"), Replica(env, tmp_path, "b")
    telegram = Telegram([a.base, b.base], path, SECRET)
    tg, u = bot_api.tg, Updates(SYSTEM)
    try:
        await asyncio.gather(a.ready(), b.ready())
        ana = TUser(101, "Ana", "ana_barrio", "es")
        people = [TUser(200 + i, f"Vecina{i}", f"vecina{i}", "es") for i in range(8)]
        groups = [TChat(-1001000000100 - g, "supergroup", f"Barrio {g}") for g in range(3)]
        for chat in groups:
            tg.add_chat(Chat(chat.id, chat.type, chat.title, False))
            tg.set_admins(chat.id, (ana, "creator"))
        await telegram.deliver_chats(
            [
                [u.my_chat_member(chat, ana, "left", "member")]
                + [u.message(chat, p, "hola") for p in people]
                for chat in groups
            ]
        )

        # a vote whose clicks land on both replicas
        first = groups[0]
        await telegram.deliver(u.command(first, ana, "/propose Pintar el mural"))
        vote = next(m for m in reversed(tg.sent(first.id)) if m.button_data)
        agree, disagree = vote.button_data[0], vote.button_data[2]
        clicks = [
            u.callback(p, tg.message_json(first.id, vote.message_id), agree if i < 5 else disagree)
            for i, p in enumerate(people)
        ]
        clicks.append(u.callback(people[0], tg.message_json(first.id, vote.message_id), disagree))
        for click in clicks:  # one chat: one after the other, each to the next replica
            await telegram.deliver(click)
        where = Counter(telegram.attempts[c["update_id"]][-1][0] for c in clicks)
        assert where[a.base] and where[b.base]
        shown = await wait_for(
            lambda: (
                "De acuerdo: 4" in tg.messages[(first.id, vote.message_id)].text
                and "En desacuerdo: 4" in tg.messages[(first.id, vote.message_id)].text
            ),
            within=20,
        )
        assert shown, tg.messages[(first.id, vote.message_id)].text
        toasts = [c for c in tg.calls if c.method == "answerCallbackQuery"]
        assert len(toasts) == len(clicks)  # each click answered once, none twice

        # one digest per group, with both replicas ticking every second
        conn = await asyncpg.connect(database_url)
        try:
            await conn.execute("UPDATE groups SET created_at = now() - interval '2 days'")
        finally:
            await conn.close()
        local = (datetime.now(UTC) - timedelta(minutes=2)).astimezone(ZoneInfo("America/Bogota"))
        schedule = f"/digest weekly {WEEKDAYS[local.weekday()]} {local:%H:%M}"
        await telegram.deliver_chats([[u.command(chat, ana, schedule)] for chat in groups])

        def digests() -> Counter[int]:
            return Counter(s.chat_id for s in tg.sent() if s.text.startswith("🗞 Resumen semanal"))

        assert await wait_for(lambda: len(digests()) == len(groups), within=30), digests()
        await asyncio.sleep(3)  # more ticks on both: nothing more
        assert digests() == Counter({chat.id: 1 for chat in groups})

        # a stream of commitments; replica A is killed (-9) in the middle of it
        stream = [
            [u.command(chat, people[i % 8], f"/commit Tarea {g}-{i:02d}") for i in range(12)]
            for g, chat in enumerate(groups)
        ]
        before = len(telegram.attempts)
        delivery = asyncio.ensure_future(telegram.deliver_chats(stream))
        await wait_for(lambda: len(telegram.attempts) > before + 15, within=60, step=0.01)
        a.process.send_signal(signal.SIGKILL)
        a.process.wait()
        await asyncio.wait_for(delivery, 120)

        conn = await asyncpg.connect(database_url)
        try:
            rows = await conn.fetch("SELECT group_id, number, text FROM commitments")
        finally:
            await conn.close()
        texts = Counter(r["text"] for r in rows)
        wanted = {f"Tarea {g}-{i:02d}" for g in range(3) for i in range(12)}
        assert set(texts) == wanted and set(texts.values()) == {1}  # each once, none lost
        cards = Counter(t for s in tg.sent() for t in wanted if t in s.text)
        assert max(cards.values()) == 1  # never twice
        # an update A had committed but not answered when it died is delivered again to B,
        # which finds it done: its card is the one thing that can be missing (at most one
        # per chat in flight), as after a crash in polling mode
        assert len(wanted - set(cards)) <= len(groups)
        redelivered = [k for k, v in telegram.attempts.items() if len(v) > 1]
        assert redelivered, "the kill came when nothing was in flight"
    finally:
        await telegram.close()
        a.stop()
        b.stop()
    assert b.process.returncode == 0  # SIGTERM: a graceful stop
