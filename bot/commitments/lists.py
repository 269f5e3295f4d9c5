"""What the commitments' lists say: /mine, and the group's board cut into pages that each fit
one message, with its page buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commitments.callbacks import Page
from bot.commitments.kinds import Status
from bot.commitments.render import CommitmentView, owner_names, short, waiting_for
from bot.core.i18n import N_, Translator
from bot.core.messenger import utf16_len
from bot.core.moments import Local
from bot.core.records import frozen

PAGE_ITEMS = 25
PAGE_BUDGET = 3500  # UTF-16 units of lines per page: the headers and footer fit in the rest
MINE_LIMIT = 30  # lines of /mine: one message, the most urgent first
START_SHOWN = 3  # open commitments a private /start names


@frozen(kw_only=True)
class LineView(CommitmentView):
    done_at: datetime | None = None
    timezone: str | None = None  # its group's, when lines of several groups are shown


def _line(
    tr: Translator, item: LineView, local: Local, *, owners: bool, viewer: int | None = None
) -> str:
    """One commitment: its owners who accepted (`owners`) and, while it is to do, who is still
    asked to accept (`viewer`: the person reading /mine, told "waiting for you")."""
    if item.timezone is not None:  # a line of another group: its own zone
        local = Local(item.timezone, local.now)
    parts = [f"<b>#{item.number}</b> {escape(short(item.text))}"]
    accepted = [o for o in item.owners if o.accepted]
    if owners and accepted:
        parts.append(owner_names(accepted))
    if item.active and viewer is not None and any(o.id == viewer for o in item.pending):
        parts.append(tr.gettext("waiting for you to accept"))
    elif item.active and owners and item.pending:
        parts.append(waiting_for(tr, item.pending))
    if item.status == Status.DONE:
        if item.done_at is not None:
            parts.append(tr.gettext("done {when}", when=local.moment(tr, item.done_at)))
    elif item.due_at is not None:
        parts.append(local.moment(tr, item.due_at))
    if item.status == Status.BLOCKED:
        parts.append(tr.gettext("⛔ blocked"))
    elif item.status == Status.OPEN and item.progress:
        parts.append(f"{item.progress}%")
    return " · ".join(parts)


def mine_text(
    tr: Translator, items: Sequence[LineView], local: Local, *, private: bool, viewer: int
) -> str:
    """The viewer's open commitments; one they are only asked to take is waiting for them,
    never overdue on them."""
    if not items:
        return tr.gettext(
            "You have no open commitments. Make one with: {example}",
            example=N_("/commit Llevar sillas a la reunión by viernes"),
        )
    lines = [tr.gettext("<b>Your open commitments</b>")]
    group = None
    for item in items[:MINE_LIMIT]:
        if private and item.group_title != group:
            group = item.group_title
            lines.append(f"🏘 <b>{escape(group or '')}</b>")
        asked = any(o.id == viewer for o in item.pending)
        late = item.due_at is not None and item.due_at < local.now
        mark = "⏳ " if asked else "⌛ " if late else "• "
        lines.append(mark + _line(tr, item, local, owners=False, viewer=viewer))
    if len(items) > MINE_LIMIT:
        lines.append(tr.ngettext("… and {n} more.", "… and {n} more.", len(items) - MINE_LIMIT))
    return "\n".join(lines)


def start_lines(tr: Translator, items: Sequence[LineView], total: int, local: Local) -> list[str]:
    """The open commitments on a private /start: how many, the first `items`, and /mine."""
    if not total:
        return []
    lines = [
        tr.ngettext(
            "🤝 You have {n} open commitment (/mine):",
            "🤝 You have {n} open commitments (/mine):",
            total,
        )
    ]
    for item in items:
        mark = "⌛ " if item.due_at is not None and item.due_at < local.now else "• "
        lines.append(mark + _line(tr, item, local, owners=False))
    if total > len(items):
        lines.append(tr.ngettext("… and {n} more.", "… and {n} more.", total - len(items)))
    return lines


def section_title(tr: Translator, section: str) -> str:
    return {
        "overdue": tr.gettext("⌛ <b>Overdue</b>"),
        "waiting": tr.gettext("⏳ <b>Waiting for someone to accept</b>"),
        "week": tr.gettext("📅 <b>Due in the next 7 days</b>"),
        "later": tr.gettext("🗂 <b>Later</b>"),
        "done": tr.gettext("✅ <b>Done in the last 7 days</b>"),
    }[section]


def board_pages(
    tr: Translator, entries: Sequence[tuple[str, LineView]], local: Local
) -> list[list[tuple[str, str]]]:
    """The board's lines cut into pages that each fit one message: [(section, line)]."""
    pages: list[list[tuple[str, str]]] = [[]]
    size = 0
    for section, item in entries:
        line = "• " + _line(tr, item, local, owners=True)
        cost = utf16_len(line) + 60  # the line, and room for a section title
        if pages[-1] and (len(pages[-1]) >= PAGE_ITEMS or size + cost > PAGE_BUDGET):
            pages.append([])
            size = 0
        pages[-1].append((section, line))
        size += cost
    return pages


def board_text(
    tr: Translator,
    pages: Sequence[Sequence[tuple[str, str]]],
    page: int,
    total: int,
    person: str | None,
    example: int = 1,
) -> str:
    """Page `page` (from 1) of the board; `example`: a number shown, for the footer."""
    if total == 0:
        if person:
            return tr.gettext("{person} has no commitments on the board.", person=escape(person))
        return tr.gettext(
            "The board is empty. Make the first commitment: {example}",
            example=N_("/commit Pintar el mural by sábado"),
        )
    head = (
        tr.gettext("<b>Commitments of {person}</b>", person=escape(person))
        if person
        else tr.gettext("<b>Commitments of the group</b>")
    )
    lines = [head]
    section = None
    shown = sum(len(p) for p in pages[:page])
    for name, line in pages[page - 1]:
        if name != section:
            section = name
            lines += ["", section_title(tr, name)]
        lines.append(line)
    if len(pages) > 1:
        lines += ["", tr.gettext("Page {page} of {pages}", page=page, pages=len(pages))]
    if shown < total:
        lines.append(
            tr.ngettext(
                "{n} more: /commitments {next}",
                "{n} more: /commitments {next}",
                total - shown,
                next=page + 1,
            )
        )
    lines += ["", tr.gettext("Details and history: /commitment {number}", number=example)]
    return "\n".join(lines)


def board_markup(
    tr: Translator, page: int, pages: int, person_id: int | None
) -> InlineKeyboardMarkup | None:
    buttons = []
    if page > 1:
        buttons.append(
            InlineKeyboardButton(
                tr.gettext("◀️ Back"), callback_data=Page(page - 1, person_id or 0).pack()
            )
        )
    if page < pages:
        buttons.append(
            InlineKeyboardButton(
                tr.gettext("More ▶️"), callback_data=Page(page + 1, person_id or 0).pack()
            )
        )
    return InlineKeyboardMarkup([buttons]) if buttons else None
