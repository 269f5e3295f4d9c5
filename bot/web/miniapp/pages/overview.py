"""The overview: open commitments by status with their progress (overdue first), completion
over the last weeks as a chart, the next meeting, open votes with who has not voted yet.
Coordinators see every commitment; members the group's and their own commitments only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.commitments import service as commitments
from bot.commitments.kinds import Status
from bot.core.db import as_utc
from bot.core.moments import Local
from bot.core.people import person_name
from bot.meetings import service as meetings
from bot.meetings.statuses import MeetingStatus
from bot.monitoring.service import chart_weeks
from bot.votes import service as votes
from bot.web.miniapp.charts import Bar, weeks_svg

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.commitments.models import Commitment
    from bot.web.miniapp.access import Viewer

WEEKS = 8


def sections(tr: Any) -> dict[str, str]:
    return {
        "overdue": tr.gettext("Overdue"),
        "waiting": tr.gettext("Waiting for someone to accept"),
        "week": tr.gettext("Due in the next 7 days"),
        "later": tr.gettext("Later or without a date"),
        "done": tr.gettext("Done in the last 7 days"),
    }


async def load(session: AsyncSession, viewer: Viewer, now: datetime) -> dict[str, Any]:
    tr, group = viewer.tr, viewer.group
    local = Local(group.timezone, now)
    mine = None if viewer.coordinator else viewer.person_id
    board = await commitments.board(session, group.id, now, mine)
    listed = board.all()
    owners = await commitments.owners_of(session, [c.id for _, c in listed])
    titles = sections(tr)
    groups: dict[str, list[dict[str, Any]]] = {}
    for section, c in listed:
        groups.setdefault(section, []).append(_item(tr, local, c, owners[c.id], viewer))
    bars = await chart_weeks(session, group.id, now, WEEKS)
    chart = weeks_svg(
        [
            Bar(_week(tr, local, now, WEEKS - 1 - i), b.done, b.open, b.overdue)
            for i, b in enumerate(bars)
        ],
        tr.gettext("Commitments over the last {n} weeks", n=WEEKS),
        (tr.gettext("done"), tr.gettext("overdue"), tr.gettext("open")),
    )
    coming = [
        m
        for m in await meetings.upcoming(session, group.id, now)
        if m.status == MeetingStatus.CONFIRMED and m.starts_at is not None
    ]
    open_votes = []
    for vote in await votes.open_votes(session, group.id):
        missing = await votes.not_voted(session, vote.id, group.id)
        names = ", ".join(person_name(p.first_name, p.last_name) for p in missing)
        open_votes.append(
            {
                "question": vote.question,
                "closes": tr.gettext(
                    "closes {moment}", moment=local.moment(tr, as_utc(vote.closes_at) or now)
                ),
                "missing": tr.gettext("Not voted yet: {names}", names=names)
                if names
                else tr.gettext("Everyone has voted."),
            }
        )
    charted = any(b.done + b.open + b.overdue for b in bars)
    has_data = bool(listed or coming or open_votes or charted)
    return {
        "has_data": has_data,
        "empty": tr.gettext(
            "Nothing here yet: when the group makes commitments, meetings or votes, "
            "they show up on this page."
        ),
        "commitments_title": tr.gettext("Commitments")
        if viewer.coordinator
        else tr.gettext("Your commitments"),
        "no_commitments": tr.gettext("No open commitments."),
        "sections": [(titles[key], items) for key, items in groups.items()],
        "chart": chart,
        "meeting_title": tr.gettext("Next meeting"),
        "meeting": _meeting(tr, local, coming[0])
        if coming
        else tr.gettext("No meeting confirmed."),
        "votes_title": tr.gettext("Open votes"),
        "votes": open_votes,
        "no_votes": tr.gettext("No open votes."),
        "labels": {
            "done": tr.gettext("✅ Mark done"),
            "due": tr.gettext("New due date"),
            "due_example": tr.gettext("friday 18:00"),
            "save": tr.gettext("Change"),
        },
    }


def _week(tr: Any, local: Local, now: datetime, back: int) -> str:
    """A bar's label: the day its week ends (`4 dic`)."""
    return local.day(tr, now - timedelta(weeks=back)).split(",")[-1].strip()


def _meeting(tr: Any, local: Local, meeting: Any) -> str:
    starts = as_utc(meeting.starts_at) or local.now
    return f"{meeting.title} — {local.moment(tr, starts)}"


def _item(
    tr: Any, local: Local, c: Commitment, owners: list[Any], viewer: Viewer
) -> dict[str, Any]:
    names = ", ".join(person_name(o.person.first_name, o.person.last_name) for o in owners)
    due_at = as_utc(c.due_at)
    due = local.moment(tr, due_at) if due_at else tr.gettext("no date")
    active = c.status in (Status.OPEN, Status.BLOCKED)
    return {
        "number": c.number,
        "text": c.text,
        "owners": names,
        "due": due,
        "progress": c.progress,
        "blocked": tr.gettext("⛔ Blocked") if c.status == Status.BLOCKED else "",
        "late": active and due_at is not None and due_at < local.now,
        "can_change": viewer.coordinator and active,
    }
