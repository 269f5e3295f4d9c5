"""`minga serve`'s ASGI app through httpx's ASGITransport: the real Starlette routes around the
real Application (built without an Updater), on SQLite and PostgreSQL, the Telegram double
answering the Bot API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from bot.commitments.models import Commitment
from bot.core.models import ProcessedUpdate
from bot.core.observe import CountingRequest
from bot.web.app import MAX_BODY, SECRET_HEADER, create_app
from bot.web.health import Readiness, script_heads
from tests.conftest import ANA, LUIS, NORTE, Bot, make_settings, seed_group
from tests.telegram_double import TelegramDouble
from tests.updates import TUser, Updates, private_chat

SECRET = "s3cret-token-of-the-webhook_0123456789"
METRICS = "metrics-token-0123456789abcdef"


class Web:
    def __init__(self, bot: Bot, client: httpx.AsyncClient, path: str) -> None:
        self.bot, self.client, self.path = bot, client, path

    async def post(
        self, update: dict[str, Any] | bytes, secret: str | None = SECRET, **headers: str
    ) -> httpx.Response:
        if secret is not None:
            headers[SECRET_HEADER] = secret
        if isinstance(update, dict):
            self.bot.clock.advance(seconds=1)
            body = json.dumps(update).encode()
        else:
            body = update
        return await self.client.post(
            self.path, content=body, headers={"content-type": "application/json", **headers}
        )


@pytest.fixture
async def web(engine: Any, database: Any, clock: Any) -> AsyncIterator[Web]:
    from bot.app import build_application

    settings = make_settings(database.url, webhook_secret=SECRET, metrics_token=METRICS)
    tg = TelegramDouble(clock)
    app = build_application(
        settings, request=CountingRequest(tg), engine=engine, clock=clock, polling=False
    )
    assert app.updater is None
    await app.initialize()
    tg.clear()  # getMe
    bot = Bot(app=app, tg=tg, u=Updates(clock), engine=engine, clock=clock)
    asgi = create_app(app, secret=SECRET, path=settings.webhook_path(), metrics_token=METRICS)
    transport = httpx.ASGITransport(app=asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://minga") as client:
        yield Web(bot, client, settings.webhook_path())
    await app.shutdown()


async def handled(bot: Bot) -> int:
    return await bot.scalar(select(func.count()).select_from(ProcessedUpdate))


async def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(web: Web) -> None:
    update = web.bot.u.command(NORTE, ANA, "/help")
    assert (await web.post(update, secret=None)).status_code == 403
    assert (await web.post(update, secret="not-the-secret-at-all-xxxxx")).status_code == 403
    assert (await web.post(update, secret=SECRET[:-1])).status_code == 403
    assert await handled(web.bot) == 0
    assert web.bot.tg.calls == []
    # and the path is not the only secret: another path is simply not found
    other = await web.client.post("/telegram/guess", content=b"{}", headers={SECRET_HEADER: SECRET})
    assert other.status_code == 404


async def test_a_redelivered_update_has_one_effect(web: Web) -> None:
    await seed_webhook_group(web)
    update = web.bot.u.command(NORTE, ANA, "/commit Pintar el mural")
    first = await web.post(update)
    again = await web.post(update)  # Telegram did not see the first answer: it sends it again
    assert (first.status_code, again.status_code) == (200, 200)
    assert await web.bot.scalar(select(func.count()).select_from(Commitment)) == 1
    cards = [s for s in web.bot.tg.sent(NORTE.id) if "Pintar el mural" in s.text]
    assert len(cards) == 1


async def test_a_failing_update_answers_500_and_its_retry_succeeds_once(web: Web) -> None:
    await seed_webhook_group(web)
    runtime = web.bot.runtime
    real, failed = runtime.identify, []

    async def database_away_once(*args: Any) -> Any:
        if not failed:
            failed.append(True)
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        return await real(*args)

    runtime.identify = database_away_once
    before = len(web.bot.tg.sent())
    update = web.bot.u.command(NORTE, LUIS, "/commit Llevar las sillas")
    assert (await web.post(update)).status_code == 500
    assert len(web.bot.tg.sent()) == before  # no apology per attempt: the retry is the answer
    assert await web.bot.scalar(select(func.count()).select_from(Commitment)) == 0
    assert (await web.post(update)).status_code == 200
    assert (await web.post(update)).status_code == 200  # a third copy: already done
    assert await web.bot.scalar(select(func.count()).select_from(Commitment)) == 1
    assert len([s for s in web.bot.tg.sent(NORTE.id) if "Llevar las sillas" in s.text]) == 1


async def test_a_bug_answers_500_and_apologises(web: Web) -> None:
    await seed_webhook_group(web)
    runtime = web.bot.runtime

    async def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    runtime.identify = broken
    before = len(web.bot.tg.sent(NORTE.id))
    assert (await web.post(web.bot.u.command(NORTE, LUIS, "/commit Algo"))).status_code == 500
    [apology] = web.bot.tg.sent(NORTE.id)[before:]
    assert "Perdón" in apology.text or "salió mal" in apology.text


async def test_an_oversized_body_is_refused_unread(web: Web) -> None:
    huge = b'{"update_id": 1, "message": {"text": "' + b"x" * MAX_BODY + b'"}}'
    assert (await web.post(huge)).status_code == 413
    # a body that lies about its size is cut off while it is read
    chunks = [b"{" + b" " * 500_000] * 3

    async def stream() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    lying = await web.client.post(
        web.path, content=stream(), headers={SECRET_HEADER: SECRET, "content-length": "10"}
    )
    assert lying.status_code in (400, 413)
    assert await handled(web.bot) == 0


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}', b"", b"\xff\xfe"],
)
async def test_a_body_that_is_not_an_update_is_a_bad_request(web: Web, body: bytes) -> None:
    assert (await web.post(body)).status_code == 400
    assert await handled(web.bot) == 0
    assert web.bot.tg.calls == []


async def test_an_update_minga_does_not_handle_is_acknowledged(web: Web) -> None:
    unknown = {
        "update_id": 99,
        "chosen_inline_result": {
            "result_id": "1",
            "from": ANA.json(),
            "query": "x",
        },
    }
    assert (await web.post(unknown)).status_code == 200
    future = {"update_id": 100, "something_telegram_adds_next_year": {"id": 1}}
    assert (await web.post(future)).status_code == 200
    assert web.bot.tg.calls == []


async def test_a_chats_updates_are_handled_in_the_order_they_come(web: Web) -> None:
    """Telegram sends a chat's next update when the previous request ends: the effects of each
    are in the database (and its reply sent) before its 200."""
    await seed_webhook_group(web)
    for n, what in enumerate(["Uno", "Dos", "Tres", "Cuatro"], start=1):
        response = await web.post(web.bot.u.command(NORTE, ANA, f"/commit Tarea {what}"))
        assert response.status_code == 200
        rows = await web.bot.scalars(select(Commitment).order_by(Commitment.number))
        assert [(c.number, c.text) for c in rows][-1] == (n, f"Tarea {what}")
        assert f"Tarea {what}" in web.bot.tg.last(NORTE.id).text


async def test_concurrent_updates_of_different_chats_all_land(web: Web) -> None:
    people = [TUser(500 + i, f"Vecina {i}", None, "es") for i in range(8)]
    updates = [web.bot.u.command(private_chat(p), p, "/help") for p in people]
    answers = await asyncio.gather(*(web.post(u) for u in updates))
    assert [a.status_code for a in answers] == [200] * 8
    assert {s.chat_id for s in web.bot.tg.sent()} == {p.id for p in people}
    assert await handled(web.bot) == 8


async def test_health_readiness_and_metrics(web: Web, database: Any) -> None:
    assert (await web.client.get("/healthz")).text == "ok"
    not_migrated = await web.client.get("/readyz")
    assert not_migrated.status_code == 503
    assert "run minga setup" in not_migrated.json()["why"]
    async with web.bot.engine.begin() as conn:  # the schema of the tests is the head's
        await conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        [head] = script_heads()
        await conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    assert (await web.client.get("/readyz")).json() == {"ready": True}

    await seed_webhook_group(web)
    assert (await web.client.get("/metrics")).status_code == 403
    wrong = await web.client.get("/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 403
    metrics = await web.client.get("/metrics", headers={"authorization": f"Bearer {METRICS}"})
    assert metrics.status_code == 200
    body = metrics.text
    assert 'minga_updates_total{kind="message",result="ok"}' in body
    assert 'minga_update_seconds_bucket{kind="message"' in body
    assert 'minga_bot_api_calls_total{method="sendMessage"}' in body
    assert "minga_db_pool_in_use" in body


async def test_readiness_fails_fast_when_the_database_is_away() -> None:
    from bot.core.db import create_engine

    engine = create_engine("postgresql+asyncpg://minga@127.0.0.1:9/minga")
    try:
        problem = await Readiness(engine, heads={"0001"}, timeout=2).problem()
    finally:
        await engine.dispose()
    assert problem is not None and "cannot be reached" in problem


async def seed_webhook_group(web: Web) -> None:
    """`seed_group`, its updates posted to the webhook instead of fed to the Application."""

    class Poster:
        def __init__(self) -> None:
            self.feed = self._feed

        async def _feed(self, *updates: dict[str, Any]) -> None:
            for update in updates:
                assert (await web.post(update)).status_code == 200

    poster = Poster()
    bot = web.bot
    harness = Bot(app=bot.app, tg=bot.tg, u=bot.u, engine=bot.engine, clock=bot.clock)
    harness.feed = poster.feed  # type: ignore[method-assign]
    await seed_group(harness, LUIS)


class Outage:
    """A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones,
    as a database that goes away and comes back."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.down = False
        self.links: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        self.links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        self.down = True
        for writer in self.links:
            writer.close()
        self.links.clear()

    async def close(self) -> None:
        self.cut()
        self.server.close()


