"""What the commitments feature says: the card, its history, the call for help, reminders;
and the plain values they are said from. The lists (/mine, the board) are lists.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import mention_html

from bot.commitments import callbacks as cb
from bot.commitments.grammar import COMMIT_EXAMPLE
from bot.commitments.kinds import ACTIVE, Status
from bot.core.i18n import N_, Translator
from bot.core.moments import Local
from bot.core.records import frozen
from bot.core.text import in_one_line

TEXT_SHORT = 70


@frozen
class OwnerView:
    id: int
    name: str
    accepted: bool = True
    present: bool = True


@frozen
class ResourceView:
    type: str
    description: str
    quantity: int | None = None


@frozen(kw_only=True)
class CommitmentView:
    """What a card and a line of a list both show of a commitment."""

    number: int
    text: str
    owners: Sequence[OwnerView]
    due_at: datetime | None
    status: str
    progress: int
    group_title: str | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def pending(self) -> list[OwnerView]:
        """Those asked to take it who have not accepted yet."""
        return [o for o in self.owners if not o.accepted]

    @property
    def unaccepted(self) -> bool:
        """Still to do and nobody accepted it: it is nobody's yet, never anyone's lateness."""
        return self.active and not any(o.accepted for o in self.owners)


@frozen(kw_only=True)
class CardView(CommitmentView):
    id: int
    resources: Sequence[ResourceView] = ()
    blocked_reason: str | None = None
    context_text: str | None = None
    declined: Sequence[DeclineView] = ()


@frozen
class DeclineView:
    """Someone asked to take it who said they cannot, and why (if they said)."""

    name: str
    reason: str | None = None


@frozen
class EventView:
    at: datetime
    who: str | None
    field: str
    old: str | None
    new: str | None
    reason: str | None


def short(text: str, limit: int = TEXT_SHORT) -> str:
    return in_one_line(text, limit)


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


def owner_names(owners: Sequence[OwnerView], limit: int = 3) -> str:
    names = [escape(o.name) for o in owners[:limit]]
    if len(owners) > limit:
        names.append(f"+{len(owners) - limit}")
    return ", ".join(names)


def waiting_for(tr: Translator, pending: Sequence[OwnerView], limit: int = 3) -> str:
    """`⏳ waiting for Raúl to accept` (escaped names)."""
    return tr.ngettext(
        "⏳ waiting for {names} to accept",
        "⏳ waiting for {names} to accept",
        len(pending),
        names=owner_names(pending, limit),
    )


def card_text(tr: Translator, view: CardView, local: Local) -> str:
    lines = [f"📌 <b>#{view.number}</b> {escape(view.text)}"]
    if view.group_title:
        lines.append(f"🏘 {escape(view.group_title)}")
    if view.owners:
        lines.append(f"👥 {_owner_mentions(view.owners)}")
    else:
        lines.append(tr.gettext("👥 Nobody has taken it on yet."))
    if view.pending and view.active:
        lines.append(
            tr.ngettext(
                "⏳ Waiting for {names} to accept.",
                "⏳ Waiting for {names} to accept.",
                len(view.pending),
                names=owner_names(view.pending, 10),
            )
        )
    for declined in view.declined if view.active else ():
        if declined.reason:
            lines.append(
                tr.gettext(
                    "🙅 {name} can't take it on: “{reason}”",
                    name=escape(declined.name),
                    reason=escape(short(declined.reason, 200)),
                )
            )
        else:
            lines.append(tr.gettext("🙅 {name} can't take it on.", name=escape(declined.name)))
    if view.due_at is not None:
        due = tr.gettext("📅 Due {when}", when=local.moment(tr, view.due_at, relative=view.active))
        if view.active and view.due_at < local.now:
            due += " · " + (
                tr.gettext("⌛ nobody has accepted it")
                if view.unaccepted
                else tr.gettext("⌛ overdue")
            )
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
        InlineKeyboardButton(tr.gettext("▶️ Resume"), callback_data=cb.Resume(cid).pack())
        if view.status == Status.BLOCKED
        else InlineKeyboardButton(tr.gettext("⛔ Blocked"), callback_data=cb.Block(cid).pack())
    )
    rows = [
        [
            InlineKeyboardButton(tr.gettext("✅ Done"), callback_data=cb.Done(cid).pack()),
            InlineKeyboardButton(
                tr.gettext("📈 Progress"), callback_data=cb.AskProgress(cid).pack()
            ),
        ],
        [pause, InlineKeyboardButton(tr.gettext("🙋 Help"), callback_data=cb.Help(cid).pack())],
    ]
    if view.pending:
        rows.append(answer_row(tr, cid))
    return InlineKeyboardMarkup(rows)


def answer_row(tr: Translator, commitment_id: int) -> list[InlineKeyboardButton]:
    """What a person asked to take it answers: I accept, I can't."""
    return [
        InlineKeyboardButton(
            tr.gettext("👍 I accept"), callback_data=cb.Accept(commitment_id).pack()
        ),
        InlineKeyboardButton(
            tr.gettext("🙅 I can't"), callback_data=cb.Decline(commitment_id).pack()
        ),
    ]


