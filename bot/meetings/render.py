"""What the meetings feature says: the slot poll, the announcement, reminders, attendance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import N_, Translator
from bot.core.moments import LOCALES, Local
from bot.core.records import frozen
from bot.core.text import in_one_line
from bot.meetings.callbacks import Attended, SlotAnswer, TakeTask
from bot.meetings.recurrence import Kind, Rule
from bot.meetings.statuses import Answer

MARKS = {Answer.YES: "✅", Answer.MAYBE: "🤔", Answer.NO: "❌"}


@frozen
class SlotView:
    id: int
    position: int
    starts_at: datetime
    place: str | None
    yes: Sequence[str]  # names (escaped mentions)
    maybe: Sequence[str]
    no: int


def slot_line(tr: Translator, slot: SlotView, local: Local) -> str:
    line = f"<b>{slot.position}.</b> {local.moment(tr, slot.starts_at)}"
    if slot.place:
        line += f" · 📍 {escape(slot.place)}"
    return line


def poll_text(
    tr: Translator, title: str, slots: Sequence[SlotView], local: Local, best: int | None
) -> str:
    lines = [tr.gettext("📅 <b>{title}</b> — when can you come?", title=escape(title)), ""]
    for slot in slots:
        lines.append(slot_line(tr, slot, local))
        counts = f"   ✅ {len(slot.yes)} · 🤔 {len(slot.maybe)} · ❌ {slot.no}"
        names = ", ".join([*slot.yes, *(f"{n} (🤔)" for n in slot.maybe)])
        lines.append(counts + (f" — {names}" if names else ""))
    lines.append("")
    if best is None:
        lines.append(tr.gettext("Answer for each option: ✅ yes · 🤔 if need be · ❌ no"))
    else:
        lines.append(tr.gettext("⭐ Best so far: option {n}", n=best))
    return "\n".join(lines)


def poll_keyboard(slots: Sequence[SlotView]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"{slot.position} {MARKS[answer]}",
                    callback_data=SlotAnswer(slot.id, answer).pack(),
                )
                for answer in Answer
            ]
            for slot in slots
        ]
    )


def poll_closed(tr: Translator, title: str, slot: SlotView | None, local: Local) -> str:
    if slot is None:
        return tr.gettext("📅 <b>{title}</b> — cancelled.", title=escape(title))
    return tr.gettext(
        "📅 <b>{title}</b> — confirmed: {slot}",
        title=escape(title),
        slot=slot_line(tr, slot, local),
    )


def _when_and_where(
    tr: Translator, starts_at: datetime, place: str | None, local: Local, *, zone: bool = False
) -> list[str]:
    """The lines of a confirmed meeting's date (`zone`: naming the group's time zone, as the
    confirmation does once) and, when it has one, its place."""
    when = local.moment(tr, starts_at)
    lines = [f"🗓 {when} ({local.zone(tr)})" if zone else f"🗓 {when}"]
    if place:
        lines.append(f"📍 {escape(place)}")
    return lines


def announcement(
    tr: Translator, title: str, slot: SlotView, local: Local, reminders: Sequence[str]
) -> str:
    lines = [
        tr.gettext("📣 <b>{title}</b> is confirmed.", title=escape(title)),
        *_when_and_where(tr, slot.starts_at, slot.place, local, zone=True),
    ]
    lines.append(tr.gettext("Open the file to add it to your calendar."))
    if reminders:
        lines.append(tr.gettext("I will remind you {times} before.", times=" · ".join(reminders)))
    return "\n".join(lines)


def reminder(
    tr: Translator,
    title: str,
    starts_at: datetime,
    place: str | None,
    local: Local,
    people: Sequence[str],
) -> str:
    lines = [
        tr.gettext("⏰ Reminder: <b>{title}</b>", title=escape(title)),
        *_when_and_where(tr, starts_at, place, local),
    ]
    if people:
        lines.append(", ".join(people))
    return "\n".join(lines)


def attendance_prompt(
    tr: Translator, title: str, meeting_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    text = tr.gettext(
        "🙌 <b>{title}</b> is over. If you were there, tap the button.", title=escape(title)
    )
    button = InlineKeyboardButton(
        tr.gettext("I attended"), callback_data=Attended(meeting_id).pack()
    )
    return text, InlineKeyboardMarkup([[button]])


def attendance_list(tr: Translator, title: str, names: Sequence[str], expected: int) -> str:
    head = tr.ngettext(
        "🙌 <b>{title}</b>: {n} person attended (of {expected} who said yes or if need be).",
        "🙌 <b>{title}</b>: {n} people attended (of {expected} who said yes or if need be).",
        len(names),
        title=escape(title),
        expected=expected,
    )
    return "\n".join([head, *(f"• {name}" for name in names)])


def minutes_saved(
    tr: Translator,
    title: str,
    minutes_id: int,
    agreed: int,
    todo: Sequence[str],
    taken: dict[int, tuple[int, str]],
    decisions: Sequence[int] = (),
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The minutes' receipt; each `Todo:` line can be taken on, becoming a commitment."""
    lines = [
        tr.gettext(
            "📝 Minutes of <b>{title}</b> saved: {agreed} and {todo}.",
            title=escape(title),
            agreed=tr.ngettext("{n} agreement", "{n} agreements", agreed),
            todo=tr.ngettext("{n} task", "{n} tasks", len(todo)),
        )
    ]
    if decisions:
        numbers = ", ".join(f"#{n}" for n in decisions)
        lines.append(tr.gettext("In the decision log as {numbers}: /decisions", numbers=numbers))
    buttons = []
    for position, task in enumerate(todo):
        if position in taken:
            number, who = taken[position]
            lines.append(f"✓ {escape(_short(task))} → #{number} {who}")
        else:
            label = "➕ " + _short(task, 40)
            buttons.append(
                [InlineKeyboardButton(label, callback_data=TakeTask(minutes_id, position).pack())]
            )
    if buttons:
        lines.append(tr.gettext("Take a task with its button: it becomes your commitment."))
    return "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


