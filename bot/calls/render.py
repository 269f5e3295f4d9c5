"""What the calls feature says: the call's message (edited in place as members answer), its
buttons and toasts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.calls.callbacks import Answer, ToCommitment
from bot.calls.views import CallView, Volunteer
from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.core.people import person_name

NAMES_SHOWN = 12  # of those who cannot; every volunteer is named (at most 10)


def _names(people: Sequence[Volunteer]) -> str:
    shown = ", ".join(escape(person_name(p.first_name, p.last_name)) for p in people[:NAMES_SHOWN])
    rest = len(people) - NAMES_SHOWN
    return shown + (f" +{rest}" if rest > 0 else "")


def call_text(tr: Translator, view: CallView, local: Local) -> str:
    if view.caller is not None:
        head = tr.gettext(
            "📣 <b>Volunteers wanted</b> — a call by {name}",
            name=escape(person_name(view.caller.first_name, view.caller.last_name)),
        )
    else:
        head = tr.gettext("📣 <b>Volunteers wanted</b>")
    lines = [head, escape(view.text)]
    if view.due_at is not None:
        lines.append(tr.gettext("📅 {when}", when=local.moment(tr, view.due_at, relative=True)))
    count, target = len(view.volunteers), view.target
    if view.covered:
        tally = tr.ngettext(
            "✅ Covered: {count} of {n} person needed",
            "✅ Covered: {count} of {n} people needed",
            target,
            count=count,
        )
    else:
        tally = tr.ngettext(
            "🙋 {count} of {n} person needed",
            "🙋 {count} of {n} people needed",
            target,
            count=count,
        )
    lines += ["", tally + (f": {_names(view.volunteers)}" if view.volunteers else "")]
    if view.declined:
        lines.append(
            tr.ngettext(
                "🙅 Can't: {names}",
                "🙅 Can't: {names}",
                len(view.declined),
                names=_names(view.declined),
            )
        )
    if view.closed:
        lines += ["", tr.gettext("🔒 Now commitment #{number}.", number=view.commitment_number)]
    elif view.covered:
        lines += [
            "",
            tr.gettext(
                "Coordinators or whoever made the call can now turn it into one commitment."
            ),
        ]
    return "\n".join(lines)


def call_markup(tr: Translator, view: CallView) -> InlineKeyboardMarkup | None:
    if view.closed:
        return None
    rows = [
        [
            InlineKeyboardButton(tr.gettext("🙋 I'm in"), callback_data=Answer(view.id, 1).pack()),
            InlineKeyboardButton(tr.gettext("🙅 I can't"), callback_data=Answer(view.id, 0).pack()),
        ]
    ]
    if view.covered:
        rows.append(
            [
                InlineKeyboardButton(
                    tr.gettext("➕ Turn into commitment"),
                    callback_data=ToCommitment(view.id).pack(),
                )
            ]
        )
    return InlineKeyboardMarkup(rows)


def answered_toast(tr: Translator, view: CallView, willing: bool, *, changed: bool) -> str:
    if not changed:
        return tr.gettext("You are already in.") if willing else tr.gettext("Already noted.")
    if not willing:
        return tr.gettext("Noted: you can't this time.")
    if len(view.volunteers) == view.target:
        return tr.gettext("You're in, thank you! With you the call is covered.")
    return tr.gettext("You're in, thank you!")