def progress_markup(tr: Translator, commitment_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{pct}%", callback_data=cb.SetProgress(commitment_id, pct).pack()
                )
                for pct in (25, 50, 75)
            ],
            [
                InlineKeyboardButton(
                    tr.gettext("↩️ Back"), callback_data=cb.Back(commitment_id).pack()
                )
            ],
        ]
    )


# -- /commitment <n> ----------------------------------------------------------------------


def _event_text(tr: Translator, event: EventView, local: Local) -> str:
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
            old=_iso_when(tr, event.old, local),
            new=_iso_when(tr, event.new, local),
        )
    elif event.field == "owners":
        what = tr.gettext("owners: {old} → {new}", old=escape(old), new=escape(new))
    elif event.field == "accepted":
        what = tr.gettext("accepted it")
    elif event.field == "declined":
        what = tr.gettext("can't take it on")
    elif event.field == "reason":
        what = tr.gettext("gave the reason")
    elif event.field == "help":
        what = tr.gettext("asked the group for help")
    else:
        what = escape(event.field)
    if event.reason:
        what += f": “{escape(short(event.reason, 100))}”"
    who = escape(event.who) if event.who else tr.gettext("someone")
    return f"• {local.moment(tr, event.at)} · {who} · {what}"


def _iso_when(tr: Translator, value: str | None, local: Local) -> str:
    if not value:
        return "—"
    try:
        return local.moment(tr, datetime.fromisoformat(value))
    except ValueError:
        return escape(value)


def detail_text(
    tr: Translator,
    view: CardView,
    events: Sequence[EventView],
    total_events: int,
    local: Local,
    decision: int | None = None,
) -> str:
    """`decision`: the number of the decision (a passed proposal) it came from."""
    lines = [card_text(tr, view, local)]
    if decision is not None:
        lines.append(tr.gettext("🗳 From decision #{number}: /decision {number}", number=decision))
    lines += ["", tr.gettext("<b>History</b>")]
    if total_events > len(events):
        lines.append(
            tr.ngettext("… {n} earlier change", "… {n} earlier changes", total_events - len(events))
        )
    lines += [_event_text(tr, e, local) for e in events]
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


def reminder_text(tr: Translator, view: CardView, kind: str, local: Local, *, private: bool) -> str:
    """A reminder; in private it names the group, in the group it mentions the owners."""
    due = local.moment(tr, view.due_at) if view.due_at else "—"
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


def group_reminders(tr: Translator, reminders: Sequence[tuple[CardView, str]], local: Local) -> str:
    """The group's reminders of one moment in one message: (view with the owners to
    mention, kind)."""
    texts = [reminder_text(tr, view, kind, local, private=False) for view, kind in reminders]
    if len(texts) == 1:
        return texts[0]
    return "\n".join(f"• {text}" for text in texts)


def help_details(tr: Translator) -> list[str]:
    """/help's page on commitments: the native words of /commit, with examples."""
    return [
        tr.gettext(
            "Write what, who (@name), by when (“by”) and what it needs (“needs”); only the "
            "what is required:"
        ),
        tr.gettext(COMMIT_EXAMPLE),
        tr.gettext(
            "Change it later, for example: {example}",
            example=N_("/commitment {number} due viernes 18:00"),
            number=1,
        ),
    ]
