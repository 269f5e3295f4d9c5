"""What the groups feature says: HTML text and buttons, in the chat's language."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import LANGUAGE_NAMES, LANGUAGES, Translator
from bot.core.moments import Local
from bot.groups.callbacks import ChangeZone, SetLanguage, SetZone, SetZoneAsAdmin


def greeting(tr: Translator, title: str | None, local: Local, *, admin: bool) -> str:
    """The first message in a new group; it names the time zone the group starts on, and asks
    to be made admin only when the bot was not added as one."""
    return "\n".join(
        [
            tr.gettext("👋 Hello, {group}!", group=f"<b>{escape(title or '')}</b>")
            if title
            else tr.gettext("👋 Hello!"),
            tr.gettext(
                "I am Minga. I help this group work as a council: chat rules, open votes, "
                "positions, meetings, commitments and reviews, all kept in one place."
            ),
            tr.gettext("Start with /help.")
            if admin
            else tr.gettext(
                "Start with /help. To see reactions and pin the rules, I need to be an admin."
            ),
            privacy_line(tr),
            "",
            zone_line(tr, local),
        ]
    )


def zone_line(tr: Translator, local: Local) -> str:
    return tr.gettext(
        "🕒 I go by {zone} (it is {time} there). Not yours? Pick it below, or any other with "
        "/timezone, for example {example}",
        zone=local.zone(tr),
        time=local.now.astimezone(ZoneInfo(local.timezone)).strftime("%H:%M"),
        example="/timezone America/Lima",
    )


def zone_keyboard(
    zones: Sequence[tuple[str, str, str]],
    current: str,
    kind: type[SetZone] | type[SetZoneAsAdmin] | type[ChangeZone] = SetZone,
) -> InlineKeyboardMarkup:
    """The common zones of the group's language — (key, zone, city) — two a row; the current
    one ticked. `kind`: the greeting's buttons (sent as admin or not), or `/timezone`'s."""
    buttons = [
        InlineKeyboardButton(
            ("✓ " if zone == current else "") + city, callback_data=kind(key=key).pack()
        )
        for key, zone, city in zones
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def privacy_line(tr: Translator) -> str:
    return tr.gettext(
        "🔒 I never keep the conversation's messages, only what you send me. What I store, "
        "and how to get or erase it: /privacy"
    )


def language_set(tr: Translator, lang: str, *, private: bool) -> str:
    name = LANGUAGE_NAMES[lang]
    if private:
        return tr.gettext("Done: I will write to you in {language}.", language=name)
    return tr.gettext("Done: this group's language is now {language}.", language=name)


def language_prompt(tr: Translator, current: str) -> tuple[str, InlineKeyboardMarkup]:
    text = tr.gettext(
        "The language now is {language}. Choose another one, or type it: /language pt",
        language=LANGUAGE_NAMES[current],
    )
    buttons = [
        InlineKeyboardButton(
            ("✓ " if lang == current else "") + LANGUAGE_NAMES[lang],
            callback_data=SetLanguage(lang=lang).pack(),
        )
        for lang in LANGUAGES
    ]
    return text, InlineKeyboardMarkup([buttons])


def timezone_set(tr: Translator, local: Local) -> str:
    return tr.gettext(
        "Done: this group now uses {name} ({zone}; it is {time} there).",
        name=escape(local.zone(tr)),
        zone=escape(local.timezone),
        time=_clock(local),
    )


def timezone_current(tr: Translator, local: Local, example: str) -> str:
    return tr.gettext(
        "This group uses {name} ({zone}; it is {time} there). To change it, choose below, or "
        "any other zone: /timezone {example}",
        name=escape(local.zone(tr)),
        zone=escape(local.timezone),
        time=_clock(local),
        example=example,
    )


def _clock(local: Local) -> str:
    return local.now.astimezone(ZoneInfo(local.timezone)).strftime("%H:%M")


def coordinator_added(tr: Translator, who: str) -> str:
    return tr.gettext("{person} is now a coordinator of this group.", person=who)


def coordinator_already(tr: Translator, who: str) -> str:
    return tr.gettext("{person} is already a coordinator.", person=who)


def coordinator_removed(tr: Translator, who: str) -> str:
    return tr.gettext("{person} is no longer a coordinator.", person=who)


def coordinator_not(tr: Translator, who: str) -> str:
    return tr.gettext("{person} was not a coordinator.", person=who)


def coordinator_is_admin(tr: Translator, who: str) -> str:
    return tr.gettext(
        "{person} is a group admin, so they stay a coordinator while they are admin.",
        person=who,
    )


def coordinators_list(tr: Translator, people: Sequence[str]) -> str:
    if people:
        lines = [
            tr.ngettext(
                "<b>Coordinators</b>: the group's admins and {n} member:",
                "<b>Coordinators</b>: the group's admins and {n} members:",
                len(people),
            )
        ]
        lines += [f"• {who}" for who in people]
    else:
        lines = [tr.gettext("<b>Coordinators</b>: the group's admins, nobody else yet.")]
    lines += [
        "",
        tr.gettext(
            "To add one, reply to their message with /coordinator add, or: {example}",
            example="/coordinator add @ana",
        ),
    ]
    return "\n".join(lines)


def help_details(tr: Translator) -> list[str]:
    """/help's settings page: what coordinators set, with examples."""
    return [
        tr.gettext(
            "Coordinators choose the language and time zone I use in the group. Quiet hours "
            "are part of the chat rules: {example}",
            example="/rules quiet 22:00-08:00",
        ),
        tr.gettext(
            "In private, /language sets the language I use with you; /profile is your actor "
            "profile."
        ),
    ]


