"""The ASGI application of `minga serve`: Telegram's webhook, health, readiness and metrics.

`POST <WEBHOOK path>` checks the secret Telegram signs each request with, then handles the
update to the end — transaction, commit, replies — before it answers. Telegram sends a chat's
next update only after the previous request ended, so each chat keeps its order whichever
replica gets it. An update that fails answers 500 and Telegram delivers it again; the
`update_id` recorded with every handled update (`bot.core.turn`) makes that harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.app import CONCURRENT_UPDATES, MingaApp
from bot.core import observe
from bot.core.observe import FAILURES, bind_log, update_kind
from bot.core.runtime import runtime_of
from bot.web.health import Readiness
from bot.web.miniapp.routes import routes as miniapp_routes
from bot.web.public import routes as public_routes

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # an update is a few kB; Telegram's largest are far below this


class TooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body, refused past `limit` bytes whatever Content-Length says."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class PoolCollector:
    """`minga_db_pool_in_use`: connections of this process's pool lent out right now."""

    def __init__(self, application: MingaApp) -> None:
        self.application = application

    def collect(self) -> Any:
        pool = runtime_of(self.application).engine.pool
        gauge = GaugeMetricFamily("minga_db_pool_in_use", "Database connections in use")
        checked_out = getattr(pool, "checkedout", None)
        gauge.add_metric([], float(checked_out() if checked_out else 0))
        yield gauge


def metrics_body(application: MingaApp) -> bytes:
    local = CollectorRegistry(auto_describe=False)
    local.register(PoolCollector(application))  # type: ignore[arg-type]
    return generate_latest(REGISTRY) + generate_latest(local)


def metrics_app(application: MingaApp) -> Starlette:
    """/metrics alone, for `METRICS_PORT` (a port the proxy does not publish)."""

    async def metrics(_request: Request) -> Response:
        return Response(metrics_body(application), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/metrics", metrics)])


def create_app(
    application: MingaApp,
    *,
    secret: str | None,
    path: str | None,
    metrics_token: str | None = None,
    manage: bool = True,
    start_tick: bool = True,
) -> Starlette:
    """The webhook app around `application` (built with `polling=False`). With `manage` the
    app's lifespan initializes and starts the Application and the tick, and stops them.
    Without a `secret` (`minga run --web`: polling gets the updates) there is no webhook route."""
    expected = (secret or "").encode()
    readiness = Readiness(runtime_of(application).engine)
    slots = asyncio.Semaphore(CONCURRENT_UPDATES)
    counts = observe.metrics()  # from here on this process counts

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            counts.updates.labels("unknown", "forbidden").inc()
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await read_body(request)
        except TooLarge:
            counts.updates.labels("unknown", "invalid").inc()
            return PlainTextResponse("too large", status_code=413)
        except ClientDisconnect:
            return PlainTextResponse("gone", status_code=400)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # malformed: a retry would not change it
            log.warning("refused a webhook body that is not an update: %s", exc)
            counts.updates.labels("unknown", "invalid").inc()
            return PlainTextResponse("not an update", status_code=400)
        return await handle(update)

    async def handle(update: Update) -> Response:
        kind = update_kind(update)
        chat = update.effective_chat
        bind_log(update.update_id, chat.id if chat else None)
        failures: list[BaseException] = []
        FAILURES.set(failures)
        started = time.perf_counter()
        async with slots:
            try:
                await application.process_update(update)
            except Exception as exc:
                log.exception("update %s failed outside its handlers", update.update_id)
                failures.append(exc)
        counts.update_seconds.labels(kind).observe(time.perf_counter() - started)
        if failures:
            counts.updates.labels(kind, "failed").inc()
            return PlainTextResponse("failed; deliver it again", status_code=500)
        counts.updates.labels(kind, "ok").inc()
        return PlainTextResponse("ok")

    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok")

    async def readyz(_request: Request) -> Response:
        problem = await readiness.problem()
        if problem is not None:
            return JSONResponse({"ready": False, "why": problem}, status_code=503)
        return JSONResponse({"ready": True})

    async def metrics(request: Request) -> Response:
        if metrics_token is None:
            return PlainTextResponse("not found", status_code=404)
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, f"Bearer {metrics_token}".encode()):
            return PlainTextResponse("forbidden", status_code=403)
        return Response(metrics_body(application), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not manage:
            yield
            return
        await start(application, tick=start_tick)
        try:
            yield
        finally:
            await stop(application)

    webhook = [Route(path, telegram, methods=["POST"])] if secret and path else []
    return Starlette(
        routes=[
            *webhook,
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            # the opt-in public pages of groups (`/public on`): GET /p/<slug>
            *public_routes(application),
            *miniapp_routes(application),
        ],
        lifespan=lifespan,
    )


async def start(application: MingaApp, *, tick: bool = True) -> None:
    """Initialize and start the Application (its JobQueue) and the scheduler's tick. The
    command menus are `minga setup`'s, once per release, not every replica's."""
    await application.initialize()
    await application.start()
    runtime = runtime_of(application)
    if tick and application.job_queue is not None:
        runtime.scheduler.start(application.job_queue, runtime, runtime.settings.tick_seconds)


async def stop(application: MingaApp) -> None:
    """After the last request: stop the tick and the JobQueue (a job running is awaited),
    close the Bot API client and the database pool."""
    if application.running:
        await application.stop()
    await application.shutdown()
    await runtime_of(application).engine.dispose()
