"""What the privacy feature says: HTML text and buttons, in the chat's language."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import Translator
from bot.privacy.callbacks import Forget


def private_only(tr: Translator, command: str) -> str:
    return tr.gettext(
        "Please send {command} to me in a private chat, not in the group: tap my name, then "
        "“Send message”.",
        command=command,
    )


def forget_question(tr: Translator, since: int) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            tr.gettext("⚠️ <b>Forget me</b>"),
            tr.gettext(
                "I will erase your name, username and Telegram id from every group, with your "
                "profile, the reasons you gave and your review answers."
            ),
            tr.gettext(
                "Your votes still count in the totals of closed decisions, with no name; your "
                "open commitments will have no owner, and each group's coordinators are told."
            ),
            tr.gettext("This cannot be undone. Want your data first? Send /mydata."),
        ]
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.gettext("Yes, forget me"), callback_data=Forget(1, since).pack()
                ),
                InlineKeyboardButton(
                    tr.gettext("No, keep my data"), callback_data=Forget(0, since).pack()
                ),
            ]
        ]
    )
    return text, markup


def forgotten(tr: Translator) -> str:
    return tr.gettext(
        "✅ Done: Minga has forgotten you. In your groups you are now “{label}”. If you write "
        "again, you start as a new person.",
        label=former(tr),
    )


def kept(tr: Translator) -> str:
    return tr.gettext("Nothing was erased. Your data stays as it was.")


def former(tr: Translator) -> str:
    return tr.gettext("a former member")


def group_note(
    tr: Translator, orphaned: list[int], no_coordinator: bool, example_number: int | None
) -> str:
    lines = [
        tr.gettext(
            "🕊 A member asked Minga to forget them: they show as “{label}” now.",
            label=former(tr),
        )
    ]
    if orphaned:
        lines.append(
            tr.ngettext(
                "Commitment {numbers} has no owner now. Coordinators, who takes it on? For "
                "example: {example}",
                "Commitments {numbers} have no owner now. Coordinators, who takes them on? "
                "For example: {example}",
                len(orphaned),
                numbers=", ".join(f"#{n}" for n in orphaned),
                example=tr.gettext(
                    "/commitment {number} owner @ana", number=example_number or orphaned[0]
                ),
            )
        )
    if no_coordinator:
        lines.append(
            tr.gettext(
                "This group has no coordinator named in Minga now. Its Telegram admins still "
                "coordinate, and can name one: {example}",
                example="/coordinator add @ana",
            )
        )
    return "\n".join(lines)


def mydata_caption(tr: Translator, version: int) -> str:
    return tr.gettext(
        "📦 Everything Minga stores about you: one JSON document and a CSV file per table "
        "(schema version {version}).",
        version=version,
    )


def export_caption(tr: Translator, title: str, version: int) -> str:
    return tr.gettext(
        "📦 The records of {group}: one JSON document and a CSV file per table (schema "
        "version {version}).",
        group=title,
        version=version,
    )


def export_sent(tr: Translator) -> str:
    return tr.gettext("📦 I sent you the group's records in a private message.")


def export_needs_private(tr: Translator) -> str:
    return tr.gettext(
        "I cannot write to you in private yet. Open a chat with me, press Start, then send "
        "/export here again."
    )


def privacy(tr: Translator) -> str:
    return "\n".join(
        [
            tr.gettext("🔒 <b>What Minga stores, and what it never does</b>"),
            "",
            tr.gettext(
                "<b>Stored:</b> your name, username and Telegram id; your groups and roles; your "
                "positions and reasons in votes; commitments and their history; meeting answers "
                "and attendance; acknowledgements; review answers; recognitions; the profile "
                "you fill in (organization, sector, expectations); how many messages you write "
                "per day."
            ),
            tr.gettext(
                "<b>Never stored:</b> the text of your messages in the group (only what you "
                "send to Minga: commands and replies to its messages)."
            ),
            tr.gettext(
                "<b>Who sees what:</b> the group sees what is shown in the group (votes, "
                "commitments, meetings, the digest); coordinators can export the group's "
                "records; only you get your own copy."
            ),
            tr.gettext(
                "<b>Removed from a group:</b> its data is kept 90 days, in case it is added "
                "back, and then deleted."
            ),
            "",
            tr.gettext("/mydata — a copy of all your data, at once (in private)"),
            tr.gettext("/forgetme — erase you from Minga (in private)"),
            tr.gettext("/export — the group's records, for coordinators"),
        ]
    )
