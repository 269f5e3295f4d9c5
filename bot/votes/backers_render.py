"""The reply that keeps a decision's backers informed: one line per commitment that changed
today, in its latest state, and those who agreed with the decision (plain values in, HTML out)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.core.people import mention, person_name
from bot.core.records import frozen
from bot.core.text import in_one_line

PING_AT_MOST = 5  # more backers than this are named without a notification
NAMED_AT_MOST = 10  # and beyond this, counted


@frozen
class Someone:
    id: int
    first_name: str
    last_name: str | None


@frozen
class NoteLine:
    number: int
    text: str
    change: str  # done | overdue | dropped | replanned (commitments.kinds.Change)
    due_at: datetime | None
    owners: tuple[Someone, ...]


@frozen
class NoteView:
    number: int  # the decision's
    what: str
    lines: tuple[NoteLine, ...]
    backers: tuple[Someone, ...]


def _names(people: tuple[Someone, ...], *, ping: bool) -> str:
    if ping:
        return ", ".join(mention(p.id, p.first_name, p.last_name) for p in people)
    return ", ".join(escape(person_name(p.first_name, p.last_name)) for p in people)


def _line(tr: Translator, line: NoteLine, local: Local) -> str:
    what = f"#{line.number} {escape(in_one_line(line.text, 80))}"
    owners = _names(line.owners, ping=False)
    if line.change == "done":
        if owners:
            return tr.gettext("✅ {commitment} done by {owners}", commitment=what, owners=owners)
        return tr.gettext("✅ {commitment} done", commitment=what)
    if line.change == "overdue":
        when = local.moment(tr, line.due_at) if line.due_at else ""
        return tr.gettext("⏰ {commitment} is overdue (due {when})", commitment=what, when=when)
    if line.change == "dropped":
        return tr.gettext("🗑 {commitment} was dropped", commitment=what)
    when = local.moment(tr, line.due_at) if line.due_at else ""
    return tr.gettext("📅 {commitment} re-planned for {when}", commitment=what, when=when)


def note_text(tr: Translator, view: NoteView, local: Local) -> str:
    """“Update on “…”” and a line per commitment; then the backers: mentioned when they are
    few, named (no notification) when many, and counted beyond `NAMED_AT_MOST`."""
    title = tr.gettext(
        "🔔 <b>Update on “{decision}”</b> (decision #{number})",
        decision=escape(in_one_line(view.what, 80)),
        number=view.number,
    )
    lines = [title, *(_line(tr, line, local) for line in view.lines)]
    backers = view.backers
    if backers:
        shown = backers[:NAMED_AT_MOST]
        names = _names(shown, ping=len(backers) <= PING_AT_MOST)
        if len(backers) > len(shown):
            more = len(backers) - len(shown)
            names += " " + tr.ngettext("and {n} more", "and {n} more", more)
        lines.append(
            tr.ngettext(
                "👥 For the member who agreed: {names}",
                "👥 For the members who agreed: {names}",
                len(backers),
                names=names,
            )
        )
    return "\n".join(lines)
