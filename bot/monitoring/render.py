"""What monitoring says: the weekly digest, and the schedule."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import TypeVar

from bot.core.i18n import WEEKDAYS, Translator
from bot.core.moments import Local
from bot.core.text import in_one_line
from bot.monitoring.views import (
    MAX_LINES,
    CommitmentLine,
    DecisionLine,
    DigestView,
    MeetingComing,
    MeetingHeld,
    NoticePending,
    OpenVote,
)

T = TypeVar("T")


def _short(text: str, limit: int = 60) -> str:
    return in_one_line(text, limit)


def digest(tr: Translator, view: DigestView) -> str:
    """The digest: one line per fact, sections with nothing to say left out."""
    lines = _title(tr, view)
    for section in SECTIONS:
        lines += section(tr, view)
    return "\n".join(lines)


def _title(tr: Translator, view: DigestView) -> list[str]:
    title = tr.gettext("🗞 <b>Weekly digest</b>")
    if view.late:
        title += " " + tr.gettext("(late: I was offline when it was due)")
    if view.quiet:
        return [title, tr.gettext("A quiet week: no meetings, notices or news to report.")]
    return [title]


def _titled(title: str, lines: list[str]) -> list[str]:
    """A section: a blank line, its title in bold, its lines; nothing when it has no lines."""
    return ["", f"<b>{title}</b>", *lines] if lines else []


def _listed(
    tr: Translator,
    title: str,
    items: Sequence[T],
    line: Callable[[T], str],
    capped: bool = True,
    count: int | None = None,
) -> list[str]:
    """A section of one line per item; a capped one shows MAX_LINES, then how many more.
    `count`: how many there are, when `items` are only the first of them."""
    shown = items[:MAX_LINES] if capped else items
    lines = [line(item) for item in shown]
    more = (len(items) if count is None else count) - len(shown)
    if more > 0:
        lines.append(tr.ngettext("…and {n} more", "…and {n} more", more))
    return _titled(title, lines)


MAX_COMMITMENTS = 5  # of one decision, in the digest


def _decisions(tr: Translator, view: DigestView) -> list[str]:
    """Each decision, and under it the commitments it became, with their state."""

    def line(d: DecisionLine) -> str:
        lines = [f"• #{d.number} {escape(_short(d.what))} — {d.outcome}"]
        for number, text, state in d.commitments[:MAX_COMMITMENTS]:
            lines.append(f"   ↳ #{number} {escape(_short(text, 50))} · {state}")
        if len(d.commitments) > MAX_COMMITMENTS:
            more = len(d.commitments) - MAX_COMMITMENTS
            lines.append("   ↳ " + tr.ngettext("…and {n} more", "…and {n} more", more))
        return "\n".join(lines)

    return _listed(tr, tr.gettext("🗳 Decisions"), view.decisions, line)


def _open_votes(tr: Translator, view: DigestView) -> list[str]:
    def line(v: OpenVote) -> str:
        left = (
            tr.ngettext("{n} still to vote", "{n} still to vote", v.missing)
            if v.missing
            else tr.gettext("everyone voted")
        )
        closes = tr.gettext("closes {when}", when=view.local.moment(tr, v.closes_at))
        return f"• {escape(_short(v.question))} — {closes} · {left}"

    return _listed(tr, tr.gettext("🗳 Open votes"), view.open_votes, line)


def _commitment(c: CommitmentLine) -> str:
    line = f"• #{c.number} {escape(_short(c.text))}"
    return f"{line} — {c.owners}" if c.owners else line


def _waiting_for(tr: Translator, c: CommitmentLine) -> str:
    if not c.asked_count:
        return tr.gettext("⏳ nobody has taken it on")
    return tr.ngettext(
        "⏳ waiting for {names} to accept",
        "⏳ waiting for {names} to accept",
        c.asked_count,
        names=c.asked,
    )


def _completed(tr: Translator, view: DigestView) -> list[str]:
    title = tr.gettext("✅ Commitments done")
    return _listed(tr, title, view.completed, _commitment, count=view.completed_count)


def _overdue(tr: Translator, view: DigestView) -> list[str]:
    def line(c: CommitmentLine) -> str:
        days = max(1, (view.now - c.moment).days)
        return _commitment(c) + " · " + tr.ngettext("{n} day late", "{n} days late", days)

    return _listed(tr, tr.gettext("⏰ Overdue"), view.overdue, line, count=view.overdue_count)


def _waiting(tr: Translator, view: DigestView) -> list[str]:
    """Nobody accepted them: not anyone's lateness; the ones asked are only waited for."""

    def line(c: CommitmentLine) -> str:
        return f"{_commitment(c)} — {_waiting_for(tr, c)} · {view.local.moment(tr, c.moment)}"

    title = tr.gettext("⏳ Waiting for someone to accept")
    return _listed(tr, title, view.waiting, line, count=view.waiting_count)


