"""What the charter feature says: the charter itself, notices, history, welcomes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.charter.callbacks import Accept
from bot.core.i18n import N_, Translator
from bot.core.messenger import TEXT_LIMIT, split_text, utf16_len
from bot.core.moments import Local
from bot.core.people import mention, person_name
from bot.core.records import frozen
from bot.core.text import shorten

EXAMPLES = (  # in the reader's language (the command words stay)
    N_("/rules goals Recuperar la plaza del barrio"),
    N_("/rules schedule Reuniones los jueves 19:00; el chat, de 8 a 21"),
    N_("/rules add Respetamos los turnos para hablar"),
    "/rules remove 2",
    N_("/rules methods Decidimos por consenso; si no hay, votamos"),
    "/rules quiet 22:00-08:00",
    N_("/rules propose add Respetamos los turnos para hablar closes 48h"),
)


@frozen
class CharterView:
    """Plain values of one version, for rendering."""

    id: int
    number: int
    goals: str
    schedule: str
    rules: Sequence[str]
    methods: str
    created_at: datetime


def _body(text: str, tr: Translator) -> str:
    if text:
        return escape(text)
    return "<i>" + tr.gettext("(not written yet)") + "</i>"


def _titles(tr: Translator) -> dict[str, str]:
    """Section headings (gettext calls stay out of f-strings, where extraction misses them)."""
    return {
        "goals": tr.gettext("🎯 Goals"),
        "schedule": tr.gettext("🗓 Schedule"),
        "rules": tr.gettext("🤝 Coexistence rules"),
        "methods": tr.gettext("⚙️ Working methods"),
    }


def charter_blocks(
    tr: Translator,
    charter: CharterView,
    local: Local,
    accepted: int,
    members: int,
    quiet: str | None,
) -> list[str]:
    """The charter as blocks that each fit in a message: header, the four sections, footer."""
    header = tr.gettext(
        "📜 <b>Chat rules</b> · version {number} · {date}",
        number=charter.number,
        date=local.day(tr, charter.created_at),
    )
    schedule = _body(charter.schedule, tr)
    if quiet:
        schedule += "\n" + tr.gettext("🌙 Quiet hours: {hours}", hours=quiet)
    if charter.rules:
        rules = "\n".join(f"{n}. {escape(rule)}" for n, rule in enumerate(charter.rules, 1))
    else:
        rules = _body("", tr)
    footer = tr.ngettext(
        "✅ {n} of {members} has accepted this version.",
        "✅ {n} of {members} have accepted this version.",
        accepted,
        members=members,
    )
    title = _titles(tr)
    return [
        header,
        f"<b>{title['goals']}</b>\n{_body(charter.goals, tr)}",
        f"<b>{title['schedule']}</b>\n{schedule}",
        f"<b>{title['rules']}</b>\n{rules}",
        f"<b>{title['methods']}</b>\n{_body(charter.methods, tr)}",
        footer,
    ]


def pack(blocks: Sequence[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Join blocks into as few messages as fit, cutting only between blocks."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and utf16_len(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def accept_keyboard(tr: Translator, version_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(tr.gettext("✅ I accept"), callback_data=Accept(version_id).pack())]]
    )


def no_charter(tr: Translator) -> str:
    return "\n".join(
        [
            tr.gettext("This group has no chat rules yet. Coordinators write them like this:"),
            *(tr.gettext(e) for e in EXAMPLES[:3]),
        ]
    )


@frozen
class ChangeLine:
    """One version's change, as a notice names it."""

    change: str  # goals | schedule | methods | rule_added | rule_removed
    detail: str
    author: str | None  # a name, plain
    by_vote: bool


# Telegram notifies only the first few people mentioned in one message: the notice links that
# many, names a few more, and counts the rest
MENTIONS = 5
NAMES = 12


def version_notice(
    tr: Translator,
    number: int,
    changes: Sequence[ChangeLine],
    previous: int,
    asked: Sequence[tuple[int, str, str | None]],
) -> str:
    """The one message of a new version (or of changes close together): what changed, and a
    request to those who accepted version `previous` (asked: id, first and last name)."""
    items = []
    for c in changes:
        who = (
            tr.gettext("by vote") if c.by_vote else escape(c.author or tr.gettext("a coordinator"))
        )
        items.append(f"{_change(tr, c.change, c.detail)} ({who})")
    lines = [
        tr.gettext(
            "📜 Chat rules, version {number}. Read them with /rules and accept them with the "
            "button.",
            number=number,
        ),
        tr.ngettext(
            "Changed: {changes}", "Changes: {changes}", len(items), changes="; ".join(items)
        ),
    ]
    if asked:
        lines.append(
            tr.ngettext(
                "🙋 {names}: you accepted version {previous}; do you accept the new one too?",
                "🙋 {names}: you accepted version {previous}; do you accept the new one too?",
                len(asked),
                names=_compact(tr, asked),
                previous=previous,
            )
        )
    return "\n".join(lines)


