"""Telegram updates of monitoring (/digest, /recognize), and the digest's scheduled sending."""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape

from bot.actors.labels import SECTOR_LABELS
from bot.core.errors import DomainError
from bot.core.faults import log_failure
from bot.core.i18n import N_, Translator, translator
from bot.core.messenger import Messenger
from bot.core.people import is_person, mention, person_name
from bot.core.quiet import release_time
from bot.core.scheduler import Tick, run_each_once
from bot.core.turn import Turn, handler
from bot.groups.api import target_person
from bot.monitoring import chart, render, service
from bot.monitoring.facts import collect
from bot.monitoring.status import status as status_now
from bot.monitoring.views import CommitmentLine, DecisionLine, DigestView, RecognitionLine
from bot.votes.rules import outcome_word

log = logging.getLogger(__name__)

BATCH = 100
RECOGNIZE_USAGE = N_(
    "Name the person and say why: /recognize @ana por organizar la feria "
    "(or reply to one of their messages with /recognize and the reason)"
)


def _who(person: service.Named) -> str:
    return mention(person.id, person.first_name, person.last_name)


def digest_text(
    tr: Translator,
    facts: service.Facts,
    timezone: str,
    *,
    now: datetime,
    late: bool = False,
) -> str:
    """A group's digest: its facts as a DigestView (people as mentions, outcomes and sectors
    in words), rendered."""
    view = DigestView(
        timezone=timezone,
        now=now,
        late=late,
        quiet=facts.quiet(),
        decisions=tuple(
            DecisionLine(
                d.number,
                d.what,
                _outcome(tr, d.outcome),
                tuple((c.number, c.text, _state(tr, c)) for c in d.commitments),
            )
            for d in facts.decisions
        ),
        open_votes=tuple(facts.open_votes),
        completed=tuple(_commitment(c) for c in facts.completed),
        overdue=tuple(_commitment(c) for c in facts.overdue),
        due_next=tuple(_commitment(c) for c in facts.due_next),
        waiting=tuple(_commitment(c) for c in facts.waiting),
        completed_count=facts.completed_count,
        overdue_count=facts.overdue_count,
        due_next_count=facts.due_next_count,
        waiting_count=facts.waiting_count,
        meetings_held=tuple(facts.meetings_held),
        meetings_coming=tuple(facts.meetings_coming),
        notices_pending=tuple(facts.notices_pending),
        members=facts.members,
        charter=facts.charter,
        new_actors=facts.new_actors,
        missing_sectors=tuple(tr.gettext(SECTOR_LABELS[s]) for s in facts.missing_sectors),
        unequal=facts.unequal,
        reviews_opened=facts.reviews_opened,
        reviews_closed=facts.reviews_closed,
        recognitions=tuple(
            RecognitionLine(_who(r.to), _who(r.by) if r.by else None, r.reason)
            for r in facts.recognitions
        ),
        thanked=tuple(_who(p) for p in facts.thanked.values()),
    )
    return render.digest(tr, view)


def _outcome(tr: Translator, outcome: str) -> str:
    return tr.gettext(outcome_word(outcome))


def _state(tr: Translator, c: service.DecisionCommitment) -> str:
    if c.state == "done":
        return tr.gettext("✅ done")
    if c.state == "dropped":
        return tr.gettext("🗑 dropped")
    if c.state == "overdue":
        return tr.gettext("⏰ overdue")
    if c.progress:
        return tr.gettext("⏳ open, {percent}% done", percent=c.progress)
    return tr.gettext("⏳ open")


def _commitment(fact: service.CommitmentFact) -> CommitmentLine:
    """Its owners who accepted it are mentioned; those only asked are named, never blamed."""
    return CommitmentLine(
        fact.number,
        fact.text,
        ", ".join(_who(p) for p in fact.owners),
        fact.moment,
        ", ".join(escape(person_name(p.first_name, p.last_name)) for p in fact.asked[:3])
        + (f", +{len(fact.asked) - 3}" if len(fact.asked) > 3 else ""),
        len(fact.asked),
    )


@handler(coordinator=lambda args: bool(args), groups_only=True)
async def digest(turn: Turn) -> None:
    args = [a.lower() for a in turn.args]
    settings = await service.settings_of(turn.session, turn.group_id)
    if not args:
        turn.reply(
            render.schedule(
                turn.tr, settings.enabled, settings.weekday, settings.minute, settings.chart
            )
        )
        return
    if args[0] == "now":
        now = turn.now
        facts = (await collect(turn.session, [turn.group_id], now - service.WEEK, now))[
            turn.group_id
        ]
        turn.reply(digest_text(turn.tr, facts, turn.identity.timezone, now=now))
        if settings.chart:
            bars = await service.chart_weeks(turn.session, turn.group_id, now)
            chat_id, thread_id, tr = turn.chat.id, turn.thread_id, turn.tr

            async def chart(messenger: Messenger) -> None:
                await _send_chart(messenger, chat_id, tr, bars, thread_id)

            turn.then(chart)
        return
    if args[0] == "off":
        await service.save_settings(turn.session, turn.group_id, enabled=False)
    elif args[0] == "on":
        await service.save_settings(turn.session, turn.group_id, enabled=True)
    elif args[0] == "weekly":
        weekday, minute = service.parse_schedule(turn.args[1:])
        await service.save_settings(
            turn.session, turn.group_id, enabled=True, weekday=weekday, minute=minute
        )
    elif args[0] == "chart" and len(args) == 2 and args[1] in ("on", "off"):
        await service.save_settings(turn.session, turn.group_id, chart=args[1] == "on")
    else:
        raise DomainError(
            N_("Try: /digest weekly monday 09:00 · /digest off · /digest now · /digest chart off")
        )
    settings = await service.settings_of(turn.session, turn.group_id)
    turn.reply(
        render.schedule(
            turn.tr, settings.enabled, settings.weekday, settings.minute, settings.chart
        )
    )


