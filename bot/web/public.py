"""The public accountability page of a group: `GET /p/<slug>`, server-rendered and small (no
script, no web font, one inline style sheet), in the group's language.

It is read from the database on every request (`bot.publicpage.service.page`: no SQL here,
and nothing kept in memory), so `/public off` answers 404 at once; browsers and proxies must
revalidate (`Cache-Control: no-cache`, with an `ETag` for a cheap 304). `noindex` (meta and
`X-Robots-Tag`) unless the coordinators allowed search engines.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.app import MingaApp
from bot.config import LANGUAGES
from bot.core.i18n import Translator, normalize_language, translator
from bot.core.runtime import runtime_of
from bot.publicpage import render, service
from bot.publicpage.views import PageView
from bot.web.miniapp.views import environment

SECURITY = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@functools.cache
def _language(request: Request, default: str) -> str:
    """For a slug no group has: the first of es / pt / en the browser asks for."""
    for part in request.headers.get("accept-language", "").split(","):
        lang = normalize_language(part.split(";")[0].strip())
        if lang in LANGUAGES:
            return lang
    return default


def _context(tr: Translator, view: PageView) -> dict[str, Any]:
    def day(at: Any) -> str:
        return render.day(tr, at, view.timezone, view.now) if at is not None else ""

    totals = view.totals
    return {
        "lang": tr.lang.replace("_", "-"),
        "title": view.title or render.labels(tr)["subtitle"],
        "indexed": view.indexed,
        "t": render.labels(tr),
        "empty": view.empty,
        "goals": [p.strip() for p in view.goals.split("\n") if p.strip()],
        "execution": render.figure(tr, totals.execution, totals.done, totals.counted),
        "on_time": render.figure(tr, totals.on_time_share, totals.on_time, totals.done_with_due),
        "decisions": [
            {
                "day": day(d.decided_at),
                "what": d.what,
                "outcome": render.outcome(tr, d.outcome, d.winners),
            }
            for d in view.decisions
        ],
        "commitments": [
            {
                "number": c.number,
                "text": c.text,
                "status": c.status,
                "status_label": render.status(tr, c.status),
                "progress": c.progress,
                "due": day(c.due_at),
                "responsible": ", ".join(render.responsible(tr, r) for r in c.responsible),
            }
            for c in view.commitments
        ],
        "more": render.more_commitments(tr, view.more_commitments) if view.more_commitments else "",
    }


def _headers(lang: str, indexed: bool) -> dict[str, str]:
    headers = {**SECURITY, "Content-Language": lang.replace("_", "-")}
    if not indexed:
        headers["X-Robots-Tag"] = "noindex"
    return headers


def routes(application: MingaApp) -> list[Route]:
    runtime = runtime_of(application)
    member_words = {lang: render.a_member(translator(lang)) for lang in LANGUAGES}

    async def page(request: Request) -> Response:
        slug = request.path_params["slug"]
        async with runtime.db() as session:
            found = await service.page(session, slug, runtime.clock.now(), member_words)
        if found.view is None:
            lang = found.language or _language(request, runtime.settings.default_language)
            tr = translator(lang)
            title, text = render.not_found(tr)
            body = (
                environment()
                .get_template("public/missing.html")
                .render(lang=lang.replace("_", "-"), title=title, text=text, indexed=False)
            )
            headers = {**_headers(lang, False), "Cache-Control": "no-store"}
            return HTMLResponse(body, status_code=404, headers=headers)
        tr = translator(found.view.language)
        body = environment().get_template("public/page.html").render(**_context(tr, found.view))
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
        headers = {
            **_headers(found.view.language, found.view.indexed),
            "Cache-Control": "no-cache",
            "ETag": etag,
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return HTMLResponse(body, headers=headers)

    return [Route("/p/{slug}", page, methods=["GET", "HEAD"])]
