"""The decision log: each decision, newest first, with its positions (who chose what, unless
the vote was anonymous), the reasons given, and the commitments it produced with their state.
The same reading as `/decisions` and `/decision <n>` in the chat, for every member."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.commitments.render import status_label
from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.core.people import person_name
from bot.votes import decisions as log
from bot.votes import rules, service
from bot.votes.render import option_labels
from bot.votes.views import VoteView

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer

LIMIT = 30


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr, group = viewer.tr, viewer.group
    local = Local(group.timezone, now)
    lines = await log.decisions(session, group.id, LIMIT)
    votes = await log.decision_votes(session, group.id, [line.number for line in lines])
    produced = await log.commitments_of_votes(session, list(votes.values()))
    items = []
    for line in lines:
        vote_id = votes.get(line.number)
        view = await service.view(session, vote_id) if vote_id is not None else None
        items.append(
            {
                "number": line.number,
                "question": line.question,
                "when": local.day(tr, line.decided_at),
                "outcome": tr.gettext(rules.outcome_word(line.outcome)),
                "winners": ", ".join(line.winners),
                "positions": _positions(tr, view) if view is not None else [],
                "reasons": _reasons(tr, view) if view is not None else [],
                "commitments": [
                    {
                        "number": c.number,
                        "text": c.text,
                        "status": status_label(tr, c.status),
                        "progress": c.progress,
                    }
                    for c in produced.get(vote_id or 0, [])
                ],
            }
        )
    return {
        "decisions": items,
        "empty": tr.gettext(
            "No decisions yet. A proposal (/propose) or an agreement in the minutes shows up "
            "here once it is decided."
        ),
        "labels": {
            "reasons": tr.gettext("Reasons"),
            "commitments": tr.gettext("Commitments it produced"),
        },
    }


def _positions(tr: Translator, v: VoteView) -> list[dict[str, Any]]:
    labels = option_labels(tr, v.kind, v.options)
    by_option: list[list[str]] = [[] for _ in labels]
    for voter in v.voters:
        for option in rules.options_of(voter.choices):
            if option < len(labels):
                by_option[option].append(person_name(voter.first_name, voter.last_name))
    return [
        {"label": label, "count": len(names), "names": "" if v.anonymous else ", ".join(names)}
        for label, names in zip(labels, by_option, strict=True)
    ]


def _reasons(tr: Translator, v: VoteView) -> list[dict[str, str]]:
    labels = option_labels(tr, v.kind, v.options)
    return [
        {
            "who": tr.gettext("someone")
            if v.anonymous
            else person_name(voter.first_name, voter.last_name),
            "chose": ", ".join(
                labels[i] for i in rules.options_of(voter.choices) if i < len(labels)
            ),
            "reason": voter.reason or "",
        }
        for voter in v.voters
        if voter.reason
    ]
