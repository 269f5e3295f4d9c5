"""What ranked and score polls say: their vote message, their result lines and their toasts.

`render` calls these for the two kinds; the rest of a result (decision number, quorum,
reasons) is the same as any poll's.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import Translator
from bot.core.moments import Local
from bot.core.people import person_name
from bot.core.text import shorten
from bot.votes import ballots
from bot.votes.callbacks import Rank, Score, StartOver
from bot.votes.rules import Outcome, OutcomeKind, VoteKind
from bot.votes.views import Voter, VoteView

TOAST = 200  # Telegram's limit for a callback answer
IN_TOAST = 24  # characters of an option in a toast
NAMES_SHOWN = 12


def mean_text(tr: Translator, mean: Fraction | None) -> str:
    """4.5 (en) or 4,5 (es, pt_BR); "—" when nobody scored the option."""
    if mean is None:
        return "—"
    shown = f"{float(mean):.1f}"
    return shown if tr.lang.startswith("en") else shown.replace(".", ",")


def ballot_text(v: VoteView, choices: int) -> str:
    """A member's ballot in one line (HTML): `Plaza › Escuela` or `Plaza 4 · Escuela 2`."""
    if v.kind == VoteKind.RANKED:
        return " › ".join(
            escape(shorten(v.options[o], 40))
            for o in ballots.ranking_of(choices)
            if o < len(v.options)
        )
    scores = ballots.scores_of(choices, len(v.options))
    return " · ".join(
        f"{escape(shorten(option, 40))} {s}"
        for option, s in zip(v.options, scores, strict=True)
        if s is not None
    )


def _names(tr: Translator, voters: Sequence[Voter]) -> str:
    shown = [
        escape(person_name(x.first_name, x.last_name)) + (" ✍" if x.reason else "")
        for x in voters[:NAMES_SHOWN]
    ]
    rest = len(voters) - len(shown)
    if rest > 0:
        shown.append(tr.ngettext("and {n} more", "and {n} more", rest))
    return ", ".join(shown)


