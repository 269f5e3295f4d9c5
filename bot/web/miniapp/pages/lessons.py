"""The lessons log: each closed review, newest first, with what it was about, its summary and
the answers to its three questions — what `/lessons` lists and the closing message of a review
shows. Every member sees it, as every member reads `/lessons` in the chat."""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.db import as_utc
from bot.core.moments import Local
from bot.core.people import person_name
from bot.reviews import service
from bot.reviews.render import questions, subject_line

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer

LIMIT = 30


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr = viewer.tr
    local = Local(viewer.group.timezone, now)
    asked = questions(tr)
    items = []
    for review in await service.closed_reviews(session, viewer.group.id, LIMIT):
        found = await service.learnings(session, review)
        answers = [
            {
                "question": question,
                "given": [
                    {
                        "who": person_name(p.first_name, p.last_name),
                        "text": text,
                        "late": tr.gettext("(after closing)") if late else "",
                    }
                    for p, text, late in found.answers.get(number, [])
                ],
            }
            for number, question in enumerate(asked, 1)
            if found.answers.get(number)
        ]
        items.append(
            {
                "when": local.day(tr, as_utc(review.closed_at) or now),
                "summary": review.summary or "",
                # the chat's lines, escaped for Telegram's HTML: plain text again here
                "subjects": [
                    html.unescape(subject_line(tr, s.details, local)) for s in found.subjects
                ],
                "answers": answers,
            }
        )
    return {
        "lessons": items,
        "empty": tr.gettext("No closed reviews yet. When one closes, its learnings are kept here."),
    }
