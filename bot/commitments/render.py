"""What the commitments feature says: the card, the board, lists, history, reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import mention_html

from bot.commitments.callbacks import (
    Accept,
    AskProgress,
    Back,
    Block,
    Done,
    Help,
    Page,
    Resume,
    SetProgress,
)
from bot.commitments.kinds import ACTIVE, Status
from bot.core.i18n import Translator
from bot.core.messenger import utf16_len

PAGE_ITEMS = 25
PAGE_BUDGET = 3500  # UTF-16 units of lines per page: the headers and footer fit in the rest
TEXT_SHORT = 70
MINE_LIMIT = 30  # lines of /mine: one message, the most urgent first


@dataclass(frozen=True)
class OwnerView:
    id: int
    name: str
    accepted: bool = True
    present: bool = True


@dataclass(frozen=True)
class ResourceView:
    type: str
    description: str
    quantity: int | None = None


@dataclass(frozen=True)
class CardView:
    id: int
    number: int
    text: str
    owners: Sequence[OwnerView]
    due_at: datetime | None
    status: str
    progress: int
    resources: Sequence[ResourceView] = ()
    blocked_reason: str | None = None
    context_text: str | None = None
    group_title: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def pending(self) -> list[OwnerView]:
        return [o for o in self.owners if not o.accepted]


@dataclass(frozen=True)
class EventView:
    at: datetime
    who: str | None
    field: str
    old: str | None
    new: str | None
    reason: str | None


def _weekdays(tr: Translator) -> list[str]:
    return [
        tr.gettext("Mon"),
        tr.gettext("Tue"),
        tr.gettext("Wed"),
        tr.gettext("Thu"),
        tr.gettext("Fri"),
        tr.gettext("Sat"),
        tr.gettext("Sun"),
    ]


def when(tr: Translator, moment: datetime, timezone: str) -> str:
    """`Fri 05/12 18:00` in the group's time zone."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{_weekdays(tr)[local.weekday()]} {local:%d/%m %H:%M}"


def short(text: str, limit: int = TEXT_SHORT) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def status_label(tr: Translator, status: str) -> str:
    return {
        Status.OPEN: tr.gettext("🟢 Open"),
        Status.BLOCKED: tr.gettext("⛔ Blocked"),
        Status.DONE: tr.gettext("✅ Done"),
        Status.DROPPED: tr.gettext("✖️ Dropped"),
    }.get(status, escape(status))


def resource_type(tr: Translator, kind: str) -> str:
    return {
        "material": tr.gettext("material"),
        "symbolic": tr.gettext("symbolic"),
        "human": tr.gettext("human"),
    }.get(kind, escape(kind))


def resources_text(tr: Translator, resources: Sequence[ResourceView]) -> str:
    """`material: 500 volantes, cinta · human: 3 voluntarios`."""
    by_type: dict[str, list[str]] = {}
    for r in resources:
        text = escape(short(r.description, 60))
        item = f"{r.quantity} {text}" if r.quantity else text
        by_type.setdefault(r.type, []).append(item)
    return " · ".join(
        f"{resource_type(tr, kind)}: {', '.join(items)}" for kind, items in by_type.items()
    )


def _owner_mentions(owners: Sequence[OwnerView]) -> str:
    return ", ".join(mention_html(o.id, o.name) + ("" if o.accepted else " ⏳") for o in owners)


def _owner_names(owners: Sequence[OwnerView], limit: int = 3) -> str:
    names = [escape(o.name) for o in owners[:limit]]
    if len(owners) > limit:
        names.append(f"+{len(owners) - limit}")
    return ", ".join(names)


def card_text(tr: Translator, view: CardView, timezone: str, now: datetime) -> str:
    lines = [f"📌 <b>#{view.number}</b> {escape(view.text)}"]
    if view.group_title:
        lines.append(f"🏘 {escape(view.group_title)}")
    lines.append(f"👥 {_owner_mentions(view.owners)}")
    if view.pending and view.active:
        lines.append(tr.gettext("⏳ Waiting for them to accept with the button."))
    if view.due_at is not None:
        due = tr.gettext("📅 Due {when}", when=when(tr, view.due_at, timezone))
        if view.active and view.due_at < now:
            due += " · " + tr.gettext("⌛ overdue")
        lines.append(due)
    if view.resources:
        lines.append(
            tr.gettext("🧰 Needs {resources}", resources=resources_text(tr, view.resources))
        )
    state = status_label(tr, view.status)
    if view.active:
        state += f" · {view.progress}%"
    lines.append(state)
    if view.status == Status.BLOCKED:
        if view.blocked_reason:
            lines.append(tr.gettext("Why: {reason}", reason=escape(view.blocked_reason)))
        else:
            lines.append(tr.gettext("What is in the way? Reply to this message with the reason."))
    if view.context_text:
        lines.append(f"💬 <i>{escape(short(view.context_text, 120))}</i>")
    return "\n".join(lines)