def _compact(tr: Translator, people: Sequence[tuple[int, str, str | None]]) -> str:
    shown = [mention(*p) for p in people[:MENTIONS]]
    shown += [escape(person_name(first, last)) for _, first, last in people[MENTIONS:NAMES]]
    names, more = ", ".join(shown), len(people) - len(shown)
    if not more:
        return names
    return tr.ngettext("{names} and {n} more", "{names} and {n} more", more, names=names)


def _change(tr: Translator, change: str, detail: str, width: int = 50) -> str:
    """`schedule`, `rule added: Respetamos los turnos…`: a change in a few words."""
    what = {
        "goals": tr.gettext("goals"),
        "schedule": tr.gettext("schedule"),
        "methods": tr.gettext("working methods"),
        "rule_added": tr.gettext("rule added"),
        "rule_removed": tr.gettext("rule removed"),
    }.get(change, tr.gettext("amended"))
    return f"{what}: {escape(_short(detail, width))}" if change.startswith("rule") else what


def _short(text: str, limit: int = 80) -> str:
    return shorten(text.splitlines()[0] if text else "", limit)


def history_text(
    tr: Translator, rows: Sequence[tuple[int, datetime, str, str, str | None]], local: Local
) -> str:
    """rows: (number, created_at, change, detail, author name)."""
    lines = [tr.gettext("📜 <b>Versions of the chat rules</b>")]
    for number, created_at, change, detail, author in rows:
        lines.append(
            tr.gettext(
                "v{number} · {date} · {what} · {author}",
                number=number,
                date=local.day(tr, created_at),
                what=_change(tr, change, detail),
                author=escape(author) if author else "—",
            )
        )
    return "\n".join(lines)


def pending_text(tr: Translator, number: int, names: Sequence[str]) -> str:
    if not names:
        return tr.gettext("Everyone has accepted version {number} of the rules. 🎉", number=number)
    head = tr.ngettext(
        "{n} member has not accepted version {number} yet:",
        "{n} members have not accepted version {number} yet:",
        len(names),
        number=number,
    )
    return "\n".join([head, *(f"• {name}" for name in names)])


def welcome_text(tr: Translator, names: Sequence[str], charter: CharterView) -> str:
    title = _titles(tr)
    n = len(names)  # one newcomer or several: Spanish and Portuguese say it differently
    lines = [
        tr.ngettext(
            "👋 Welcome to the group, {names}!",
            "👋 Welcome to the group, {names}!",
            n,
            names=", ".join(names),
        )
    ]
    if charter.goals:
        lines += ["", f"<b>{title['goals']}</b>", escape(charter.goals)]
    if charter.rules:
        lines += ["", f"<b>{title['rules']}</b>"]
        lines += [f"{n}. {escape(rule)}" for n, rule in enumerate(charter.rules, 1)]
    lines += [
        "",
        tr.ngettext(
            "Read them and accept them with the button. All the rules: /rules",
            "Read them and accept them with the button, each of you. All the rules: /rules",
            n,
        ),
    ]
    text = "\n".join(lines)
    # a very long charter: the welcome keeps what fits, /rules has it all
    return text if utf16_len(text) <= TEXT_LIMIT else split_text(text, TEXT_LIMIT - 10)[0] + "\n…"


def pin_hint(tr: Translator) -> str:
    return tr.gettext(
        "I could not pin the rules. To let me, make me an admin with the right to pin messages."
    )


def quiet_set(tr: Translator, hours: str) -> str:
    return tr.gettext(
        "🌙 Quiet hours: {hours}. In that time I send nothing that can wait.", hours=hours
    )


def quiet_off(tr: Translator) -> str:
    return tr.gettext("🌙 Quiet hours are off.")


def usage(tr: Translator) -> str:
    examples = [tr.gettext(e) for e in EXAMPLES]
    return "\n".join([tr.gettext("I did not understand. Try one of these:"), *examples])


def amendment_question(tr: Translator, section: str, text: str) -> str:
    """The question of a proposed charter change (stored as plain text, like any question)."""
    what = {
        "goals": tr.gettext("Change the chat rules — new goals: {text}", text=text),
        "schedule": tr.gettext("Change the chat rules — new schedule: {text}", text=text),
        "methods": tr.gettext("Change the chat rules — new working methods: {text}", text=text),
    }
    return what.get(section) or tr.gettext("Change the chat rules — add a rule: {text}", text=text)


def help_details(tr: Translator) -> list[str]:
    """/help's page on the chat rules: how they are read, accepted, changed and voted."""
    return [
        tr.gettext(
            "Everyone reads them with /rules and accepts each version with its button. "
            "Coordinators write them, for example:"
        ),
        tr.gettext(EXAMPLES[0]),
        tr.gettext(EXAMPLES[2]),
        tr.gettext(
            "Anyone can put a change to the vote; “closes” says how long the vote lasts: {example}",
            example=EXAMPLES[-1],
        ),
    ]
