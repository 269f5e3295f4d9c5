"""What reviews say: the facts without blame, the three questions, the learnings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.reviews.callbacks import TryAgain
from bot.reviews.facts import CommitmentFacts, Facts, MeetingFacts, VoteFacts, Why


def _moment(tr: Translator, moment: datetime | None, local: Local) -> str:
    return local.moment(tr, moment) if moment else "—"


def subject_line(tr: Translator, facts: Facts, local: Local) -> str:
    if isinstance(facts, CommitmentFacts):
        return _commitment_line(tr, facts, local)
    if isinstance(facts, MeetingFacts):
        return _meeting_line(tr, facts, local)
    return _vote_line(tr, facts, local)


def _commitment_line(tr: Translator, facts: CommitmentFacts, local: Local) -> str:
    head = f"📌 #{facts.number} {escape(facts.text)} — {escape(', '.join(facts.owners))}"
    if facts.why == Why.DROPPED:
        tail = tr.gettext("Dropped: {reason}", reason=escape(facts.reason or "—"))
    elif facts.why == Why.BLOCKED:
        tail = tr.gettext("Blocked for a while: {reason}", reason=escape(facts.reason or "—"))
    elif facts.days_late:
        tail = tr.ngettext(
            "Due {when}; {n} day late.",
            "Due {when}; {n} days late.",
            facts.days_late,
            when=_moment(tr, facts.due_at, local),
        )
    else:
        tail = tr.gettext("Due {when}.", when=_moment(tr, facts.due_at, local))
    return f"{head}. {tail}"


def _meeting_line(tr: Translator, facts: MeetingFacts, local: Local) -> str:
    came = (
        tr.ngettext("{n} came", "{n} came", facts.came) if facts.came else tr.gettext("nobody came")
    )
    values = {"title": escape(facts.title), "when": _moment(tr, facts.starts_at, local)}
    if facts.yes:
        line = tr.ngettext(
            "📅 {title} — {when}: of the {n} who said yes, {came}.",
            "📅 {title} — {when}: of the {n} who said yes, {came}.",
            facts.yes,
            came=came,
            **values,
        )
    else:
        line = tr.gettext("📅 {title} — {when}: nobody had said yes; {came}.", came=came, **values)
    if facts.absent:
        line += " " + tr.gettext("Did not come: {names}.", names=escape(", ".join(facts.absent)))
    return line


def _vote_line(tr: Translator, facts: VoteFacts, local: Local) -> str:
    values = {
        "question": escape(facts.question),
        "when": _moment(tr, facts.closed_at, local),
        "members": facts.members,
    }
    if facts.why == Why.MANUAL:
        line = tr.ngettext(
            "🗳 {question} — {n} of {members} voted (closing: {when}).",
            "🗳 {question} — {n} of {members} voted (closing: {when}).",
            facts.voters,
            **values,
        )
    else:
        line = tr.ngettext(
            "🗳 {question} — closed {when} without quorum: {n} of {members} voted.",
            "🗳 {question} — closed {when} without quorum: {n} of {members} voted.",
            facts.voters,
            **values,
        )
    if facts.missing:
        line += " " + tr.gettext("Did not vote: {names}.", names=escape(", ".join(facts.missing)))
    return line


def questions(tr: Translator) -> list[str]:
    return [
        tr.gettext("1. What got in the way?"),
        tr.gettext("2. What do we change?"),
        tr.gettext("3. Do we try again?"),
    ]


def review_text(tr: Translator, *, periodic: bool, lines: Sequence[str]) -> str:
    head = (
        tr.gettext("🔁 <b>Review of the period</b>: what did not go as planned, without blame.")
        if periodic
        else tr.gettext("🔁 <b>Let's review</b> what did not go as planned, without blame.")
    )
    return "\n".join(
        [
            head,
            "",
            *lines,
            "",
            *questions(tr),
            "",
            tr.gettext(
                "Answer by replying to this message; start with 1, 2 or 3 to pick a question."
            ),
        ]
    )


def try_again_keyboard(
    tr: Translator, subjects: Sequence[tuple[int, Facts]]
) -> InlineKeyboardMarkup | None:
    rows = []
    for subject_id, facts in subjects:
        if isinstance(facts, CommitmentFacts):
            label = tr.gettext("🔁 Re-plan #{number}", number=facts.number)
        elif isinstance(facts, MeetingFacts):
            label = tr.gettext("🔁 New date for {title}", title=facts.title[:30])
        else:
            label = tr.gettext("🔁 Vote again: {question}", question=facts.question[:30])
        rows.append([InlineKeyboardButton(label, callback_data=TryAgain(subject_id).pack())])
    return InlineKeyboardMarkup(rows) if rows else None


def replan_prompt(tr: Translator, facts: Facts) -> str:
    if isinstance(facts, CommitmentFacts):
        return tr.gettext(
            "🔁 Re-plan #{number}: reply to this message with the new date, and @names if the "
            "owners change. Example: viernes 18:00 @ana",
            number=facts.number,
        )
    if isinstance(facts, VoteFacts):
        return tr.gettext(
            "🔁 Vote again on “{question}”: reply to this message with the new deadline. "
            "Example: 48h",
            question=escape(facts.question),
        )
    return tr.gettext(
        "🔁 New date for {title}: reply to this message with the options. "
        "Example: jueves 19:00 @ Club | sábado 10hs",
        title=escape(facts.title),
    )


def replanned(tr: Translator, attempt: int, number: int) -> str:
    return tr.gettext(
        "🔁 Try number {attempt}: commitment #{number}.", attempt=attempt, number=number
    )


def learnings_text(
    tr: Translator,
    summary: str,
    subjects: Sequence[str],
    answers: dict[int, Sequence[tuple[str, str, bool]]],
) -> str:
    lines = [tr.gettext("📚 <b>What we learnt</b>"), escape(summary), ""]
    lines += subjects
    for number, question in zip((1, 2, 3), questions(tr), strict=True):
        given = answers.get(number) or []
        if not given:
            continue
        lines += ["", f"<b>{escape(question)}</b>"]
        for who, text, late in given:
            mark = " " + tr.gettext("(after closing)") if late else ""
            lines.append(f"• {who}: {escape(text)}{mark}")
    return "\n".join(lines)


def lessons_text(tr: Translator, rows: Sequence[tuple[datetime, str, int]], local: Local) -> str:
    if not rows:
        return tr.gettext("No closed reviews yet. When one closes, its learnings are kept here.")
    lines = [tr.gettext("📚 <b>Lessons</b>")]
    for closed_at, summary, answers in rows:
        count = tr.ngettext("{n} answer", "{n} answers", answers)
        lines.append(f"• {local.moment(tr, closed_at)} — {escape(summary)} ({count})")
    return "\n".join(lines)


def help_details(tr: Translator) -> list[str]:
    """/help's page on reviews."""
    return [
        tr.gettext(
            "When a commitment runs late or a vote ends without quorum, I open a review: "
            "reply to it with what got in the way and what to try next. The group's "
            "learnings stay in /lessons."
        ),
        tr.gettext("A coordinator opens one on anything by replying to it with /review."),
    ]
