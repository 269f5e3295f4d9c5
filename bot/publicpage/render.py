"""What `/public` says in the chat, and the words of the public page itself (plain text: the
page's template escapes them)."""

from __future__ import annotations

from datetime import datetime

from bot.actors.labels import SECTOR_LABELS
from bot.commitments.kinds import Status
from bot.core import moments
from bot.core.i18n import Translator
from bot.publicpage.views import Responsible, Who
from bot.votes.rules import OutcomeKind

EXAMPLE_SLUG = "barrio-norte"


def url_of(base: str | None, slug: str) -> str | None:
    return f"{base}/p/{slug}" if base else None


def state(
    tr: Translator, published: bool, slug: str | None, indexed: bool, base_url: str | None
) -> str:
    """`/public`: whether the page is on, where, whether search engines may list it."""
    if not published:
        return "\n".join(
            [
                tr.gettext("🌐 <b>Public page</b>: off."),
                tr.gettext(
                    "Coordinators can publish a read-only page with the goals, the decisions "
                    "and the commitments: /public on (or /public on {slug} to choose its "
                    "address).",
                    slug=EXAMPLE_SLUG,
                ),
                tr.gettext(
                    "People are named there only if they said yes in /profile public; "
                    "otherwise their organization or “a member”."
                ),
            ]
        )
    assert slug is not None
    url = url_of(base_url, slug)
    lines = [
        tr.gettext("🌐 <b>Public page</b>: on.")
        + " "
        + (
            tr.gettext("Address: {url}", url=url)
            if url
            else tr.gettext(
                "Its path is /p/{slug}; for a full link the operator must set PUBLIC_URL "
                "(e.g. https://minga.example.org).",
                slug=slug,
            )
        ),
        tr.gettext("Search engines may list it (/public index off to stop).")
        if indexed
        else tr.gettext("Search engines are asked not to list it (/public index on to allow)."),
        tr.gettext(
            "People are named there only if they said yes in /profile public; "
            "otherwise their organization or “a member”."
        ),
        tr.gettext("/public off takes it down at once."),
    ]
    return "\n".join(lines)


def taken_down(tr: Translator, was_on: bool) -> str:
    if was_on:
        return tr.gettext("🌐 The public page is down: its address answers “not found” now.")
    return tr.gettext("The public page was not published. To publish it: /public on")


def indexing(tr: Translator, indexed: bool) -> str:
    if indexed:
        return tr.gettext("Done: search engines may list the public page.")
    return tr.gettext("Done: search engines are asked not to list the public page.")


def usage(tr: Translator) -> str:
    return tr.gettext(
        "I did not understand. Try /public, /public on, /public on {slug}, /public off or "
        "/public index on.",
        slug=EXAMPLE_SLUG,
    )


# -- the page's words ---------------------------------------------------------------------


def labels(tr: Translator) -> dict[str, str]:
    return {
        "subtitle": tr.gettext("Public accountability page"),
        "goals": tr.gettext("Our goals"),
        "no_goals": tr.gettext("No goals written yet."),
        "decisions": tr.gettext("Decisions"),
        "no_decisions": tr.gettext("No decisions yet."),
        "commitments": tr.gettext("Commitments"),
        "no_commitments": tr.gettext("No commitments yet."),
        "totals": tr.gettext("In figures"),
        "execution": tr.gettext("Commitments done"),
        "on_time": tr.gettext("Delivered on time"),
        "responsible": tr.gettext("Responsible"),
        "due": tr.gettext("Due"),
        "progress": tr.gettext("Progress"),
        "nobody": tr.gettext("Nobody has taken it on yet"),
        "empty": tr.gettext(
            "This group has just started: its goals, decisions and commitments will show "
            "here as they are made."
        ),
        "footer": tr.gettext(
            "Made with Minga from the group's own records. People are named only if they "
            "agreed to it."
        ),
        "none": "—",
    }


def status(tr: Translator, value: str) -> str:
    return {
        Status.OPEN: tr.gettext("In progress"),
        Status.BLOCKED: tr.gettext("Blocked"),
        Status.DONE: tr.gettext("Done"),
        Status.DROPPED: tr.gettext("Dropped"),
    }.get(value, value)


def outcome(tr: Translator, value: str, winners: tuple[str, ...]) -> str:
    if value == OutcomeKind.PASSED:
        return tr.gettext("✅ Passed")
    if value == OutcomeKind.NOT_PASSED:
        return tr.gettext("❌ Not passed")
    if value == OutcomeKind.BLOCKED:
        return tr.pgettext("vote", "⛔ Blocked")
    if value == OutcomeKind.NO_QUORUM:
        return tr.gettext("⚠️ No quorum")
    if value == OutcomeKind.NO_VOTES:
        return tr.gettext("Nobody voted")
    if value == OutcomeKind.AGREED:
        return tr.gettext("🤝 Agreed at a meeting")
    picked = ", ".join(f"“{w}”" for w in winners)
    if value == OutcomeKind.TIE:
        return tr.gettext("🤝 Tie between {options}", options=picked)
    return tr.gettext("🏆 Winner: {option}", option=picked)


def responsible(tr: Translator, item: Responsible) -> str:
    if item.who in (Who.NAME, Who.ORGANIZATION):
        return item.value
    if item.who == Who.SECTOR:
        label = SECTOR_LABELS.get(item.value)
        return tr.gettext(label) if label else a_member(tr)
    return a_member(tr)


def a_member(tr: Translator) -> str:
    return tr.gettext("a member")


def figure(tr: Translator, percent: int | None, part: int, whole: int) -> tuple[str, str]:
    """(`75 %`, `3 of 4`), or a dash and nothing when there is nothing to count."""
    if percent is None:
        return "—", ""
    return f"{percent} %", tr.gettext("{part} of {whole}", part=part, whole=whole)


def day(tr: Translator, at: datetime, timezone: str, now: datetime) -> str:
    return moments.day(tr, at, timezone, now)


def more_commitments(tr: Translator, n: int) -> str:
    return tr.ngettext(
        "…and {n} more commitment, counted in the figures above.",
        "…and {n} more commitments, counted in the figures above.",
        n,
    )


def not_found(tr: Translator) -> tuple[str, str]:
    return (
        tr.gettext("Page not found"),
        tr.gettext("There is no public page at this address, or the group took it down."),
    )