def _short(text: str, limit: int = 60) -> str:
    return in_one_line(text, limit)


def meetings_list(
    tr: Translator,
    rows: Sequence[tuple[str, datetime | None, str | None]],
    local: Local,
    repeating: Sequence[SeriesView] = (),
) -> str:
    """rows: (title, confirmed start or None while polling, link or None); `repeating`: the
    running series, listed after them."""
    if not rows and not repeating:
        return tr.gettext(
            "No meetings coming. Propose one: {example}",
            example=N_("/meeting Asamblea | jueves 19:00"),
        )
    lines = [tr.gettext("📅 <b>Coming meetings</b>")]
    for title, starts_at, link in rows:
        name = f'<a href="{escape(link)}">{escape(title)}</a>' if link else escape(title)
        status = local.moment(tr, starts_at) if starts_at else tr.gettext("choosing a date")
        lines.append(f"• {name} — {status}")
    return "\n".join([*lines, *series_list(tr, repeating)])


def cancelled(tr: Translator, title: str) -> str:
    return tr.gettext("❌ <b>{title}</b> is cancelled. Its reminders are off.", title=escape(title))


def reminders_set(tr: Translator, times: Sequence[str]) -> str:
    if not times:
        return tr.gettext("Meeting reminders are off.")
    return tr.gettext("Meeting reminders: {times} before.", times=" · ".join(times))


def help_details(
    tr: Translator, *, usage: str, minutes: Sequence[str], repeating: Sequence[str] = ()
) -> list[str]:
    """/help's page on meetings: dates split by |, repeating meetings, and the minutes' native
    line words. `usage`, `minutes` and `repeating` are the examples (N_() messages) the
    commands' errors give too."""
    return [
        tr.gettext("A meeting: its title and the dates to choose from, split by |"),
        tr.gettext(usage),
        *(
            [
                tr.gettext("A meeting that repeats (coordinators), until /meeting stop:"),
                *(tr.gettext(line) for line in repeating),
            ]
            if repeating
            else []
        ),
        tr.gettext(
            "In the minutes, a line that starts with “Agreed:” joins the decision log, and one "
            "with “Todo:” becomes a task someone can take on:"
        ),
        *(tr.gettext(line) for line in minutes),
    ]


