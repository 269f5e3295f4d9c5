"""The Mini App's routes on `minga serve`'s Starlette app.

- `GET /app`: the shell (`base.html`), no data: Telegram opens it, and its script fetches
  the rest with `initData` in the `X-Telegram-Init-Data` header.
- `GET /app/groups`: the chooser of the person's groups (private chats' menu button).
- `GET /app/page/<key>?g=<token>`: one page of a group, an HTML fragment.
- `POST /app/do/<key>?g=<token>`: a coordinator's action (form fields), answered with the
  page again and a notice. It needs the same header: a cross-site form cannot send one, and a
  script elsewhere cannot without a CORS preflight this server never grants.

401: initData missing, forged or older than 24 h; 404: no such group token or page;
403: a stranger to the group, or a member on a coordinators' page or action.
"""

from __future__ import annotations

import html
import logging
import secrets
from typing import Any
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from bot.app import MingaApp
from bot.core import outbox
from bot.core.errors import DomainError
from bot.core.i18n import N_, Translator, translator
from bot.core.runtime import Runtime, runtime_of
from bot.dashboard import service
from bot.dashboard.links import bot_token
from bot.dashboard.tokens import group_token
from bot.web.miniapp import access, downloads
from bot.web.miniapp.access import INIT_DATA_HEADER, Refused, Viewer
from bot.web.miniapp.actions import ACTIONS
from bot.web.miniapp.pages import PAGES, Page
from bot.web.miniapp.views import render

log = logging.getLogger(__name__)

NO_PAGE = N_("That page does not exist. Go back to the overview.")
TELEGRAM_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
FORM = "application/x-www-form-urlencoded"
MAX_FORM = 4096
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def fragment(body: str, tr: Translator, status: int = 200) -> HTMLResponse:
    headers = HEADERS | {"Content-Language": tr.lang.replace("_", "-")}
    return HTMLResponse(body, status_code=status, headers=headers)


def refused(runtime: Runtime, error: Refused) -> HTMLResponse:
    tr = error.tr or translator(runtime.settings.default_language)
    return fragment(render("refused.html", message=tr.gettext(error.message)), tr, error.status)


def policy(nonce: str) -> str:
    """The shell's CSP: its own inline script and Telegram's, inline styles, requests only to
    this server; nothing else loads or runs."""
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}' {TELEGRAM_SCRIPT}; "
        "style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'"
    )


def page_path(key: str, token: str) -> str:
    return f"page/{key}?g={quote(token)}"


def page_html(viewer: Viewer, page: Page, values: dict[str, Any], **extra: Any) -> str:
    tr = viewer.tr
    tabs = [
        {"path": page_path(p.key, viewer.token), "title": tr.gettext(p.title), "on": p is page}
        for p in PAGES.values()
        if viewer.coordinator or not p.coordinators_only
    ]
    return render(
        page.template,
        group_title=viewer.group.title,
        tabs=tabs,
        other_groups=tr.gettext("Other groups"),
        notice=extra.get("notice"),
        notice_bad=extra.get("notice_bad", False),
        coordinator=viewer.coordinator,
        token=viewer.token,
        **values,
    )


async def read_form(request: Request) -> dict[str, str]:
    """The action's fields: a small urlencoded form (anything else reads as empty)."""
    if not request.headers.get("content-type", "").startswith(FORM):
        return {}
    body = await request.body()
    if len(body) > MAX_FORM:
        return {}
    return {k: v for k, v in parse_qsl(body.decode("utf-8", "replace"))}


def routes(application: MingaApp) -> list[Route]:
    runtime = runtime_of(application)

    async def shell(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        lang = runtime.settings.default_language.replace("_", "-")
        body = render("base.html", lang=lang, nonce=nonce)
        return HTMLResponse(body, headers=HEADERS | {"Content-Security-Policy": policy(nonce)})

    async def groups(request: Request) -> Response:
        try:
            user = access.person(runtime, request.headers.get(INIT_DATA_HEADER))
        except Refused as error:
            return refused(runtime, error)
        tr = await access.chooser_language(runtime, user)
        async with runtime.db() as session:
            found = await service.groups_of(session, user.id)
        key = bot_token(runtime.settings)
        body = render(
            "groups.html",
            title=tr.gettext("Your groups"),
            empty=tr.gettext(
                "You are not in any group with me yet. Add me to your group, then open this again."
            ),
            groups=[
                {"title": g.title, "path": page_path("overview", group_token(key, g.id))}
                for g in found
            ],
        )
        return fragment(body, tr)

    async def viewer_of(request: Request) -> Viewer:
        user = access.person(runtime, request.headers.get(INIT_DATA_HEADER))
        return await access.viewer(runtime, user, request.query_params.get("g"))

    async def page(request: Request) -> Response:
        try:
            viewer = await viewer_of(request)
        except Refused as error:
            return refused(runtime, error)
        found = PAGES.get(request.path_params["key"])
        if found is None:
            return refused(runtime, Refused(404, NO_PAGE, viewer.tr))
        if found.coordinators_only and not viewer.coordinator:
            return refused(runtime, Refused(403, access.COORDINATORS_ONLY, viewer.tr))
        async with runtime.db() as session:
            values = await found.load(session, viewer, runtime.clock.now())
        return fragment(page_html(viewer, found, values), viewer.tr)

    async def act(request: Request) -> Response:
        """A coordinator's action: one transaction (the change and its announcement in the
        outbox), the announcement sent after the commit, and the page again with a notice."""
        try:
            viewer = await viewer_of(request)
        except Refused as error:
            return refused(runtime, error)
        found = ACTIONS.get(request.path_params["key"])
        if found is None:
            return refused(runtime, Refused(404, NO_PAGE, viewer.tr))
        if not viewer.coordinator:
            return refused(runtime, Refused(403, access.COORDINATORS_ONLY, viewer.tr))
        action, page_key = found
        form = await read_form(request)
        now = runtime.clock.now()
        items: list[outbox.Outgoing] = []
        status, bad = 200, False
        try:
            async with runtime.db() as session:
                notice, items = await action(session, viewer, form, now)
                if items:
                    await outbox.store(session, items, None, runtime.instance, now)
        except DomainError as error:  # rolled back: nothing changed, nothing is announced
            # its arguments come escaped for Telegram's HTML; the template escapes them again
            notice, status, bad, items = html.unescape(error.render(viewer.tr)), 400, True, []
        for item in items:
            await outbox.deliver(runtime, item)
        page = PAGES[page_key]
        async with runtime.db() as session:
            values = await page.load(session, viewer, runtime.clock.now())
        body = page_html(viewer, page, values, notice=notice, notice_bad=bad)
        return fragment(body, viewer.tr, status)

    return [
        Route("/app", shell),
        Route("/app/", shell),
        Route("/app/groups", groups),
        Route("/app/page/{key:str}", page),
        Route("/app/do/{key:str}", act, methods=["POST"]),
        *downloads.routes(runtime, refused),
    ]