def card(
    tr: Translator, v: VoteView, local: Local, rules_line: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The vote message of a ranked or score poll. A ranked one shows only how many ranked
    (no count before the close); a score one, each option's mean and how many scored it."""
    ranked = v.kind == VoteKind.RANKED
    if ranked:
        title = tr.gettext("🔢 <b>Ranked poll</b>: tap the options in your order of preference")
    else:
        title = tr.gettext("⭐ <b>Score poll</b>: give each option from 0 to 5")
    lines = [title, f"<b>{escape(v.question)}</b>", ""]
    if ranked:
        lines += [f"{i}. {escape(option)}" for i, option in enumerate(v.options, 1)]
    else:
        scores = [ballots.scores_of(x.choices, len(v.options)) for x in v.voters]
        means = ballots.means_of(scores, len(v.options))
        for i, option in enumerate(v.options):
            count = sum(1 for s in scores if s[i] is not None)
            lines.append(
                f"{escape(option)}: <b>{mean_text(tr, means[i])}</b> "
                + tr.ngettext("({n} score)", "({n} scores)", count)
            )
    voted = len(v.voters)
    lines.append("")
    if voted and not v.anonymous:
        lines.append(tr.gettext("Have voted: {names}", names=_names(tr, v.voters)))
    lines.append(
        tr.gettext(
            "Voted: {voted} · not yet: {missing}", voted=voted, missing=max(v.members - voted, 0)
        )
    )
    if v.closed_at is not None:
        lines.append(tr.gettext("Closed {when}.", when=local.moment(tr, v.closed_at)))
        return "\n".join(lines), None
    lines.append(rules_line)
    if ranked:
        lines.append(tr.gettext("Only you see your order, in the notice after each tap."))
    lines.append(tr.gettext("To give your reason, reply to this message."))
    return "\n".join(lines), _keyboard(tr, v, ranked)


def _keyboard(tr: Translator, v: VoteView, ranked: bool) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if ranked:
        buttons = [
            InlineKeyboardButton(shorten(o, 40), callback_data=Rank(v.id, i).pack())
            for i, o in enumerate(v.options)
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append(
            [InlineKeyboardButton(tr.gettext("↺ Start over"), callback_data=StartOver(v.id).pack())]
        )
        return InlineKeyboardMarkup(rows)
    for i, option in enumerate(v.options):
        rows.append(
            [InlineKeyboardButton(shorten(option, 40), callback_data=Score(v.id, i, -1).pack())]
        )
        rows.append(
            [
                InlineKeyboardButton(str(s), callback_data=Score(v.id, i, s).pack())
                for s in range(ballots.MIN_SCORE, ballots.MAX_SCORE + 1)
            ]
        )
    return InlineKeyboardMarkup(rows)


def result_lines(tr: Translator, v: VoteView, outcome: Outcome) -> list[str]:
    """In place of a poll's counts: the runoff's rounds, or each option's mean and count."""
    if v.kind == VoteKind.SCORE:
        means = outcome.means or (None,) * len(v.options)
        return [
            " · ".join(
                f"{escape(shorten(option, 40))} {mean_text(tr, mean)} ({count})"
                for option, mean, count in zip(v.options, means, outcome.counts, strict=True)
            )
        ]
    lines = []
    for number, round_ in enumerate(outcome.rounds, 1):
        counts = " · ".join(
            f"{escape(shorten(v.options[o], 40))} {c}"
            for o, c in enumerate(round_.counts)
            if c is not None
        )
        line = tr.gettext("Round {number}: {counts}", number=number, counts=counts)
        if round_.exhausted:
            line += " · " + tr.ngettext(
                "{n} ballot exhausted", "{n} ballots exhausted", round_.exhausted
            )
        if round_.eliminated:
            out = ", ".join(f"“{escape(shorten(v.options[o], 40))}”" for o in round_.eliminated)
            line += " — " + tr.gettext("out: {options}", options=out)
        lines.append(line)
    if outcome.kind == OutcomeKind.WINNER and outcome.rounds:
        last = outcome.rounds[-1]
        winner = outcome.winners[0]
        lines.append(
            tr.gettext(
                "“{option}” has {votes} of the {total} ballots still counting: a majority.",
                option=escape(shorten(v.options[winner], 40)),
                votes=last.counts[winner] or 0,
                total=sum(c or 0 for c in last.counts),
            )
        )
    return lines


def ballot_names(tr: Translator, v: VoteView) -> list[str]:
    """/decision's page: each member's ballot (not for an anonymous poll)."""
    return [
        f"{escape(person_name(x.first_name, x.last_name))}: {ballot_text(v, x.choices)}"
        for x in v.voters
    ]


# -- toasts -----------------------------------------------------------------------------------


def _order(tr: Translator, options: Sequence[str], choices: int) -> str:
    ranking = ballots.ranking_of(choices)
    listed = " ".join(
        f"{n}. {shorten(options[o], IN_TOAST)}"
        for n, o in enumerate(ranking, 1)
        if o < len(options)
    )
    return tr.gettext("Your order: {order}", order=listed)


def ranked_toast(
    tr: Translator, options: Sequence[str], option: int, choices: int, changed: bool
) -> str:
    order = _order(tr, options, choices)
    if changed:
        return shorten(order, TOAST)
    text = tr.gettext(
        "“{option}” is already in your order; to change it, tap ↺ Start over. {order}",
        option=shorten(options[option], IN_TOAST),
        order=order,
    )
    return shorten(text, TOAST)


def start_over_toast(tr: Translator, changed: bool) -> str:
    if changed:
        return tr.gettext("Your order is cleared: tap the options again, your favourite first.")
    return tr.gettext("You have no order yet: tap the options, your favourite first.")


def score_toast(
    tr: Translator, options: Sequence[str], option: int, choices: int, changed: bool, asked: bool
) -> str:
    name = shorten(options[option], IN_TOAST)
    given = ballots.scores_of(choices, len(options))[option]
    if given is None:
        return tr.gettext("You have not scored “{option}” yet: tap 0 to 5 in its row.", option=name)
    if changed or asked:
        return tr.gettext("Your score for “{option}”: {score}", option=name, score=given)
    return tr.gettext("You already gave “{option}” {score}.", option=name, score=given)
