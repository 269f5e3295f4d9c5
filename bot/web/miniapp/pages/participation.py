"""Participation over the last 30 days, as `/participation` computes it (messages, votes,
commitments taken and done, meetings attended), with the Gini coefficient, the share of the
most active fifth, and the silent members, drawn as bars on the server.

Coordinators see everyone by name and by sector (as `/participation`, a coordinators'
command, shows them). A member sees the group's figures — the totals, the average member, the
inequality figures, how many are silent — and their own row only: nobody else's name or count
(not by sector either: a sector of one member would be that person's row)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.actors import service
from bot.actors.render import sector_names
from bot.core.people import person_name
from bot.web.miniapp.charts import Row, rows_svg

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.web.miniapp.access import Viewer


def _values(m: Counter[str] | dict[str, int]) -> tuple[int, ...]:
    return (
        m.get("messages", 0),
        m.get("votes", 0),
        m.get("commitments_taken", 0) + m.get("commitments_done", 0),
        m.get("meetings", 0),
    )


def _figures(tr: Any, m: Counter[str] | dict[str, int]) -> str:
    """The chat's figures (`/participation`): numbers after the legend's signs."""
    return (
        f"💬 {m.get('messages', 0)} · 🗳 {m.get('votes', 0)} · "
        f"🤝 {m.get('commitments_taken', 0)}/{m.get('commitments_done', 0)} · "
        f"📅 {m.get('meetings', 0)}"
    )


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr, coordinator = viewer.tr, viewer.coordinator
    result = await service.participation(session, viewer.group.id, now)
    activity = result.activity()
    share, gini_value = service.top_share(activity), service.gini(activity)
    verdict = service.reading(share, gini_value, len(activity))
    names = sector_names(tr)
    total: Counter[str] = Counter()
    for _, _, metrics in result.rows:
        total.update(metrics)
    sectors = [
        (names.get(key or "", tr.gettext("No profile")), metrics)
        for key, metrics in sorted(result.per_sector().items(), key=lambda kv: kv[0] or "~")
    ]
    mine = [m for p, _, m in result.rows if p.id == viewer.person_id]
    if coordinator:
        shown = [(person_name(p.first_name, p.last_name), m) for p, _, m in result.rows]
    else:  # no sectors: a sector of one would be someone else's row
        n = max(len(result.rows), 1)
        average = {key: round(value / n) for key, value in total.items()}
        shown = [(tr.gettext("You"), mine[0] if mine else {}), (tr.gettext("Average"), average)]
    legend = (tr.gettext("messages"), tr.gettext("votes"), tr.gettext("commitments"))
    legend += (tr.gettext("meetings"),)
    chart = rows_svg(
        [Row(label, _values(m)) for label, m in shown],
        tr.gettext("Participation, last 30 days"),
        legend,
    )
    return {
        "has_data": sum(activity) > 0,
        "empty": tr.gettext(
            "No activity counted in the last 30 days yet: messages, votes, commitments and "
            "meetings show up here as the group works."
        ),
        "title": tr.gettext("Last 30 days"),
        "legend": tr.gettext("💬 messages · 🗳 votes · 🤝 commitments taken/done · 📅 meetings"),
        "total": _figures(tr, total),
        "chart": chart,
        "people_title": tr.gettext("By person"),
        "people": [{"name": name, "figures": _figures(tr, m)} for name, m in shown]
        if coordinator
        else [],
        "sectors_title": tr.gettext("By sector"),
        "sectors": [{"name": name, "figures": _figures(tr, m)} for name, m in sectors]
        if coordinator
        else [],
        "mine_title": tr.gettext("You"),
        "mine": _figures(tr, mine[0]) if mine else "",
        "inequality": tr.gettext(
            "The most active 20% did {share}% of the activity; Gini {gini}.",
            share=round(share * 100),
            gini=f"{gini_value:.2f}",
        ),
        "verdict": {
            "even": tr.gettext("Participation is fairly even."),
            "uneven": tr.gettext("Participation is uneven: a few carry much of the work."),
            "very_uneven": tr.gettext(
                "Participation is very unequal: a few do almost everything. Invite the others in."
            ),
            "few": tr.gettext("Too few members to read much into these figures."),
        }[verdict],
        "silent": tr.gettext(
            "🤫 Silent for four weeks — invite them in: {names}",
            names=", ".join(person_name(p.first_name, p.last_name) for p in result.silent),
        )
        if coordinator and result.silent
        else tr.ngettext(
            "🤫 {n} member has been silent for four weeks.",
            "🤫 {n} members have been silent for four weeks.",
            len(result.silent),
        )
        if result.silent
        else "",
    }
