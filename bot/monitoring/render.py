"""What monitoring says: the weekly digest, and the schedule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from bot.core.i18n import WEEKDAYS, Translator, when


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def digest(
    tr: Translator,
    *,
    timezone: str,
    late: bool,
    members: int,
    charter: tuple[int, int] | None,
    meetings_held: Sequence[tuple[str, datetime, int]],
    meetings_coming: Sequence[tuple[str, datetime]],
    notices_pending: Sequence[tuple[str, int]],
    recognitions: Sequence[tuple[str, str | None, str]],
    thanked: Sequence[str],
    new_actors: int,
    missing_sectors: Sequence[str],
    quiet: bool,
    completed: Sequence[tuple[int, str, str, datetime]] = (),
    overdue: Sequence[tuple[int, str, str, datetime]] = (),
    due_next: Sequence[tuple[int, str, str, datetime]] = (),
    now: datetime | None = None,
    reviews: tuple[int, int] = (0, 0),
    decisions: Sequence[tuple[int, str, str]] = (),
    open_votes: Sequence[tuple[str, datetime, int]] = (),
    unequal: bool = False,
) -> str:
    """The digest: one line per fact, sections with nothing to say left out."""
    lines = [tr.gettext("🗞 <b>Weekly digest</b>")]
    if late:
        lines[0] += " " + tr.gettext("(late: I was offline when it was due)")
    if quiet:
        lines.append(tr.gettext("A quiet week: no meetings, notices or news to report."))
    if decisions:
        lines += ["", "<b>" + tr.gettext("🗳 Decisions") + "</b>"]
        lines += [
            f"• #{n} {escape(_short(what))} — {outcome}"
            for n, what, outcome in decisions[:MAX_LINES]
        ]
        lines += _more(tr, len(decisions))
    if open_votes:
        lines += ["", "<b>" + tr.gettext("🗳 Open votes") + "</b>"]
        for question, closes_at, missing in open_votes[:MAX_LINES]:
            left = tr.ngettext("{n} still to vote", "{n} still to vote", missing)
            closes = tr.gettext("closes {when}", when=when(tr, closes_at, timezone))
            lines.append(f"• {escape(_short(question))} — {closes} · {left}")
        lines += _more(tr, len(open_votes))
    if completed:
        lines += ["", "<b>" + tr.gettext("✅ Commitments done") + "</b>"]
        lines += [
            f"• #{n} {escape(_short(text))} — {owners}"
            for n, text, owners, _ in completed[:MAX_LINES]
        ]
        lines += _more(tr, len(completed))
    if overdue:
        lines += ["", "<b>" + tr.gettext("⏰ Overdue") + "</b>"]
        for n, text, owners, due in overdue[:MAX_LINES]:
            days = max(1, ((now or due) - due).days)
            late = tr.ngettext("{n} day late", "{n} days late", days)
            lines.append(f"• #{n} {escape(_short(text))} — {owners} · {late}")
        lines += _more(tr, len(overdue))
    if due_next:
        lines += ["", "<b>" + tr.gettext("📌 Due in the coming week") + "</b>"]
        lines += [
            f"• #{n} {escape(_short(text))} — {owners} · {when(tr, due, timezone)}"
            for n, text, owners, due in due_next[:MAX_LINES]
        ]
        lines += _more(tr, len(due_next))
    if meetings_held:
        lines += ["", "<b>" + tr.gettext("📅 Meetings held") + "</b>"]
        for title, starts_at, attended in meetings_held:
            who = tr.ngettext("{n} attended", "{n} attended", attended)
            lines.append(f"• {escape(title)} — {when(tr, starts_at, timezone)} · {who}")
    if meetings_coming:
        lines += ["", "<b>" + tr.gettext("🗓 Coming this week") + "</b>"]
        lines += [f"• {escape(t)} — {when(tr, s, timezone)}" for t, s in meetings_coming]
    if notices_pending:
        lines += ["", "<b>" + tr.gettext("👀 Notices not yet seen by everyone") + "</b>"]
        for text, missing in notices_pending:
            left = tr.ngettext("{n} still to see it", "{n} still to see it", missing)
            lines.append(f"• {escape(_short(text))} — {left}")
    if charter is not None:
        number, accepted = charter
        lines += [
            "",
            tr.gettext(
                "📜 Chat rules v{number}: accepted by {accepted} of {members}.",
                number=number,
                accepted=accepted,
                members=members,
            ),
        ]
    if new_actors or missing_sectors or unequal:
        lines.append("")
        if new_actors:
            lines.append(
                tr.ngettext(
                    "🗺 {n} new actor profile this week.", "🗺 {n} new actor profiles this week.",
                    new_actors,
                )
            )  # fmt: skip
        if missing_sectors:
            lines.append(
                tr.gettext("🗺 Still nobody from: {sectors}.", sectors=", ".join(missing_sectors))
            )
        if unequal:
            lines.append(
                tr.gettext(
                    "⚖️ A few members carried this week's conversation. Who else can we hear?"
                )
            )
    if any(reviews):
        lines += [
            "",
            tr.gettext(
                "🔁 Reviews: {opened} opened, {closed} closed. Learnings: /lessons",
                opened=reviews[0],
                closed=reviews[1],
            ),
        ]
    if recognitions or thanked:
        lines += ["", "<b>" + tr.gettext("🙌 Thank you") + "</b>"]
        for to, by, reason in recognitions:
            if by:
                lines.append(
                    tr.gettext("• {to}, from {by}: {reason}", to=to, by=by, reason=escape(reason))
                )
            else:
                lines.append(f"• {to}: {escape(reason)}")
        if thanked:
            lines.append(
                tr.gettext("• For showing up and doing: {names}", names=", ".join(thanked))
            )
    return "\n".join(lines)


MAX_LINES = 10


def _more(tr: Translator, count: int) -> list[str]:
    if count <= MAX_LINES:
        return []
    return [tr.ngettext("…and {n} more", "…and {n} more", count - MAX_LINES)]


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
    timezone: str,
    overdue: int,
    due_soon: int,
    next_meeting: tuple[str, datetime] | None,
    completion: float | None,
    open_votes: int | None = None,
) -> str:
    lines = [tr.gettext("📊 <b>Status now</b>")]
    if open_votes is not None:
        lines.append(tr.ngettext("🗳 {n} open vote", "🗳 {n} open votes", open_votes))
    lines.append(
        tr.gettext("⏰ Overdue commitments: {overdue} · 📌 due in 7 days: {soon}",
                   overdue=overdue, soon=due_soon)
    )  # fmt: skip
    if next_meeting is None:
        lines.append(tr.gettext("📅 No meeting scheduled."))
    else:
        title, starts_at = next_meeting
        lines.append(
            tr.gettext("📅 Next meeting: {title} — {when}", title=escape(title),
                       when=when(tr, starts_at, timezone))
        )  # fmt: skip
    if completion is None:
        lines.append(tr.gettext("✅ No commitment fell due in the last 30 days."))
    else:
        lines.append(
            tr.gettext("✅ Done on the last 30 days' due dates: {percent}%",
                       percent=round(completion * 100))
        )  # fmt: skip
    return "\n".join(lines)
