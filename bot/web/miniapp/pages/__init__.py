"""The Mini App's pages. Adding one is three steps:

1. a module here with an async `load(session, viewer, now) -> dict` that reads through the
   features' services (no SQL here) and returns the template's values — every sentence
   already translated with `viewer.tr` (the catalogs are extracted from Python only);
2. a template in `bot/web/miniapp/templates/` that `{% extends "page.html" %}` and fills
   `{% block content %}` (values are escaped by Jinja's autoescape);
3. its `Page(...)` in `PAGES` below: the key is its URL (`/app/page/<key>?g=<token>`) and
   its tab; `coordinators_only` pages answer members with 403.

A coordinator's action is an `Action` in `ACTIONS` (`POST /app/do/<key>?g=<token>`): it
runs the same service as the chat command, in one transaction, and the page it names is
shown again with its notice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.i18n import N_
from bot.core.records import frozen

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer

Loader = Callable[["AsyncSession", "Viewer", datetime], Awaitable[dict[str, Any]]]


@frozen
class Page:
    key: str  # letters: the URL and the tab
    title: str  # marked with N_()
    template: str
    load: Loader
    coordinators_only: bool = False


def _pages() -> list[Page]:
    from bot.web.miniapp.pages import (
        actors,
        decisions,
        downloads,
        lessons,
        overview,
        participation,
    )

    return [
        Page("overview", N_("Overview"), "overview.html", overview.load),
        Page("decisions", N_("Decisions"), "decisions.html", decisions.load),
        Page("actors", N_("Actor map"), "actors.html", actors.load),
        Page("participation", N_("Participation"), "participation.html", participation.load),
        Page("lessons", N_("Lessons"), "lessons.html", lessons.load),
        Page(
            "downloads",
            N_("Downloads"),
            "downloads.html",
            downloads.load,
            coordinators_only=True,
        ),
    ]


PAGES: dict[str, Page] = {page.key: page for page in _pages()}