def card_markup(tr: Translator, view: CardView) -> InlineKeyboardMarkup | None:
    if not view.active:
        return None
    cid = view.id
    pause = (
        InlineKeyboardButton(tr.gettext("▶️ Resume"), callback_data=Resume(cid).pack())
        if view.status == Status.BLOCKED
        else InlineKeyboardButton(tr.gettext("⛔ Blocked"), callback_data=Block(cid).pack())
    )
    rows = [
        [
            InlineKeyboardButton(tr.gettext("✅ Done"), callback_data=Done(cid).pack()),
            InlineKeyboardButton(tr.gettext("📈 Progress"), callback_data=AskProgress(cid).pack()),
        ],
        [pause, InlineKeyboardButton(tr.gettext("🙋 Help"), callback_data=Help(cid).pack())],
    ]
    if view.pending:
        rows.append(
            [InlineKeyboardButton(tr.gettext("👍 I accept"), callback_data=Accept(cid).pack())]
        )
    return InlineKeyboardMarkup(rows)


def progress_markup(tr: Translator, commitment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{pct}%", callback_data=SetProgress(commitment_id, pct).pack()
                )
                for pct in (25, 50, 75)
            ],
            [InlineKeyboardButton(tr.gettext("↩️ Back"), callback_data=Back(commitment_id).pack())],
        ]
    )


# -- /commitment <n> ----------------------------------------------------------------------


def _event_text(tr: Translator, event: EventView, timezone: str) -> str:
    old, new = event.old or "—", event.new or "—"
    if event.field == "created":
        what = tr.gettext("created it")
    elif event.field == "status":
        what = tr.gettext(
            "status: {old} → {new}", old=status_label(tr, old), new=status_label(tr, new)
        )
    elif event.field == "progress":
        what = tr.gettext("progress: {old}% → {new}%", old=escape(old), new=escape(new))
    elif event.field == "due":
        what = tr.gettext(
            "due date: {old} → {new}",
            old=_iso_when(tr, event.old, timezone),
            new=_iso_when(tr, event.new, timezone),
        )
    elif event.field == "owners":
        what = tr.gettext("owners: {old} → {new}", old=escape(old), new=escape(new))
    elif event.field == "accepted":
        what = tr.gettext("accepted it")
    elif event.field == "reason":
        what = tr.gettext("gave the reason")
    elif event.field == "help":
        what = tr.gettext("asked the group for help")
    else:
        what = escape(event.field)
    if event.reason:
        what += f": “{escape(short(event.reason, 100))}”"
    who = escape(event.who) if event.who else tr.gettext("someone")
    return f"• {when(tr, event.at, timezone)} · {who} · {what}"


def _iso_when(tr: Translator, value: str | None, timezone: str) -> str:
    if not value:
        return "—"
    try:
        return when(tr, datetime.fromisoformat(value), timezone)
    except ValueError:
        return escape(value)


def detail_text(
    tr: Translator,
    view: CardView,
    events: Sequence[EventView],
    total_events: int,
    timezone: str,
    now: datetime,
    decision: int | None = None,
) -> str:
    """`decision`: the number of the decision (a passed proposal) it came from."""
    lines = [card_text(tr, view, timezone, now)]
    if decision is not None:
        lines.append(tr.gettext("🗳 From decision #{number}: /decision {number}", number=decision))
    lines += ["", tr.gettext("<b>History</b>")]
    if total_events > len(events):
        lines.append(
            tr.ngettext("… {n} earlier change", "… {n} earlier changes", total_events - len(events))
        )
    lines += [_event_text(tr, e, timezone) for e in events]
    return "\n".join(lines)


def usage(tr: Translator, number: int | str = 3) -> str:
    return "\n".join(
        [
            tr.gettext("Try one of these:"),
            f"/commitment {number}",
            f"/commitment {number} due viernes 18:00",
            f"/commitment {number} owner @ana",
            f"/commitment {number} drop ya no hace falta",
        ]
    )