# -- repeating meetings -------------------------------------------------------------------


def _weekday_name(tr: Translator, weekday: int) -> str:
    from babel.dates import get_day_names  # on first use: an idle bot shows no date

    return get_day_names("wide", locale=LOCALES.get(tr.lang, "es_419"))[weekday]


def _ordinal(tr: Translator, nth: int, weekday: int) -> str:
    """first … fourth, last: in Portuguese the word agrees with the weekday (o primeiro
    sábado, a primeira segunda-feira)."""
    if weekday >= 5:
        words = {
            1: tr.pgettext("before Saturday or Sunday", "first"),
            2: tr.pgettext("before Saturday or Sunday", "second"),
            3: tr.pgettext("before Saturday or Sunday", "third"),
            4: tr.pgettext("before Saturday or Sunday", "fourth"),
        }
        return words.get(nth) or tr.pgettext("before Saturday or Sunday", "last")
    words = {
        1: tr.pgettext("before Monday to Friday", "first"),
        2: tr.pgettext("before Monday to Friday", "second"),
        3: tr.pgettext("before Monday to Friday", "third"),
        4: tr.pgettext("before Monday to Friday", "fourth"),
    }
    return words.get(nth) or tr.pgettext("before Monday to Friday", "last")


def rule_text(tr: Translator, rule: Rule) -> str:
    """`weekly: Thursday, 19:00`, `monthly: first Saturday, 10:00`, `monthly: day 15, 19:00`."""
    at = f"{rule.at:%H:%M}"
    if rule.kind is Kind.MONTHLY_DAY:
        return tr.gettext("monthly: day {day}, {time}", day=rule.day, time=at)
    assert rule.weekday is not None
    weekday = _weekday_name(tr, rule.weekday)
    if rule.kind is Kind.WEEKLY:
        return tr.gettext("weekly: {weekday}, {time}", weekday=weekday, time=at)
    if rule.kind is Kind.BIWEEKLY:
        return tr.gettext("every two weeks: {weekday}, {time}", weekday=weekday, time=at)
    assert rule.nth is not None
    return tr.gettext(
        "monthly: {nth} {weekday}, {time}",
        nth=_ordinal(tr, rule.nth, rule.weekday),
        weekday=weekday,
        time=at,
    )


def series_line(tr: Translator, rule: Rule) -> str:
    """The line a repeating meeting's announcement ends with."""
    return tr.gettext("🔁 It repeats ({rule}) until /meeting stop.", rule=rule_text(tr, rule))


@frozen
class SeriesView:
    number: int
    title: str
    place: str | None
    rule: Rule


def series_item(tr: Translator, series: SeriesView) -> str:
    line = f"{series.number}. {escape(series.title)} — {rule_text(tr, series.rule)}"
    return line + (f" · 📍 {escape(series.place)}" if series.place else "")


def series_list(tr: Translator, series: Sequence[SeriesView]) -> list[str]:
    if not series:
        return []
    return ["", tr.gettext("🔁 <b>Repeating meetings</b>"), *(series_item(tr, s) for s in series)]


def series_stopped(
    tr: Translator, title: str, coming: datetime | None, local: Local, again: bool
) -> str:
    """After /meeting stop: the meeting already announced stays (its people were told)."""
    if again:
        return tr.gettext("🔁 <b>{title}</b> had already stopped repeating.", title=escape(title))
    lines = [tr.gettext("🔁 <b>{title}</b> will not repeat any more.", title=escape(title))]
    if coming is not None:
        lines.append(
            tr.gettext(
                "The one already announced, {when}, stays; to call it off: /meeting cancel",
                when=local.moment(tr, coming),
            )
        )
    return "\n".join(lines)