def _due_next(tr: Translator, view: DigestView) -> list[str]:
    def line(c: CommitmentLine) -> str:
        return _commitment(c) + " · " + view.local.moment(tr, c.moment)

    title = tr.gettext("📌 Due in the coming week")
    return _listed(tr, title, view.due_next, line, count=view.due_next_count)


def _meetings_held(tr: Translator, view: DigestView) -> list[str]:
    def line(m: MeetingHeld) -> str:
        who = tr.ngettext("{n} present", "{n} present", m.attended)
        return f"• {escape(m.title)} — {view.local.moment(tr, m.starts_at)} · {who}"

    return _listed(tr, tr.gettext("📅 Meetings held"), view.meetings_held, line, capped=False)


def _meetings_coming(tr: Translator, view: DigestView) -> list[str]:
    def line(m: MeetingComing) -> str:
        return f"• {escape(m.title)} — {view.local.moment(tr, m.starts_at)}"

    title = tr.gettext("🗓 Coming this week")
    return _listed(tr, title, view.meetings_coming, line, capped=False)


def _notices(tr: Translator, view: DigestView) -> list[str]:
    def line(n: NoticePending) -> str:
        left = tr.ngettext("{n} still to see it", "{n} still to see it", n.missing)
        return f"• {escape(_short(n.text))} — {left}"

    title = tr.gettext("👀 Notices not yet seen by everyone")
    return _listed(tr, title, view.notices_pending, line, capped=False)


def _charter(tr: Translator, view: DigestView) -> list[str]:
    if view.charter is None:
        return []
    return [
        "",
        tr.ngettext(
            "📜 {n} of {members} accepted version {number} of the chat rules.",
            "📜 {n} of {members} accepted version {number} of the chat rules.",
            view.charter.accepted,
            number=view.charter.version,
            members=view.charter.of,
        ),
    ]


def _participation(tr: Translator, view: DigestView) -> list[str]:
    """Nudges about who takes part: new actor profiles, sectors missing, a lopsided chat."""
    lines = []
    if view.new_actors:
        lines.append(
            tr.ngettext(
                "🗺 {n} new actor profile this week.", "🗺 {n} new actor profiles this week.",
                view.new_actors,
            )
        )  # fmt: skip
    if view.missing_sectors:
        lines.append(
            tr.gettext("🗺 Still nobody from: {sectors}.", sectors=", ".join(view.missing_sectors))
        )
    if view.unequal:
        lines.append(
            tr.gettext("⚖️ A few members carried this week's conversation. Who else can we hear?")
        )
    return ["", *lines] if lines else []


def _reviews(tr: Translator, view: DigestView) -> list[str]:
    counts = []  # a zero is left out: "1 closed", never "0 opened, 1 closed"
    if view.reviews_opened:
        counts.append(tr.ngettext("{n} opened", "{n} opened", view.reviews_opened))
    if view.reviews_closed:
        counts.append(tr.ngettext("{n} closed", "{n} closed", view.reviews_closed))
    if not counts:
        return []
    return [
        "",
        tr.gettext("🔁 Reviews: {counts}. Learnings: /lessons", counts=", ".join(counts)),
    ]