# -- /mine and the board ------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    number: int
    text: str
    owners: Sequence[OwnerView]
    due_at: datetime | None
    status: str
    progress: int
    group_title: str | None = None
    done_at: datetime | None = None
    timezone: str | None = None  # its group's, when lines of several groups are shown


def _line(tr: Translator, item: LineView, timezone: str, *, owners: bool) -> str:
    timezone = item.timezone or timezone
    parts = [f"<b>#{item.number}</b> {escape(short(item.text))}"]
    if owners and item.owners:
        parts.append(_owner_names(item.owners))
    if item.status == Status.DONE:
        if item.done_at is not None:
            parts.append(tr.gettext("done {when}", when=when(tr, item.done_at, timezone)))
    elif item.due_at is not None:
        parts.append(when(tr, item.due_at, timezone))
    if item.status == Status.BLOCKED:
        parts.append(tr.gettext("⛔ blocked"))
    elif item.status == Status.OPEN and item.progress:
        parts.append(f"{item.progress}%")
    return " · ".join(parts)


def mine_text(
    tr: Translator, items: Sequence[LineView], timezone: str, now: datetime, *, private: bool
) -> str:
    if not items:
        return tr.gettext(
            "You have no open commitments. Make one with: {example}",
            example="/commit Llevar sillas a la reunión by viernes",
        )
    lines = [tr.gettext("<b>Your open commitments</b>")]
    group = None
    for item in items[:MINE_LIMIT]:
        if private and item.group_title != group:
            group = item.group_title
            lines.append(f"🏘 <b>{escape(group or '')}</b>")
        mark = "⌛ " if item.due_at is not None and item.due_at < now else "• "
        lines.append(mark + _line(tr, item, timezone, owners=False))
    if len(items) > MINE_LIMIT:
        lines.append(tr.ngettext("… and {n} more.", "… and {n} more.", len(items) - MINE_LIMIT))
    return "\n".join(lines)


def section_title(tr: Translator, section: str) -> str:
    return {
        "overdue": tr.gettext("⌛ <b>Overdue</b>"),
        "week": tr.gettext("📅 <b>Due in the next 7 days</b>"),
        "later": tr.gettext("🗂 <b>Later</b>"),
        "done": tr.gettext("✅ <b>Done in the last 7 days</b>"),
    }[section]


def board_pages(
    tr: Translator, entries: Sequence[tuple[str, LineView]], timezone: str
) -> list[list[tuple[str, str]]]:
    """The board's lines cut into pages that each fit one message: [(section, line)]."""
    pages: list[list[tuple[str, str]]] = [[]]
    size = 0
    for section, item in entries:
        line = "• " + _line(tr, item, timezone, owners=True)
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
            example="/commit Pintar el mural by sábado",
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


# -- what the buttons and reminders say -----------------------------------------------------


def help_request(tr: Translator, view: CardView, asker: str) -> str:
    if view.resources:
        return tr.gettext(
            "🙋 {person} asks for a hand with #{number} “{text}”. It needs {resources}. "
            "Can you help? Reply here.",
            person=asker,
            number=view.number,
            text=escape(short(view.text)),
            resources=resources_text(tr, view.resources),
        )
    return tr.gettext(
        "🙋 {person} asks for a hand with #{number} “{text}”. Can you help? Reply here.",
        person=asker,
        number=view.number,
        text=escape(short(view.text)),
    )


def reminder_text(
    tr: Translator, view: CardView, kind: str, timezone: str, *, private: bool
) -> str:
    """A reminder; in private it names the group, in the group it mentions the owners."""
    due = when(tr, view.due_at, timezone) if view.due_at else "—"
    args = {"number": view.number, "text": escape(short(view.text)), "when": due}
    if kind == "soon":
        text = tr.gettext("⏰ Reminder: #{number} “{text}” is due {when}.", **args)
    else:
        text = tr.gettext(
            "⌛ #{number} “{text}” was due {when}. How is it going? Mark it done, or give a new "
            "date: /commitment {number} due …",
            **args,
        )
    if private:
        return f"🏘 {escape(view.group_title or '')}\n{text}"
    mentions = ", ".join(mention_html(o.id, o.name) for o in view.owners)
    return f"{mentions}: {text}"


def group_reminders(
    tr: Translator, reminders: Sequence[tuple[CardView, str]], timezone: str
) -> str:
    """The group's reminders of one moment in one message: (view with the owners to
    mention, kind)."""
    texts = [reminder_text(tr, view, kind, timezone, private=False) for view, kind in reminders]
    if len(texts) == 1:
        return texts[0]
    return "\n".join(f"• {text}" for text in texts)