async def test_a_database_that_goes_away_answers_500_and_the_replica_recovers(
    engine: Any, database: Any, clock: Any
) -> None:
    if database.backend != "postgresql":
        pytest.skip("a database server that goes away is PostgreSQL's case")
    from sqlalchemy.engine import make_url

    from bot.app import build_application
    from bot.core.db import create_engine

    url = make_url(database.url)
    outage = Outage(url.host or "127.0.0.1", url.port or 5432)
    port = await outage.start()
    away = create_engine(
        url.set(port=port).render_as_string(hide_password=False),
        connect_args={"server_settings": {"search_path": database.schema}, "timeout": 2},
    )
    settings = make_settings(database.url, webhook_secret=SECRET)
    tg = TelegramDouble(clock)
    app = build_application(settings, request=tg, engine=away, clock=clock, polling=False)
    await app.initialize()
    asgi = create_app(app, secret=SECRET, path=settings.webhook_path())
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
        await conn.execute(
            text("INSERT INTO alembic_version VALUES (:v)"), {"v": min(script_heads())}
        )
    web = Web(Bot(app=app, tg=tg, u=Updates(clock), engine=away, clock=clock), None, "")  # type: ignore[arg-type]
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=asgi), base_url="http://minga"
        ) as client:
            web.client, web.path = client, settings.webhook_path()
            rosa = TUser(301, "Rosa", None, "es")
            assert (
                await web.post(web.bot.u.command(private_chat(rosa), rosa, "/help"))
            ).status_code == 200
            assert (await client.get("/readyz")).status_code == 200

            outage.cut()
            assert (await client.get("/readyz")).status_code == 503
            update = web.bot.u.command(private_chat(rosa), rosa, "/start")
            for _ in range(3):  # Telegram retries while the database is away
                assert (await web.post(update)).status_code == 500
            replies = len(tg.sent(rosa.id))
            assert replies == 1  # no apology per attempt

            outage.down = False  # it is back: the replica recovers by itself
            statuses = [(await web.post(update)).status_code for _ in range(3)]
            assert statuses[-1] == 200 and 500 not in statuses[statuses.index(200) :]
            assert (await client.get("/readyz")).status_code == 200
            assert len(tg.sent(rosa.id)) == replies + 1  # the retried update answered once
    finally:
        await app.shutdown()
        await away.dispose()
        await outage.close()
