"""The words of dates, times and durations in Spanish, Brazilian Portuguese and English, as
`bot.core.timeparse` reads them: plain tables, and `normalize`, which every phrase goes through
first.

Pure and stdlib only. Keys are normalized (no accents): `sabado`, `amanha`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

WEEKDAYS = {
    **dict.fromkeys(["lunes", "lun", "segunda", "seg", "monday", "mon"], 0),
    **dict.fromkeys(["martes", "terca", "ter", "tuesday", "tue", "tues"], 1),
    **dict.fromkeys(["miercoles", "mie", "quarta", "qua", "wednesday", "wed"], 2),
    **dict.fromkeys(["jueves", "jue", "quinta", "qui", "thursday", "thu", "thur", "thurs"], 3),
    **dict.fromkeys(["viernes", "vie", "sexta", "friday", "fri"], 4),
    **dict.fromkeys(["sabado", "sab", "saturday", "sat"], 5),
    **dict.fromkeys(["domingo", "dom", "sunday", "sun"], 6),
}
MONTHS = {
    **dict.fromkeys(["enero", "janeiro", "january", "jan", "ene"], 1),
    **dict.fromkeys(["febrero", "fevereiro", "february", "feb", "fev"], 2),
    **dict.fromkeys(["marzo", "marco", "march", "mar"], 3),
    **dict.fromkeys(["abril", "april", "apr", "abr"], 4),
    **dict.fromkeys(["mayo", "maio", "may", "mai"], 5),
    **dict.fromkeys(["junio", "junho", "june", "jun"], 6),
    **dict.fromkeys(["julio", "julho", "july", "jul"], 7),
    **dict.fromkeys(["agosto", "august", "aug", "ago"], 8),
    **dict.fromkeys(["septiembre", "setiembre", "setembro", "september", "sep", "sept", "set"], 9),
    **dict.fromkeys(["octubre", "outubro", "october", "oct", "out"], 10),
    **dict.fromkeys(["noviembre", "novembro", "november", "nov"], 11),
    **dict.fromkeys(["diciembre", "dezembro", "december", "dec", "dic", "dez"], 12),
}
RELATIVE_DAYS = {
    **dict.fromkeys(["hoy", "hoje", "today"], 0),
    **dict.fromkeys(["manana", "amanha", "tomorrow"], 1),
    **dict.fromkeys(["pasado manana", "depois de amanha", "day after tomorrow"], 2),
}
NOON = ("mediodia", "meiodia", "noon", "midday")


def _morning(hour: int) -> int | None:
    return hour if 1 <= hour <= 12 else None  # "12 de la mañana" is noon, as people say it


def _small_hours(hour: int) -> int | None:
    return hour % 12 if 1 <= hour <= 6 or hour == 12 else None


def _afternoon(hour: int) -> int | None:
    return hour % 12 + 12 if 1 <= hour <= 12 else None


def _evening(hour: int) -> int | None:
    return hour + 12 if 5 <= hour <= 11 else None


# part of the day → how an hour said with it becomes 0..23 (None: not said that way)
PERIODS: dict[str, Callable[[int], int | None]] = {
    **dict.fromkeys(["manana", "manha", "morning"], _morning),
    "madrugada": _small_hours,
    **dict.fromkeys(["tarde", "afternoon"], _afternoon),
    **dict.fromkeys(["noche", "noite", "evening", "night"], _evening),
}


def alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so `pasado manana` wins over `manana`."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


UNITS = {
    **dict.fromkeys(["m", "min", "mins", "minuto", "minutos", "minute", "minutes"], "minutes"),
    **dict.fromkeys(["h", "hs", "hr", "hrs", "hora", "horas", "hour", "hours"], "hours"),
    **dict.fromkeys(["d", "dia", "dias", "day", "days"], "days"),
    **dict.fromkeys(["w", "semana", "semanas", "week", "weeks"], "weeks"),
}


def normalize(text: str) -> str:
    """Lower case, no accents, `p.m.` → `pm`, `sexta-feira` → `sexta`, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z])\.", "", text)  # p.m. → pm, dic. → dic
    text = re.sub(r"\b(segunda|terca|quarta|quinta|sexta)[- ]feira\b", r"\1", text)
    text = re.sub(r"\b(meio|medio)[- ]?dia\b", r"\1dia", text)
    text = re.sub(r"[,;!?()]", " ", text)
    return " ".join(text.split()).strip(".")
