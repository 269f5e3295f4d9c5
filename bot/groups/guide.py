"""/help and private /start: a short list by topic with a button per topic, each topic's page
(edited in place of the list), and the private greeting. Topics come from the features that
declare them (`HelpTopic`), so this module imports none of them."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import CommandSpec, HelpTopic, Translator
from bot.groups.callbacks import HelpIndex, HelpPage
from bot.groups.render import privacy_line

ROW = 3  # topic buttons a row: short labels, three fit a phone
GROUPS_NAMED = 5  # on a private /start; the rest are counted


def ordered(topics: Sequence[HelpTopic]) -> list[HelpTopic]:
    return sorted(topics, key=lambda t: t.order)


def index(
    tr: Translator, topics: Sequence[HelpTopic], specs: Sequence[CommandSpec], *, private: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """The short list: one line per topic, and a button per topic."""
    lines = [tr.gettext("<b>Minga</b> — what you can ask me, by topic:")]
    lines += [
        " — ".join([escape(tr.gettext(t.label)), escape(tr.gettext(t.summary))])
        for t in ordered(topics)
    ]
    if private:
        own = [s.command for s in specs if s.in_private and s.command not in {"start", "help"}]
        lines += ["", tr.gettext("Here, in private: {commands}", commands=_commands(own))]
    lines += ["", tr.gettext("Press a topic to see its commands and examples.")]
    return "\n".join(lines), index_keyboard(tr, topics)


def index_keyboard(tr: Translator, topics: Sequence[HelpTopic]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(tr.gettext(t.label), callback_data=HelpPage(key=t.key).pack())
        for t in ordered(topics)
    ]
    return InlineKeyboardMarkup([buttons[i : i + ROW] for i in range(0, len(buttons), ROW)])


def page(
    tr: Translator, topic: HelpTopic, specs: Sequence[CommandSpec]
) -> tuple[str, InlineKeyboardMarkup]:
    """One topic: how to say things (the native words, with examples), then its commands,
    coordinators' last."""
    label = tr.gettext(topic.label)  # marked with N_() where the topic is declared
    lines = [f"<b>{escape(label)}</b>", *topic.details(tr)]
    mine = [
        s for s in specs if s.topic == topic.key and (not s.languages or tr.lang in s.languages)
    ]
    everyone = [s for s in mine if not s.coordinator]
    coordinators = [s for s in mine if s.coordinator]
    if everyone:
        lines += [""] + [_command(tr, s) for s in everyone]
    if coordinators:
        lines += ["", tr.gettext("<b>For coordinators</b>")]
        lines += [_command(tr, s) for s in coordinators]
    back = InlineKeyboardButton(tr.gettext("⬅️ All topics"), callback_data=HelpIndex().pack())
    return "\n".join(lines), InlineKeyboardMarkup([[back]])


def _command(tr: Translator, spec: CommandSpec) -> str:
    description = tr.gettext(spec.description)  # marked with N_() where it is declared
    return f"/{spec.command} — {escape(description)}"


def _commands(commands: Sequence[str]) -> str:
    return " · ".join(f"/{c}" for c in commands)


def start_private(
    tr: Translator, first_name: str, groups: Sequence[str], more: Sequence[str]
) -> str:
    """Private /start: what Minga is, the groups the person shares with it (or, sharing none,
    how to add it to one), what other features add (`more`: open commitments…), and /help."""
    lines = [
        tr.gettext(
            "👋 Hi, {name}! I am Minga: I help a coalition's group chat work as a council.",
            name=escape(first_name),
        )
    ]
    if groups:
        names = ", ".join(f"<b>{escape(g)}</b>" for g in groups[:GROUPS_NAMED])
        if len(groups) > GROUPS_NAMED:
            names = tr.ngettext(
                "{names} and {n} more", "{names} and {n} more", len(groups) - GROUPS_NAMED,
                names=names,
            )  # fmt: skip
        lines.append(
            tr.ngettext(
                "🏘 The group we share: {names}",
                "🏘 The groups we share: {names}",
                len(groups),
                names=names,
            )
        )
    else:
        lines.append(
            tr.gettext(
                "To begin, add me to your group: open it, tap its name, then Add members, and "
                "look for me."
            )
        )
    lines += more
    lines.append(privacy_line(tr))
    lines.append(tr.gettext("What you can ask me: /help"))
    return "\n".join(lines)
