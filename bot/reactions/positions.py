"""Positions without a database: the allowed emoji, the meanings, parsing, tallies.

Pure functions of plain values, shared by the service and the renderer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from bot.core.errors import DomainError
from bot.core.i18n import N_, Translator
from bot.core.records import frozen
from bot.core.timeparse import BadTime, parse_duration

# The emoji Telegram allows as reactions (Bot API, ReactionTypeEmoji.emoji), as the docs
# write them; compared without variation selectors (U+FE0F), which clients may add or drop.
ALLOWED_REACTIONS = (
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮",
    "💩", "🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤\u200d🔥", "🌚", "🌭", "💯", "🤣",
    "⚡", "🍌", "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻",
    "👨\u200d💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅",
    "🤪", "🗿", "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷",
    "🤷\u200d♀", "😡",
)  # fmt: skip

# the fixed meanings (so that they translate), in the order a tally lists them
MEANINGS = ("agree", "disagree", "doubts", "seen", "support", "block")
NONE = "none"  # `/positions map 👀=none`: the emoji means nothing any more
NONE_WORDS = {"none", "nada", "ninguno", "ninguna", "nenhum", "nenhuma", "-"}
SEEN = "seen"
DEFAULT_MAP: tuple[tuple[str, str], ...] = (
    ("👍", "agree"),
    ("👎", "disagree"),
    ("🤔", "doubts"),
    ("👀", "seen"),
)
DEFAULT_SEEN_EMOJI = "👀"
MAX_PAIRS = 12

# what people may type for a meaning, besides the English word
MEANING_ALIASES = {
    "acuerdo": "agree",
    "concordo": "agree",
    "sí": "agree",
    "si": "agree",
    "sim": "agree",
    "desacuerdo": "disagree",
    "discordo": "disagree",
    "no": "disagree",
    "não": "disagree",
    "nao": "disagree",
    "doubt": "doubts",
    "dudas": "doubts",
    "duda": "doubts",
    "dúvidas": "doubts",
    "duvidas": "doubts",
    "dúvida": "doubts",
    "duvida": "doubts",
    "visto": "seen",
    "apoyo": "support",
    "apoio": "support",
    "bloqueo": "block",
    "bloqueio": "block",
}

DEFAULT_REMIND = timedelta(hours=24)
MIN_REMIND = timedelta(minutes=10)
MAX_REMIND = timedelta(days=14)
MAX_NOTICE_CHARS = 3000

MAP_EXAMPLE = "/positions map 👍=agree 👎=disagree 🤔=doubts 👀=seen"


def normalize_emoji(text: str) -> str:
    return text.strip().replace("\ufe0f", "")


ALLOWED = frozenset(normalize_emoji(e) for e in ALLOWED_REACTIONS)


# -- the position map -------------------------------------------------------------------


def parse_map(text: str) -> list[tuple[str, str]]:
    """`👍=agree 🙏=support` → [(emoji, meaning), …]; a DomainError says what is wrong."""
    text = re.sub(r"\s*=\s*", "=", text.strip())
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for token in text.split():
        emoji, sep, word = token.partition("=")
        if not sep or not emoji or not word:
            raise DomainError(
                N_("Write each position as emoji=meaning, for example: {example}"),
                example=MAP_EXAMPLE,
            )
        emoji = normalize_emoji(emoji)
        if emoji not in ALLOWED:
            raise DomainError(
                N_(
                    "{emoji} is not a reaction Telegram allows. Choose one from the reactions "
                    "menu, for example: {example}"
                ),
                emoji=emoji,
                example="/positions map 👍=agree 🙏=support",
            )
        key = word.strip().lower()
        meaning = (
            NONE if key in NONE_WORDS else key if key in MEANINGS else MEANING_ALIASES.get(key)
        )
        if meaning is None:
            raise DomainError(
                N_(
                    "I don't know the meaning “{meaning}”. Use agree, disagree, doubts, seen, "
                    "support or block, for example: {example}"
                ),
                meaning=word,
                example="/positions map 👍=agree 🙏=support",
            )
        if emoji in seen:
            raise DomainError(
                N_("{emoji} appears twice: give each emoji one meaning, for example: {example}"),
                emoji=emoji,
                example=MAP_EXAMPLE,
            )
        seen.add(emoji)
        pairs.append((emoji, meaning))
    if not pairs or len(pairs) > MAX_PAIRS:
        raise DomainError(
            N_("Write each position as emoji=meaning, for example: {example}"),
            example=MAP_EXAMPLE,
        )
    return pairs


def merge_map(
    current: Sequence[tuple[str, str]], changes: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The map after `/positions map …`: each listed emoji gets its new meaning, or joins the
    map at its end (`none`: leaves it); the emoji not listed keep theirs. More than MAX_PAIRS
    is refused."""
    merged = dict(current)
    merged.update(changes)
    merged = {emoji: meaning for emoji, meaning in merged.items() if meaning != NONE}
    if len(merged) > MAX_PAIRS:
        raise DomainError(
            N_("A map can have at most {limit} reactions. Start again with /positions map reset"),
            limit=MAX_PAIRS,
        )
    return list(merged.items())


