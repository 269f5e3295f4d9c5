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
) -> str:
    """The digest: one line per fact, sections with nothing to say left out."""
    lines = [tr.gettext("🗞 <b>Weekly digest</b>")]
    if late:
        lines[0] += " " + tr.gettext("(late: I was offline when it was due)")
    if quiet:
        lines.append(tr.gettext("A quiet week: no meetings, notices or news to report."))
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
    if new_actors or missing_sectors:
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