@handler(groups_only=True)
async def recognize(turn: Turn) -> None:
    message = turn.message
    assert message is not None and message.text is not None
    target = await target_person(turn, RECOGNIZE_USAGE)
    if turn.user is not None and target.id == turn.user.id:
        raise DomainError(N_("Thanking yourself does not count 🙂 Name someone else."))
    text = message.text.split(None, 1)[1] if len(message.text.split(None, 1)) > 1 else ""
    words = [w for w in text.split() if not w.startswith("@")]
    for entity in message.entities:  # drop the name of a person without a username
        if entity.type == "text_mention":
            name = message.parse_entity(entity)
            text = text.replace(name, "", 1)
            words = [w for w in text.split() if not w.startswith("@")]
    by = turn.user.id if is_person(turn.user) else None
    await service.recognize(turn.session, turn.group_id, by, target.id, " ".join(words))
    turn.reply(render.recognized(turn.tr, mention(target.id, target.first_name, target.last_name)))


@handler(groups_only=True)
async def status(turn: Turn) -> None:
    shown = await status_now(turn.session, turn.group_id, turn.now)
    turn.reply(
        render.status(
            turn.tr,
            local=turn.local,
            overdue=shown.overdue,
            due_soon=shown.due_soon,
            waiting=shown.waiting,
            next_meeting=shown.next_meeting,
            completion=shown.completion,
            open_votes=shown.open_votes,
        )
    )


async def _send_chart(
    messenger: Messenger,
    chat_id: int,
    tr: Translator,
    bars: list[service.WeekBar],
    thread_id: int | None = None,
) -> None:
    """The chart goes after the digest when there is anything to draw; a chart that fails is
    logged and the digest stands."""
    if not any(b.done or b.open or b.overdue for b in bars):
        return
    labels = render.chart_labels(tr)
    try:
        png = chart.commitments_png([(b.done, b.open, b.overdue) for b in bars], labels)
    except Exception:
        log.exception("the digest chart could not be drawn")
        return
    await messenger.send_photo(chat_id, png, caption=labels["title"], thread_id=thread_id)


# -- the weekly digest, by the scheduler ------------------------------------------------------


async def due_digests(tick: Tick) -> None:
    runtime, now = tick.runtime, tick.now
    async with runtime.db() as session:
        due = await service.due_digests(session, now)
    due = [d for d in due if release_time(now, d.quiet, d.timezone) <= now]  # quiet hours wait
    for start in range(0, len(due), BATCH):
        await _send_batch(tick, due[start : start + BATCH])


def _key(digest: service.DueDigest) -> str:
    return f"digest:{digest.group_id}:{digest.period}"


async def _send_batch(tick: Tick, batch: list[service.DueDigest]) -> None:
    """The batch's digests this process claims, their facts read together, each sent once."""
    runtime, now = tick.runtime, tick.now

    async def send(mine: list[service.DueDigest]) -> list[service.DueDigest]:
        async with runtime.db() as session:
            groups = [d.group_id for d in mine]
            facts = await collect(session, groups, now - service.WEEK, now)
        done = []
        for item in mine:
            late = now - item.due_at > service.LATE_AFTER
            tr = translator(item.language)
            text = digest_text(tr, facts[item.group_id], item.timezone, late=late, now=now)
            try:
                sent = await runtime.messenger.send(item.chat_id, text)
            except Exception as exc:
                # this group's alone (flood control, a timeout, a chat not found, a bug): its
                # claim is released with a backoff, a later tick of the day tries again, and
                # the batch's other digests go out now
                log_failure(log, exc, f"digest of group {item.group_id} delayed")
                continue
            if sent and item.chart:
                try:
                    async with runtime.db() as session:
                        bars = await service.chart_weeks(session, item.group_id, now)
                    await _send_chart(runtime.messenger, item.chat_id, tr, bars)
                except Exception as exc:  # the digest itself went out: it is not sent again
                    log_failure(log, exc, f"digest chart of group {item.group_id} not sent")
            async with runtime.db() as session:  # a removed group was marked inactive: done
                await service.record_sent(session, item, now)
            done.append(item)
        return done

    await run_each_once(tick, batch, _key, send)