def seen_emoji(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The emoji that acknowledge a notice: those meaning "seen", else 👀."""
    return [emoji for emoji, meaning in pairs if meaning == SEEN] or [DEFAULT_SEEN_EMOJI]


def parse_delay(raw: str) -> timedelta:
    """`12h`, `90 min`, `3 días`, `1 semana` → a delay between 10 minutes and 14 days."""
    try:
        delay = parse_duration(raw)
    except BadTime as exc:
        raise DomainError(
            N_("I can't read “{value}” as a delay. Use hours or days, for example: {example}"),
            value=raw,
            example="/notice remind 12h",
        ) from exc
    if not MIN_REMIND <= delay <= MAX_REMIND:
        raise DomainError(
            N_("The reminder can wait from 10 minutes to 14 days, for example: {example}"),
            example="/notice remind 12h",
        )
    return delay


def is_delay(text: str) -> bool:
    """Whether `text` reads as a duration at all (`2 días`), within bounds or not."""
    try:
        parse_duration(text)
    except BadTime:
        return False
    return True


@frozen
class Who:
    id: int
    first_name: str
    last_name: str | None = None
    is_group: bool = False  # an anonymous admin: the group itself


@frozen
class MeaningTally:
    """One meaning of the map on a message: its emoji and the people who reacted with one."""

    meaning: str
    emoji: tuple[str, ...]
    people: tuple[Who, ...]

    @property
    def count(self) -> int:
        return len(self.people)


@frozen
class Tally:
    """The positions on one message: per meaning, anonymous counts, who has not reacted."""

    positions: tuple[MeaningTally, ...]  # named (open) positions, meanings with nobody included
    anonymous: tuple[tuple[str, int], ...]  # (meaning, count) from anonymous counts
    not_reacted: int  # members of the group without any reaction on the message
    bot_admin: bool | None

    @property
    def named(self) -> bool:
        return any(p.people for p in self.positions)


def _meaning_order(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return list(dict.fromkeys(meaning for _, meaning in pairs))


@frozen
class NoticeStatus:
    notice_id: int
    acknowledged: int  # members still in the group who acknowledged
    pending: tuple[Who, ...]
    reminded: bool


@frozen
class NoticeReminder:
    """What a notice's reminder needs to be sent: where, in which language, to whom."""

    chat_id: int
    language: str
    message_id: int
    thread_id: int | None
    seen_emoji: str
    pending: tuple[Who, ...]


@frozen
class Reacted:
    """One actor's current reactions on a message."""

    who: Who
    tokens: tuple[str, ...]


def compute_tally(
    pairs: Sequence[tuple[str, str]],
    reactions: Sequence[Reacted],
    counts: dict[str, int] | None,
    members: set[int],
    bot_admin: bool | None,
) -> Tally:
    """Positions per meaning (each actor once per meaning; emoji off the map ignored), the
    anonymous counts per meaning, and how many members have no reaction at all."""
    meaning_of = dict(pairs)
    order = _meaning_order(pairs)
    by_meaning: dict[str, list[Who]] = {m: [] for m in order}
    reacted: set[int] = set()
    for item in reactions:
        if not item.tokens:
            continue
        reacted.add(item.who.id)
        for meaning in dict.fromkeys(meaning_of[t] for t in item.tokens if t in meaning_of):
            by_meaning[meaning].append(item.who)
    positions = tuple(
        MeaningTally(meaning, tuple(e for e, m in pairs if m == meaning), tuple(people))
        for meaning, people in by_meaning.items()
    )
    anonymous: tuple[tuple[str, int], ...] = ()
    if counts:
        sums: dict[str, int] = dict.fromkeys(order, 0)
        for token, count in counts.items():
            if token in meaning_of:
                sums[meaning_of[token]] += int(count)
        anonymous = tuple(sums.items())
    return Tally(positions, anonymous, len(members - reacted), bot_admin)


def meaning_label(tr: Translator, meaning: str) -> str:
    """What a meaning is called, in the reader's language (also for the votes' sense check)."""
    labels = {
        "agree": tr.pgettext("position", "Agree"),
        "disagree": tr.pgettext("position", "Disagree"),
        "doubts": tr.pgettext("position", "Has doubts"),
        "seen": tr.pgettext("position", "Seen"),
        "support": tr.pgettext("position", "Support"),
        "block": tr.pgettext("position", "Block"),
    }
    return labels[meaning]