def _thanks(tr: Translator, view: DigestView) -> list[str]:
    lines = []
    for r in view.recognitions:
        if r.by:
            reason = escape(r.reason)
            lines.append(tr.gettext("• {to}, from {by}: {reason}", to=r.to, by=r.by, reason=reason))
        else:
            lines.append(f"• {r.to}: {escape(r.reason)}")
    if view.thanked:
        names = ", ".join(view.thanked)
        lines.append(tr.gettext("• For showing up and doing: {names}", names=names))
    return _titled(tr.gettext("🙌 Thank you"), lines)


SECTIONS: tuple[Callable[[Translator, DigestView], list[str]], ...] = (
    _decisions,
    _open_votes,
    _completed,
    _overdue,
    _waiting,
    _due_next,
    _meetings_held,
    _meetings_coming,
    _notices,
    _charter,
    _participation,
    _reviews,
    _thanks,
)


def chart_labels(tr: Translator) -> dict[str, str]:
    return {
        "title": tr.gettext("Commitments, last 8 weeks"),
        "done": tr.gettext("done"),
        "open": tr.gettext("open"),
        "overdue": tr.gettext("overdue"),
        "week": tr.gettext("weeks ago"),
    }


def schedule(tr: Translator, enabled: bool, weekday: int, minute: int, chart: bool) -> str:
    if not enabled:
        return tr.gettext("The weekly digest is off. To turn it on: /digest weekly monday 09:00")
    return tr.gettext(
        "The weekly digest goes out every {weekday} at {time}{chart}. "
        "Change it: /digest weekly friday 18:00 · /digest off · /digest now",
        weekday=tr.gettext(WEEKDAYS[weekday]),
        time=f"{minute // 60:02d}:{minute % 60:02d}",
        chart=tr.gettext(", with a chart") if chart else "",
    )


def recognized(tr: Translator, who: str) -> str:
    return tr.gettext("🙌 Noted: the group will thank {person} in the next digest.", person=who)


def status(
    tr: Translator,
    *,
    local: Local,
    overdue: int,
    due_soon: int,
    next_meeting: MeetingComing | None,
    completion: float | None,
    open_votes: int | None = None,
    waiting: int = 0,
) -> str:
    lines = [tr.gettext("📊 <b>Status now</b>")]
    if open_votes:
        lines.append(tr.ngettext("🗳 {n} open vote", "🗳 {n} open votes", open_votes))
    elif open_votes is not None:
        lines.append(tr.gettext("🗳 No open votes."))
    lines.append(
        " · ".join(
            [
                tr.ngettext("⏰ {n} overdue commitment", "⏰ {n} overdue commitments", overdue)
                if overdue
                else tr.gettext("⏰ No overdue commitments"),
                tr.ngettext("📌 {n} due in the next 7 days", "📌 {n} due in the next 7 days",
                            due_soon)
                if due_soon
                else tr.gettext("📌 nothing due in the next 7 days"),
            ]
        )
    )  # fmt: skip
    if waiting:
        lines.append(
            tr.ngettext(
                "⏳ {n} commitment waiting for someone to accept",
                "⏳ {n} commitments waiting for someone to accept",
                waiting,
            )
        )
    if next_meeting is None:
        lines.append(tr.gettext("📅 No meeting scheduled."))
    else:
        lines.append(
            tr.gettext("📅 Next meeting: {title} — {when}", title=escape(next_meeting.title),
                       when=local.moment(tr, next_meeting.starts_at))
        )  # fmt: skip
    if completion is None:
        lines.append(tr.gettext("✅ No commitment fell due in the last 30 days."))
    else:
        lines.append(
            tr.gettext("✅ Done on the last 30 days' due dates: {percent}%",
                       percent=round(completion * 100))
        )  # fmt: skip
    return "\n".join(lines)


def help_details(tr: Translator, *, example: str) -> list[str]:
    """/help's page on the digest. `example`: /recognize's (an N_() message)."""
    return [
        tr.gettext(
            "Every week I post a digest: decisions, commitments, meetings, and thanks. "
            "Thank someone in the next one:"
        ),
        tr.gettext(example),
    ]
