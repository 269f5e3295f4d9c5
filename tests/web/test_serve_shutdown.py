"""A real `minga serve` given SIGTERM while a webhook request is under way: the request ends with
its turn committed and answered 200 (so Telegram does not deliver it again), its reply is sent
once, and the process exits 0 well inside Docker's 10 s (issue 20)."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import asyncpg
import httpx

from bot.core.clock import SYSTEM
from tests.telegram_double import Chat
from tests.updates import TChat, TUser, Updates
from tests.web.botapi import HttpBotApi, Replica
from tests.web.test_two_processes import (  # noqa: F401 - fixtures
    SECRET,
    bot_api,
    database_url,
    environment,
    pytestmark,
    set_up,
    wait_for,
)


async def test_sigterm_lets_the_request_under_way_finish_and_exits_0(
    database_url: str,  # noqa: F811
    bot_api: HttpBotApi,  # noqa: F811
    tmp_path: Path,
) -> None:
    env = environment(bot_api, database_url)
    path = await set_up(env, tmp_path)
    replica = Replica(env, tmp_path, "a")
    tg, u = bot_api.tg, Updates(SYSTEM)
    ana = TUser(101, "Ana", "ana_barrio", "es")
    norte = TChat(-1001000000777, "supergroup", "Barrio Norte")
    tg.add_chat(Chat(norte.id, norte.type, norte.title, False))
    tg.set_admins(norte.id, (ana, "creator"))
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    try:
        await replica.ready()
        async with httpx.AsyncClient(base_url=replica.base, timeout=30) as client:
            added = u.my_chat_member(norte, ana, "left", "member")
            assert (await client.post(path, json=added, headers=headers)).status_code == 200
            # a coordinator command asks Telegram who the admins are first: held there
            arrived, release = bot_api.hold("getChatAdministrators")
            command = u.command(norte, ana, "/timezone America/Lima")
            request = asyncio.create_task(client.post(path, json=command, headers=headers))
            assert await asyncio.to_thread(arrived.wait, 20)
            replica.process.send_signal(signal.SIGTERM)
            stopped_at = time.monotonic()
            await asyncio.sleep(0.5)
            assert replica.process.poll() is None  # waiting for the request under way
            release.set()
            answer = await request
            code = await asyncio.to_thread(replica.process.wait, 15)
            took = time.monotonic() - stopped_at
    finally:
        replica.stop()
    assert answer.status_code == 200
    assert code == 0
    assert took < 9, took
    conn = await asyncpg.connect(database_url)
    try:
        zone = await conn.fetchval("SELECT timezone FROM groups WHERE chat_id = $1", norte.id)
        unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE done_at IS NULL")
    finally:
        await conn.close()
    assert zone == "America/Lima"
    replies = [s for s in tg.sent(norte.id) if s.reply_to == command["message"]["message_id"]]
    # the reply was sent once, or is in the outbox for the next start: never both, never lost
    assert len(replies) + unsent == 1, (replies, unsent)
    log = (tmp_path / "a.log").read_text()
    assert "Traceback" not in log, log