def observer_added(tr: Translator, who: str) -> str:
    return tr.gettext(
        "{person} now follows the group as an observer: they read and react, "
        "but do not vote and are not counted for quorum.",
        person=who,
    )


def observer_already(tr: Translator, who: str) -> str:
    return tr.gettext("{person} is already an observer.", person=who)


def observer_removed(tr: Translator, who: str) -> str:
    return tr.gettext("{person} is no longer an observer and takes part as a member.", person=who)


def observer_not(tr: Translator, who: str) -> str:
    return tr.gettext("{person} was not an observer.", person=who)


def observer_is_coordinator(tr: Translator, who: str) -> str:
    return tr.gettext(
        "{person} coordinates this group, and coordinators decide, so they stay a "
        "coordinator. To make them an observer, first: /coordinator remove",
        person=who,
    )


def observers_list(tr: Translator, people: Sequence[str]) -> str:
    if people:
        lines = [
            tr.ngettext(
                "<b>Observers</b> (they follow, but do not decide): {n} person",
                "<b>Observers</b> (they follow, but do not decide): {n} people",
                len(people),
            )
        ]
        lines += [f"• {who}" for who in people]
    else:
        lines = [tr.gettext("<b>Observers</b> (they follow, but do not decide): nobody yet.")]
    lines += [
        "",
        tr.gettext(
            "To add one, reply to their message with /observer add, or: {example}",
            example="/observer add @ana",
        ),
    ]
    return "\n".join(lines)


def member_added(tr: Translator, name: str) -> str:
    return tr.gettext(
        "{name} is now a member without Telegram. A coordinator records their position "
        "replying to the vote: /vote “{name}” agree",
        name=escape(name),
    )


def member_already(tr: Translator, name: str) -> str:
    return tr.gettext("{name} is already a member of this group.", name=escape(name))


def member_removed(tr: Translator, name: str) -> str:
    return tr.gettext("{name} is no longer a member of this group.", name=escape(name))


def member_not(tr: Translator, name: str) -> str:
    return tr.gettext("There is no member without Telegram called {name} here.", name=escape(name))


def offline_list(tr: Translator, names: Sequence[str]) -> str:
    if not names:
        return tr.gettext(
            "<b>Members without Telegram</b>: nobody yet. To add one: {example}",
            example='/member add "Doña Rosa"',
        )
    lines = [
        tr.ngettext(
            "<b>Members without Telegram</b>: {n} person",
            "<b>Members without Telegram</b>: {n} people",
            len(names),
        )
    ]
    lines += [f"• {escape(name)}" for name in names]
    return "\n".join(lines)
