"""What the reactions feature says: tallies, the position map, notices, reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import Translator, span
from bot.core.people import mention, person_name
from bot.reactions.callbacks import SeenNotice
from bot.reactions.positions import (
    MAP_EXAMPLE,
    NoticeReminder,
    NoticeStatus,
    Tally,
    Who,
    meaning_label,
)


def _name(tr: Translator, who: Who) -> str:
    if who.is_group:
        return escape(tr.gettext("the group (anonymous admin)"))
    return escape(person_name(who.first_name, who.last_name))


def position_map(tr: Translator, pairs: Sequence[tuple[str, str]], *, saved: bool = False) -> str:
    lines = [
        tr.gettext("Done: reactions now mean this here.")
        if saved
        else tr.gettext("<b>What reactions mean here</b>")
    ]
    lines += [f"{emoji} = {escape(meaning_label(tr, meaning))}" for emoji, meaning in pairs]
    lines += [
        "",
        tr.gettext(
            "Reply to a message with /positions to see its tally. Coordinators change the "
            "map like this: {example}",
            example=escape(MAP_EXAMPLE),
        ),
    ]
    return "\n".join(lines)


def tally(tr: Translator, result: Tally) -> str:
    lines: list[str] = []
    if result.named or not any(count for _, count in result.anonymous):
        lines.append(tr.gettext("<b>Positions</b> on this message:"))
        for position in result.positions:
            line = (
                f"{''.join(position.emoji)} {escape(meaning_label(tr, position.meaning))}: "
                f"{position.count}"
            )
            if position.people:
                line += " — " + ", ".join(_name(tr, who) for who in position.people)
            lines.append(line)
    else:
        lines.append(tr.gettext("<b>Positions</b> on this message (anonymous, counts only):"))
        for meaning, count in result.anonymous:
            lines.append(f"{escape(meaning_label(tr, meaning))}: {count}")
    lines.append(
        tr.ngettext(
            "{n} member of the group has not reacted.",
            "{n} members of the group have not reacted.",
            result.not_reacted,
        )
    )
    if result.bot_admin is False:
        lines += ["", incomplete(tr)]
    return "\n".join(lines)


def incomplete(tr: Translator) -> str:
    return tr.gettext(
        "⚠️ I am not an admin here, so Telegram does not send me reactions: this tally may be "
        "incomplete. Make me an admin to count them all."
    )


def admin_hint(tr: Translator) -> str:
    return tr.gettext(
        "⚠️ To count reactions as positions and acknowledgements I need to be an admin of this "
        "group: Telegram only tells admin bots about reactions. Coordinators: please make me an "
        "admin in the group settings (no special rights are needed)."
    )


def _seen_button(tr: Translator, notice_id: int, emoji: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.gettext("{emoji} I've seen it", emoji=emoji),
                    callback_data=SeenNotice(notice_id=notice_id).pack(),
                )
            ]
        ]
    )


def notice(
    tr: Translator, notice_id: int, text: str, emoji: str
) -> tuple[str, InlineKeyboardMarkup]:
    body = "\n".join(
        [
            tr.gettext("📢 <b>Notice</b>"),
            escape(text),
            "",
            tr.gettext(
                "Please confirm you have seen it: react with {emoji} or press the button.",
                emoji=emoji,
            ),
        ]
    )
    return body, _seen_button(tr, notice_id, emoji)


def acknowledged(tr: Translator, first_time: bool) -> str:
    if first_time:
        return tr.gettext("Thanks! Noted that you have seen this notice.")
    return tr.gettext("You had already confirmed this notice. Thanks!")


def notice_status(tr: Translator, status: NoticeStatus) -> str:
    lines = [
        tr.ngettext(
            "<b>Notice</b>: {n} member has seen it.",
            "<b>Notice</b>: {n} members have seen it.",
            status.acknowledged,
        )
    ]
    if status.pending:
        lines.append(
            tr.ngettext(
                "{n} has not confirmed yet:",
                "{n} have not confirmed yet:",
                len(status.pending),
            )
        )
        lines.append(", ".join(_name(tr, who) for who in status.pending))
    else:
        lines.append(tr.gettext("Everyone has seen it. 🎉"))
    if status.reminded:
        lines.append(tr.gettext("The reminder was already sent."))
    return "\n".join(lines)


def reminder(
    tr: Translator, notice_id: int, data: NoticeReminder
) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            tr.gettext(
                "🔔 Reminder: please confirm you have seen this notice — react with {emoji} "
                "or press the button.",
                emoji=data.seen_emoji,
            ),
            ", ".join(mention(who.id, who.first_name, who.last_name) for who in data.pending),
        ]
    )
    return text, _seen_button(tr, notice_id, data.seen_emoji)


def delay(tr: Translator, value: timedelta) -> str:
    return span(tr, int(value.total_seconds() // 60))


def remind_set(tr: Translator, value: timedelta) -> str:
    return tr.gettext(
        "Done: notices will remind whoever has not confirmed after {delay}.",
        delay=delay(tr, value),
    )


def remind_current(tr: Translator, value: timedelta) -> str:
    return tr.gettext(
        "Notices remind whoever has not confirmed after {delay}. To change it: {example}",
        delay=delay(tr, value),
        example="/notice remind 12h",
    )


def help_details(tr: Translator) -> list[str]:
    """/help's page on positions and notices."""
    return [
        tr.gettext(
            "React to any message to take a position: 👍 agree, 👎 disagree, 🤔 doubts, "
            "👀 seen. Reply to the message with /positions to see them counted."
        ),
        tr.gettext(
            "A notice asks everyone to confirm they have seen it, and reminds whoever has not."
        ),
    ]
