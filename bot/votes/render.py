"""What the votes feature says: the vote message, results, lists, reminders, toasts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import mention_html

from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.core.people import is_offline, person_name
from bot.core.text import shorten
from bot.votes import ballot_render, rules
from bot.votes.callbacks import Choose, ToCommitment
from bot.votes.rules import OutcomeKind, VoteKind
from bot.votes.views import AGREEMENT, DecisionLine, Voter, VoteView

NAMES_SHOWN = 12  # per option in the vote message; the rest is "+N"
REASONS_SHOWN = 20  # in the posted result; /decision shows all
MENTIONS_SHOWN = 30  # in a reminder
QUESTION_IN_LIST = 80


def proposal_labels(tr: Translator) -> list[str]:
    return [
        tr.gettext("✅ Agree"),
        tr.gettext("🤷 Abstain"),
        tr.gettext("👎 Disagree"),
        tr.gettext("⛔ Block"),
    ]


def option_labels(tr: Translator, kind: str, options: Sequence[str]) -> list[str]:
    if kind == VoteKind.PROPOSAL:
        return proposal_labels(tr)
    return list(options)


def message_link(chat_id: int, message_id: int | None) -> str | None:
    """A t.me link to a message of a supergroup (basic groups have none)."""
    raw = str(chat_id)
    if message_id is None or not raw.startswith("-100"):
        return None
    return f"https://t.me/c/{raw[4:]}/{message_id}"


def name(voter: Voter) -> str:
    return escape(person_name(voter.first_name, voter.last_name))


def short(text: str, limit: int = QUESTION_IN_LIST) -> str:
    return shorten(text, limit)


def recorded(tr: Translator, voter: Voter, local: Local | None = None) -> str:
    """` (✍ registered by Marta)` after a position a coordinator recorded (with when, given
    `local`: the decision log's page); nothing after a member's own."""
    if voter.recorded_by is None:
        return ""
    by = escape(voter.recorded_by) or tr.gettext("the group (anonymous admin)")
    if local is not None and voter.recorded_at is not None:
        when = local.moment(tr, voter.recorded_at)
        return " " + tr.gettext("(✍ registered by {name}, {when})", name=by, when=when)
    return " " + tr.gettext("(✍ registered by {name})", name=by)


def _names(tr: Translator, voters: Sequence[Voter]) -> str:
    shown = [name(v) + (" ✍" if v.reason else "") + recorded(tr, v) for v in voters[:NAMES_SHOWN]]
    rest = len(voters) - len(shown)
    if rest > 0:
        shown.append(tr.ngettext("and {n} more", "and {n} more", rest))
    return ", ".join(shown)


def _voters_by_option(v: VoteView) -> list[list[Voter]]:
    by_option: list[list[Voter]] = [[] for _ in range(v.n_options)]
    for voter in v.voters:
        for option in rules.options_of(voter.choices):
            if option < v.n_options:
                by_option[option].append(voter)
    return by_option


def _header(tr: Translator, v: VoteView) -> str:
    if v.kind == VoteKind.PROPOSAL:
        title = tr.gettext("🗳 <b>Proposal</b>")
    elif v.multi:
        title = tr.gettext("📊 <b>Poll</b> (you can pick several)")
    else:
        title = tr.gettext("📊 <b>Poll</b>")
    return f"{title}\n<b>{escape(v.question)}</b>"


def _rules_line(tr: Translator, v: VoteView, local: Local) -> str:
    parts = [tr.gettext("Closes {when}", when=local.moment(tr, v.closes_at, relative=True))]
    if v.quorum is not None:
        parts.append(tr.gettext("quorum {quorum}% of the members", quorum=v.quorum))
    if v.anonymous:
        parts.append(tr.gettext("anonymous: counts only, no names"))
    return " · ".join(parts)


def vote_message(
    tr: Translator, v: VoteView, now: datetime
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The vote as it stands at `now`: tally, who chose what (unless anonymous), who has not
    voted."""
    local = Local(v.timezone, now)
    if v.kind in rules.BALLOT_KINDS:
        return ballot_render.card(tr, v, local, _rules_line(tr, v, local))
    labels = option_labels(tr, v.kind, v.options)
    by_option = _voters_by_option(v)
    lines = [_header(tr, v), ""]
    for label, voters in zip(labels, by_option, strict=True):
        line = f"{escape(label)}: <b>{len(voters)}</b>"
        if voters and not v.anonymous:
            line += " — " + _names(tr, voters)
        lines.append(line)
    voted = len(v.voters)
    lines += [
        "",
        tr.gettext(
            "Voted: {voted} · not yet: {missing}", voted=voted, missing=max(v.members - voted, 0)
        ),
    ]
    if v.closed_at is not None:
        lines.append(tr.gettext("Closed {when}.", when=local.moment(tr, v.closed_at)))
        return "\n".join(lines), None
    lines.append(_rules_line(tr, v, local))
    if v.kind == VoteKind.PROPOSAL:
        lines.append(tr.gettext("A Block needs a reason: reply to this message with it."))
    else:
        lines.append(tr.gettext("To give your reason, reply to this message."))
    buttons = [
        InlineKeyboardButton(short(label, 40), callback_data=Choose(vote=v.id, option=i).pack())
        for i, label in enumerate(labels)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def outcome_text(
    tr: Translator, kind: str, outcome: str, options: Sequence[str], winners: Sequence[int]
) -> str:
    if outcome == OutcomeKind.PASSED:
        return tr.gettext("✅ Passed")
    if outcome == OutcomeKind.NOT_PASSED:
        return tr.gettext("❌ Not passed")
    if outcome == OutcomeKind.BLOCKED:
        return tr.pgettext("vote", "⛔ Blocked")
    if outcome == OutcomeKind.NO_QUORUM:
        return tr.gettext("⚠️ No quorum")
    if outcome == OutcomeKind.NO_VOTES:
        return tr.gettext("Nobody voted")
    picked = ", ".join(f"“{escape(options[i])}”" for i in winners if i < len(options))
    if outcome == OutcomeKind.TIE:
        return tr.gettext("🤝 Tie between {options}", options=picked)
    return tr.gettext("🏆 Winner: {option}", option=picked)


def _counts_line(tr: Translator, v: VoteView, counts: Sequence[int]) -> str:
    labels = option_labels(tr, v.kind, v.options)
    return " · ".join(
        f"{escape(short(label, 40))} {count}" for label, count in zip(labels, counts, strict=True)
    )


def _reasons(tr: Translator, v: VoteView, limit: int | None) -> list[str]:
    labels = option_labels(tr, v.kind, v.options)
    with_reason = [voter for voter in v.voters if voter.reason]
    shown = with_reason if limit is None else with_reason[:limit]
    lines = []
    for voter in shown:
        chosen = ", ".join(
            escape(short(labels[i], 40)) for i in rules.options_of(voter.choices) if i < len(labels)
        )
        if v.kind in rules.BALLOT_KINDS:
            chosen = ballot_render.ballot_text(v, voter.choices)
        who = tr.gettext("someone") if v.anonymous else name(voter)
        lines.append(f"• {who} ({chosen}): <i>{escape(voter.reason or '')}</i>")
    rest = len(with_reason) - len(shown)
    if rest > 0:
        lines.append(
            tr.ngettext(
                "and {n} more reason: /decision {number}",
                "and {n} more reasons: /decision {number}",
                rest,
                number=v.decision_number,
            )
        )
    return lines


def result(
    tr: Translator,
    v: VoteView,
    outcome: rules.Outcome,
    now: datetime,
    *,
    full: bool = False,
    sense: Sequence[tuple[str, int]] = (),
) -> str:
    """The posted result of a closed vote (and, `full`, the page of /decision n). `sense`:
    (translated meaning, count) of the reactions on the vote message, shown apart."""
    lines = [
        tr.gettext(
            "🗳 <b>Decision #{number}</b>: {question}",
            number=v.decision_number,
            question=escape(v.question),
        ),
        "<b>" + outcome_text(tr, v.kind, outcome.kind, v.options, outcome.winners) + "</b>",
        *(
            ballot_render.result_lines(tr, v, outcome)
            if v.kind in rules.BALLOT_KINDS
            else [_counts_line(tr, v, outcome.counts)]
        ),
        tr.ngettext(
            "Voted: {voted} of {n} member.",
            "Voted: {voted} of {n} members.",
            outcome.members,
            voted=outcome.voters,
        ),
    ]
    if v.quorum is not None:
        lines.append(tr.gettext("Quorum asked: {quorum}%.", quorum=v.quorum))
    if v.charter_version is not None:
        lines.append(
            tr.gettext(
                "📜 The chat rules now have version {number}. Read them with /rules",
                number=v.charter_version,
            )
        )
    elif v.amendment:
        lines.append(tr.gettext("📜 The chat rules stay as they were."))
    if outcome.blocks_counted_as_disagree:
        lines.append(tr.gettext("A Block without a reason counted as Disagree."))
    if full and not v.anonymous and v.kind in rules.BALLOT_KINDS:
        lines += ["", *ballot_render.ballot_names(tr, v)]
    elif full and not v.anonymous:
        labels = option_labels(tr, v.kind, v.options)
        lines.append("")
        for label, voters in zip(labels, _voters_by_option(v), strict=True):
            if voters:
                local = Local(v.timezone, now)
                names = ", ".join(name(x) + recorded(tr, x, local) for x in voters)
                lines.append(f"{escape(label)}: {names}")
    reasons = _reasons(tr, v, None if full else REASONS_SHOWN)
    if reasons:
        lines += ["", tr.gettext("<b>Reasons</b>"), *reasons]
    if sense:
        room = " · ".join(f"{escape(label)} {count}" for label, count in sense)
        lines += [
            "",
            tr.gettext("👀 Sense check from reactions, not part of the vote: {room}", room=room),
        ]
    if v.closed_at is not None:
        closed = Local(v.timezone, now).moment(tr, v.closed_at)
        lines.append("\n" + tr.gettext("Closed {when}.", when=closed))
    link = message_link(v.chat_id, v.message_id)
    if full and link:
        lines.append(f'<a href="{link}">' + tr.gettext("The vote message") + "</a>")
    return "\n".join(lines)


def open_list(
    tr: Translator, votes: Sequence[tuple[str, datetime, str | None]], local: Local
) -> str:
    """(question, closes_at, link) of each open vote."""
    if not votes:
        return tr.gettext(
            "Nothing is open to vote right now. Start with /propose or /poll, for example: "
            "{example}",
            example=escape(tr.gettext(rules.PROPOSAL_EXAMPLE)),
        )
    lines = [tr.gettext("<b>Open votes</b>")]
    for question, closes_at, link in votes:
        title = escape(short(question))
        if link:
            title = f'<a href="{link}">{title}</a>'
        lines.append(
            "• "
            + tr.gettext("{vote} — closes {when}", vote=title, when=local.moment(tr, closes_at))
        )
    return "\n".join(lines)


def decision_list(tr: Translator, items: Sequence[DecisionLine], local: Local) -> str:
    if not items:
        return tr.gettext("No decisions yet. Every closed vote will be logged here.")
    lines = [tr.gettext("<b>Decisions</b>, newest first (see one with /decision 1)")]
    for item in items:
        title = escape(short(item.question))
        link = message_link(item.chat_id, item.message_id)
        if link:
            title = f'<a href="{link}">{title}</a>'
        if item.kind == AGREEMENT:
            verdict = tr.gettext("🤝 agreed at a meeting")
        else:
            verdict = outcome_text(
                tr, item.kind, item.outcome, list(item.winners), range(len(item.winners))
            )
        date = local.day(tr, item.decided_at)
        lines.append(f"#{item.number} · {date} · {title} — {verdict}")
    return "\n".join(lines)


def reminder(
    tr: Translator,
    question: str,
    closes_at: datetime,
    local: Local,
    people: Sequence[tuple[int, str]],
) -> str:
    """`people`: (Telegram id, full name) of the members who have not voted."""
    mentions = [
        escape(full) if is_offline(person_id) else mention_html(person_id, full)
        for person_id, full in people[:MENTIONS_SHOWN]
    ]
    rest = len(people) - len(mentions)
    if rest > 0:
        mentions.append(tr.ngettext("and {n} more", "and {n} more", rest))
    return "\n".join(
        [
            tr.gettext(
                "⏰ The vote “{question}” closes {when}.",
                question=escape(short(question)),
                when=local.moment(tr, closes_at),
            ),
            tr.gettext("Not voted yet: {people}", people=", ".join(mentions)),
        ]
    )


def chosen_toast(
    tr: Translator, kind: str, options: Sequence[str], choices: int, changed: bool
) -> str:
    labels = option_labels(tr, kind, options)
    picked = [labels[i] for i in rules.options_of(choices) if i < len(labels)]
    if not picked:
        return tr.gettext("You have no option marked now.")
    text = ", ".join(short(p, 40) for p in picked)
    if kind == VoteKind.PROPOSAL and rules.options_of(choices) == [rules.BLOCK]:
        return tr.gettext(
            "Block noted. Reply to the vote message with your reason: without one by the "
            "close, it counts as Disagree."
        )
    if not changed:
        return tr.gettext("You already chose: {choice}", choice=text)
    return tr.gettext("Your vote: {choice}", choice=text)


def agreement(tr: Translator, number: int, text: str, decided_at: datetime, local: Local) -> str:
    date = local.day(tr, decided_at)
    return tr.gettext(
        "<b>Decision #{number}</b> · {date}\n{text}\n🤝 Agreed at a meeting (see its minutes).",
        number=number,
        date=date,
        text=escape(text),
    )


def result_markup(tr: Translator, v: VoteView, outcome: str) -> InlineKeyboardMarkup | None:
    """Under a passed proposal's result: turn it into a commitment."""
    if v.kind != VoteKind.PROPOSAL or outcome != OutcomeKind.PASSED or v.amendment:
        return None
    button = InlineKeyboardButton(
        tr.gettext("➕ Turn into commitment"), callback_data=ToCommitment(v.id).pack()
    )
    return InlineKeyboardMarkup([[button]])


def help_details(tr: Translator) -> list[str]:
    """/help's page on votes: the native words of a proposal and a poll, with examples."""
    return [
        tr.gettext(
            "A proposal: each member agrees, abstains, disagrees or blocks (a block needs a "
            "reason). “closes” says when it ends; “quorum”, how much of the group must vote:"
        ),
        tr.gettext(rules.PROPOSAL_EXAMPLE),
        tr.gettext("A poll: the question and its options, split by |"),
        tr.gettext(rules.POLL_EXAMPLE),
    ]


def recorded_reply(
    tr: Translator, who: str, kind: str, options: Sequence[str], choices: int
) -> str:
    """What `/vote` answers: the position recorded, and for whom (`who`: HTML)."""
    labels = option_labels(tr, kind, options)
    chosen = ", ".join(escape(short(labels[i], 40)) for i in rules.options_of(choices))
    return tr.gettext("✍ Recorded for {person}: {position}.", person=who, position=chosen)
