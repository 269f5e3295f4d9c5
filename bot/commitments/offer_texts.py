"""What is said about a commitment offered to someone who has not accepted it: the one question
to accept or decline (in private, or in the group for who never opened a private chat with
the bot), what the private message becomes once answered, the reason passed on to whoever
assigned it, and the notice when its due date passed with nobody having accepted it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardMarkup

from bot.commitments.render import CardView, answer_row, short, waiting_for
from bot.core.i18n import Translator
from bot.core.moments import Local


def _about(view: CardView) -> dict[str, object]:
    return {"number": view.number, "text": escape(short(view.text))}


def ask_text(
    tr: Translator,
    view: CardView,
    assigner: str | None,
    local: Local,
    *,
    mentions: Sequence[str] = (),
) -> str:
    """The question: in private (no `mentions`) it names the group; in the group it mentions
    those asked. `assigner`: a mention or name, already escaped."""
    people = max(1, len(mentions))
    if assigner:
        text = tr.ngettext(
            "🙋 {person} asked you to take on #{number} “{text}”. Can you?",
            "🙋 {person} asked you to take on #{number} “{text}”. Can you?",
            people,
            person=assigner,
            **_about(view),
        )
    else:
        text = tr.ngettext(
            "🙋 You were asked to take on #{number} “{text}”. Can you?",
            "🙋 You were asked to take on #{number} “{text}”. Can you?",
            people,
            **_about(view),
        )
    if view.due_at is not None:
        text += " " + tr.gettext("It is due {when}.", when=local.moment(tr, view.due_at))
    if not mentions:
        return f"🏘 {escape(view.group_title or '')}\n{text}"
    return f"{', '.join(mentions)}: {text}"


def ask_markup(tr: Translator, view: CardView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([answer_row(tr, view.id)])


def accepted_text(tr: Translator, view: CardView) -> str:
    """The private question once accepted."""
    text = tr.gettext("✅ Thank you! #{number} “{text}” is yours now.", **_about(view))
    return f"🏘 {escape(view.group_title or '')}\n{text}"


def declined_text(tr: Translator, view: CardView, assigner: str | None) -> str:
    """The private question once declined: a reply to it is the reason."""
    if assigner:
        text = tr.gettext(
            "🙅 Understood: you won't take on #{number} “{text}”. If you like, reply to this "
            "message with the reason and I will pass it on to {person}.",
            person=assigner,
            **_about(view),
        )
    else:
        text = tr.gettext(
            "🙅 Understood: you won't take on #{number} “{text}”.",
            **_about(view),
        )
    return f"🏘 {escape(view.group_title or '')}\n{text}"


def decline_toast(tr: Translator, assigner: str | None) -> str:
    """After "I can't" on a card in the group (a toast: plain text)."""
    if assigner:
        return tr.gettext(
            "Understood. If you like, reply to the card with the reason; I will tell {person}.",
            person=assigner,
        )
    return tr.gettext("Understood. If you like, reply to the card with the reason.")


def reason_text(
    tr: Translator, view: CardView, person: str, reason: str, *, assigner: str | None = None
) -> str:
    """The reason passed on: in private (no `assigner`) it names the group; in the group it
    mentions whoever assigned it. `person`, `assigner`: escaped."""
    text = tr.gettext(
        "🙅 {person} can't take on #{number} “{text}”: “{reason}”. To hand it to someone "
        "else: /commitment {number} owner @…",
        person=person,
        reason=escape(short(reason, 300)),
        **_about(view),
    )
    if assigner is None:
        return f"🏘 {escape(view.group_title or '')}\n{text}"
    return f"{assigner}: {text}"


def unaccepted_text(tr: Translator, view: CardView, local: Local, mentions: Sequence[str]) -> str:
    """Past its due date with nobody having accepted it: whoever assigned it and the
    coordinators (`mentions`) are told what they can do."""
    when = local.moment(tr, view.due_at) if view.due_at else "—"
    lines = [
        tr.gettext(
            "⌛ #{number} “{text}” was due {when} and nobody has accepted it.",
            when=when,
            **_about(view),
        )
    ]
    if view.pending:
        lines.append(waiting_for(tr, view.pending))
    actions = tr.gettext(
        "Give it to someone: /commitment {number} owner @…, a new date: /commitment {number} "
        "due …, or drop it: /commitment {number} drop …",
        number=view.number,
    )
    lines.append(f"{', '.join(mentions)}: {actions}" if mentions else actions)
    return "\n".join(lines)
