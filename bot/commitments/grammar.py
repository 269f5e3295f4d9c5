"""The `/commit` grammar and the limits of what is written, as plain functions (no database,
no Telegram), like votes/rules.py. Read by `parse_commit`; mentions are found by the handler
from the message's entities and passed in as markers:

    /commit <what> [@owner ...] [by <date>] [needs [<type>:] <resource>, ... [; <type>: ...]]

- `<what>`: the text up to the first clause; mentions at its end are owners and leave the text,
  a mention inside it stays in the text (as the name) and is an owner too.
- `by <date>`: the *last* by-word starts the due date, read with
  `bot.core.timeparse.parse_deadline` in the group's time zone (`viernes`, `15/12 18:00`,
  `18hs`, `el 15`, `3d`, `fin de mes`). The by-words, in any of the three languages: `by`,
  `para`, `hasta`, `até`/`ate` (due by the end of that day: a day without a time is 23:59), and
  `before`, `antes de`/`del`/`do`/`da` (due before that day begins: a day without a time is
  00:00, so `antes del 15` is the 15th at 00:00). They are everyday words too, so a by-word
  counts only when a moment follows it: `Comprar sillas para 20 personas` has no due date and
  keeps its text. What follows is refused, with an example, only when it is written like a
  date or a time that cannot be (`para 32/13`, `by 25:00`) or is missing after `by`. A past
  date is refused; a date more than 11 months ahead needs its year; a phrase with two readings
  (`para mañana` typed at 01:00) raises `timeparse.UnsureTime` for the handler to ask.
- `needs` (also `necesita`, `precisa`, `necessita`): the *last* such word starts the resources
  (a `by <date>` may also come after them):
  groups separated by `;`, each optionally led by its type and a colon — `material:`,
  `symbolic:`/`simbólico:`, `human:`/`humano:`/`humanos:` (untyped: material) — items separated
  by `,`, each optionally led by a quantity (`500 volantes`).

Examples: `/commit Repartir volantes en el barrio @ana @luis by viernes needs material: 500
volantes`, `/commit Limpiar la plaza para el sábado 10:00 necesita human: 3 voluntarios`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import field
from datetime import datetime, time

from bot.commitments.kinds import HUMAN, MATERIAL, SYMBOLIC
from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.records import frozen
from bot.core.timeparse import parse_deadline, reads_as_time, refusing

MAX_TEXT = 300
MAX_RESOURCE = 200
MAX_RESOURCES = 10

# in the reader's language, with its native words (`para`, `necesita`, `até`, `precisa`)
COMMIT_EXAMPLE = N_("/commit Repartir volantes @ana by viernes needs material: 500 volantes")
DUE_EXAMPLE = N_("by viernes 18:00")
MARK = "\x00"  # a mention in the text given to parse_commit: MARK + index + MARK

END_OF_DAY = time(23, 59)  # `by viernes`: due by the end of that day
START_OF_DAY = time(0, 0)  # `antes del 15`: due before that day begins

_BY = re.compile(
    r"(?<!\S)(?:(?P<by>by|para|hasta|até|ate)|(?P<before>before|antes\s+d(?P<article>el|e|o|as|a)))"
    r"(?!\S)",
    re.IGNORECASE,
)
_ARTICLE = {"el": "el ", "o": "o ", "a": "a ", "as": "as "}  # antes del 15 → el 15
_DATE_SHAPED = re.compile(r"^\d{1,4}(?:[/.:-]\d|h\d|hs?\b)")  # `32/13`, `25:00`: meant as a date
_NEEDS = re.compile(r"(?<!\S)(needs|need|necesita|necessita|precisa)(?!\S)", re.IGNORECASE)
_TYPES = {
    **dict.fromkeys(["material", "materiales", "materiais"], MATERIAL),
    **dict.fromkeys(
        ["symbolic", "simbolico", "simbólico", "simbolicos", "simbólicos", "simbólica"], SYMBOLIC
    ),
    **dict.fromkeys(["human", "humano", "humanos", "humana", "humanas"], HUMAN),
}
_TYPE = re.compile(
    r"(?<!\w)(" + "|".join(sorted(_TYPES, key=len, reverse=True)) + r")\s*:", re.IGNORECASE
)
_QUANTITY = re.compile(r"^(\d{1,7})\s+(\S.*)$")
_MARKER = re.compile(MARK + r"(\d+)" + MARK)


@frozen
class ResourceSpec:
    type: str
    description: str
    quantity: int | None = None


@frozen
class OwnerSpec:
    """An owner a command names; one a member named who is not themself must accept."""

    person_id: int
    accepted: bool = True


@frozen
class Draft:
    text: str
    due_at: datetime | None
    resources: list[ResourceSpec] = field(default_factory=list)


def marker(index: int) -> str:
    return f"{MARK}{index}{MARK}"


def parse_commit(body: str, names: Sequence[str], *, tz: str, now: datetime) -> Draft:
    """Read `/commit`'s text (mentions replaced by `marker(i)`, `names[i]` their display)."""
    resources: list[ResourceSpec] = []
    needs = list(_NEEDS.finditer(body))
    tail = None
    if needs:
        last = needs[-1]
        body, tail = body[: last.start()], body[last.end() :]
    body, due_at = _take_due(body, tz=tz, now=now)
    if tail is not None:
        if due_at is None:  # `needs ... by <date>` is read too
            tail, due_at = _take_due(tail, tz=tz, now=now)
        resources = parse_resources(_unmark(tail, names))
    # mentions at the end of the text are owners only; inside it they are also words
    body = re.sub(r"(\s|" + MARK + r"\d+" + MARK + r")+$", "", body)
    text = " ".join(_unmark(body, names).split())
    return Draft(text=clean_text(text), due_at=due_at, resources=resources)


