"""What the actors feature says: the profile form, the actor map, participation."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.actors.callbacks import PublicName, Sector, Skip
from bot.actors.labels import SECTOR_LABELS
from bot.core.i18n import Translator
from bot.core.text import in_one_line


def sector_names(tr: Translator) -> dict[str, str]:
    return {key: tr.gettext(label) for key, label in SECTOR_LABELS.items()}


def resource_names(tr: Translator) -> dict[str, str]:
    return {
        "material": tr.gettext("Material"),
        "symbolic": tr.gettext("Symbolic"),
        "human": tr.gettext("Human"),
    }


def question(tr: Translator, step: str) -> tuple[str, InlineKeyboardMarkup]:
    texts = {
        "organization": tr.gettext(
            "1/6 · Which organization are you part of, if any? Write its name."
        ),
        "sector": tr.gettext("2/6 · Which sector do you come from?"),
        "expectations": tr.gettext("3/6 · What do you expect from this coalition? A few words."),
        "material": tr.gettext(
            "4/6 · What material resources can you offer? (a place, tools, food, money…)"
        ),
        "symbolic": tr.gettext(
            "5/6 · What symbolic resources? (contacts, reputation, a voice in the media…)"
        ),
        "human": tr.gettext("6/6 · What human resources? (time, skills, people who can help…)"),
    }
    skip = InlineKeyboardButton(tr.gettext("Skip ⏭"), callback_data=Skip(step).pack())
    rows: list[list[InlineKeyboardButton]] = []
    if step == "sector":
        names = sector_names(tr)
        # one sector a row: half a row shows about 16 characters on a phone, and the labels
        # ("Civil-society organization") are longer
        rows = [
            [InlineKeyboardButton(name, callback_data=Sector(key).pack())]
            for key, name in names.items()
        ]
    rows.append([skip])
    return texts[step], InlineKeyboardMarkup(rows)


def trimmed(tr: Translator, limit: int) -> str:
    return tr.gettext("(That was long: I kept the first {limit} characters.)", limit=limit)


def summary(
    tr: Translator,
    organization: str | None,
    sector: str | None,
    expectations: str | None,
    resources: dict[str, str],
    named: bool | None = None,
) -> str:
    dash = "—"
    lines = [
        tr.gettext("✅ Thank you! This is your profile, as every group of yours will see it:"),
        tr.gettext("Organization: {value}", value=escape(organization) if organization else dash),
        tr.gettext(
            "Sector: {value}", value=sector_names(tr).get(sector or "", dash) if sector else dash
        ),
        tr.gettext("Expectations: {value}", value=escape(expectations) if expectations else dash),
    ]
    for kind, name in resource_names(tr).items():
        value = escape(resources[kind]) if kind in resources else dash
        lines.append(f"{name}: {value}")
    if named is not None:
        lines.append(public_name_line(tr, named))
    lines.append(tr.gettext("To change it: /profile · to delete it: /profile delete"))
    return "\n".join(lines)


def public_name_line(tr: Translator, named: bool) -> str:
    if named:
        return tr.gettext(
            "🌐 Public pages: your name may appear on the public page of your groups."
        )
    return tr.gettext(
        "🌐 Public pages: your name never appears there; your organization or “a member” does."
    )


def public_name_markup(tr: Translator, named: bool) -> InlineKeyboardMarkup:
    """Yes / no to being named on public pages; the current answer is ticked."""
    yes, no = tr.gettext("Name me"), tr.gettext("Do not name me")
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if named else "") + yes, callback_data=PublicName(1).pack()
                ),
                InlineKeyboardButton(
                    ("" if named else "✓ ") + no, callback_data=PublicName(0).pack()
                ),
            ]
        ]
    )


def public_name_toast(tr: Translator, named: bool) -> str:
    if named:
        return tr.gettext("Done: your name may appear on public pages.")
    return tr.gettext("Done: your name will not appear on public pages.")


def open_private(tr: Translator, bot_username: str) -> tuple[str, InlineKeyboardMarkup]:
    text = tr.gettext(
        "Your actor profile is filled in a private chat with me, so this group stays tidy."
    )
    button = InlineKeyboardButton(
        tr.gettext("Open the form"), url=f"https://t.me/{bot_username}?start=profile"
    )
    return text, InlineKeyboardMarkup([[button]])


def deleted(tr: Translator, existed: bool) -> str:
    if existed:
        return tr.gettext("Your profile is deleted. Counts of messages were never tied to text.")
    return tr.gettext("You had no profile. To make one: /profile")


def no_form(tr: Translator) -> str:
    return tr.gettext("I only read commands here. Try /help, or /profile to fill your profile.")


def use_buttons(tr: Translator) -> str:
    return tr.gettext("Choose your sector with the buttons, or skip.")


def _short(text: str, limit: int = 90) -> str:
    return in_one_line(text, limit)


def actor_map(
    tr: Translator,
    members: int,
    per_sector: dict[str, Sequence[str]],
    gaps: Sequence[str],
    without_profile: int,
    organizations: Sequence[str],
    resources: dict[str, Sequence[tuple[str, str]]],
    expectations: Sequence[tuple[str, str]],
) -> str:
    names = sector_names(tr)
    lines = [
        tr.ngettext("🗺 <b>Actor map</b> · {n} member", "🗺 <b>Actor map</b> · {n} members", members)
    ]
    lines.append("")
    lines.append("<b>" + tr.gettext("Sectors") + "</b>")
    for key, name in names.items():
        people = per_sector.get(key) or []
        if people:
            lines.append(f"• {name} ({len(people)}): {', '.join(people)}")
    if gaps:
        lines.append(
            tr.gettext("⚠️ Nobody from: {sectors} — who could we invite?",
                       sectors=", ".join(names[g] for g in gaps))
        )  # fmt: skip
    if without_profile:
        lines.append(
            tr.ngettext(
                "{n} member has no profile yet: /profile",
                "{n} members have no profile yet: /profile",
                without_profile,
            )
        )
    if organizations:
        lines += [
            "",
            "<b>" + tr.gettext("Organizations") + "</b>",
            escape(", ".join(organizations)),
        ]
    if resources:
        lines += ["", "<b>" + tr.gettext("Resources offered") + "</b>"]
        for kind, name in resource_names(tr).items():
            for who, text in resources.get(kind, []):
                lines.append(f"• {name} · {who}: {escape(_short(text))}")
    if expectations:
        lines += ["", "<b>" + tr.gettext("Expectations") + "</b>"]
        lines += [f"• {who}: {escape(_short(text))}" for who, text in expectations]
    return "\n".join(lines)


def participation(
    tr: Translator,
    rows: Sequence[tuple[str, dict[str, int]]],
    sectors: Sequence[tuple[str, dict[str, int]]],
    share: float,
    gini_value: float,
    verdict: str,
    silent: Sequence[str],
) -> str:
    legend = tr.gettext("💬 messages · 🗳 votes · 🤝 commitments taken/done · 📅 meetings")
    lines = [tr.gettext("📊 <b>Participation</b>, last 30 days"), legend, ""]
    for who, m in rows:
        lines.append(f"• {who}: {_figures(m)}")
    if sectors:
        lines += ["", "<b>" + tr.gettext("By sector") + "</b>"]
        lines += [f"• {name}: {_figures(m)}" for name, m in sectors]
    lines += [
        "",
        tr.gettext(
            "The most active 20% did {share}% of the activity; Gini {gini}.",
            share=round(share * 100),
            gini=f"{gini_value:.2f}",
        ),
        {
            "even": tr.gettext("Participation is fairly even."),
            "uneven": tr.gettext("Participation is uneven: a few carry much of the work."),
            "very_uneven": tr.gettext(
                "Participation is very unequal: a few do almost everything. Invite the others in."
            ),
            "few": tr.gettext("Too few members to read much into these figures."),
        }[verdict],
    ]
    if silent:
        lines += [
            "",
            tr.gettext(
                "🤫 Silent for four weeks — invite them in: {names}", names=", ".join(silent)
            ),
        ]
    return "\n".join(lines)


def _figures(m: dict[str, int]) -> str:
    return (
        f"💬 {m.get('messages', 0)} · 🗳 {m.get('votes', 0)} · "
        f"🤝 {m.get('commitments_taken', 0)}/{m.get('commitments_done', 0)} · "
        f"📅 {m.get('meetings', 0)}"
    )


def help_details(tr: Translator) -> list[str]:
    """/help's page on the actor map."""
    return [
        tr.gettext(
            "Each member can fill in an actor profile in private: organization, sector and "
            "what they can bring. /actors shows the group who is at the table and who is "
            "missing."
        ),
    ]