def _take_due(text: str, *, tz: str, now: datetime) -> tuple[str, datetime | None]:
    """Split `<text> by <date>` at the last by-word: (text, due), or (text, None) when what
    follows the by-word is not a moment."""
    found = list(_BY.finditer(text))
    if not found:
        return text, None
    last = found[-1]
    phrase = _MARKER.sub(" ", text[last.end() :]).strip()
    if last["before"]:
        phrase = _ARTICLE.get((last["article"] or "").lower(), "") + phrase
    meant = (not phrase and (last["by"] or "").lower() == "by") or _DATE_SHAPED.match(phrase)
    if not (meant or reads_as_time(phrase)):
        return text, None
    day_time = START_OF_DAY if last["before"] else END_OF_DAY
    return text[: last.start()], read_due(phrase, tz=tz, now=now, day_time=day_time)


def _unmark(text: str, names: Sequence[str]) -> str:
    return _MARKER.sub(lambda m: names[int(m.group(1))], text)


def clean_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise DomainError(
            N_("Write what you will do after the command, for example: {example}"),
            example=COMMIT_EXAMPLE,
        )
    if len(text) > MAX_TEXT:
        raise DomainError(
            N_("That is {length} characters; the most is {limit}. Please shorten it."),
            length=len(text),
            limit=MAX_TEXT,
        )
    return text


def read_due(
    phrase: str,
    *,
    tz: str,
    now: datetime,
    example: str = DUE_EXAMPLE,
    day_time: time = END_OF_DAY,
) -> datetime:
    """A due date typed by a person; a day without a time is at `day_time` (the end of that
    day). `example` is shown in errors: how to write it where it was typed. A phrase with two
    readings raises `timeparse.UnsureTime`, as it is."""
    phrase = phrase.strip()
    if not phrase:
        raise DomainError(N_("Write the date, for example: {example}"), example=example)
    unreadable = N_("I could not read the date “{value}”. Write it like this: {example}")
    with refusing(phrase, unreadable, value=phrase, example=example):
        due = parse_deadline(phrase, tz=tz, now=now, day_time=day_time)
    if due <= now:
        raise DomainError(
            N_("That date has already passed. Give one ahead, for example: {example}"),
            example=example,
        )
    return due


def parse_resources(text: str) -> list[ResourceSpec]:
    """`material: 500 volantes, cinta; human: 3 voluntarios` → typed resources."""
    found: list[ResourceSpec] = []
    for group in text.split(";"):
        # a type word with a colon starts a new type, even without a `;` before it
        pieces: list[tuple[str, str]] = []
        kind, start = MATERIAL, 0
        for match in _TYPE.finditer(group):
            pieces.append((kind, group[start : match.start()]))
            kind, start = _TYPES[match.group(1).lower()], match.end()
        pieces.append((kind, group[start:]))
        for kind, items in pieces:
            for item in items.split(","):
                item = " ".join(item.split())
                if not item:
                    continue
                quantity = None
                if match := _QUANTITY.match(item):
                    quantity, item = int(match.group(1)), match.group(2)
                if len(item) > MAX_RESOURCE:
                    raise DomainError(
                        N_("That is {length} characters; the most is {limit}. Please shorten it."),
                        length=len(item),
                        limit=MAX_RESOURCE,
                    )
                found.append(ResourceSpec(kind, item, quantity))
    if not found:
        raise DomainError(
            N_("Say what is needed after “needs”, for example: {example}"),
            example="needs material: 500 volantes; human: 3 voluntarios",
        )
    if len(found) > MAX_RESOURCES:
        raise DomainError(
            N_("At most {limit} resources per commitment, please."), limit=MAX_RESOURCES
        )
    return found
