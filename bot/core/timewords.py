"""The words of dates, times and durations in Spanish, Brazilian Portuguese and English, as
`bot.core.timeparse` reads them: plain tables, and `normalize`, which every phrase goes through
first (lower case, no accents, one spelling for the words written several ways).

Pure and stdlib only. Keys are normalized (no accents): `sabado`, `amanha`, `tres`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import time

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

# the last day of the month, and a week (this one or the next) as a span of days
END_OF_MONTH = (
    "fin de mes",
    "fin del mes",
    "final de mes",
    "final del mes",
    "fim do mes",
    "fim de mes",
    "final do mes",
    "end of the month",
    "end of month",
    "the end of the month",
)
WEEKS = {
    **dict.fromkeys(["esta semana", "nesta semana", "essa semana", "this week"], 0),
    **dict.fromkeys(
        [
            "la semana que viene",
            "semana que viene",
            "la proxima semana",
            "proxima semana",
            "la semana proxima",
            "a semana que vem",
            "semana que vem",
            "na semana que vem",
            "a proxima semana",
            "na proxima semana",
            "next week",
        ],
        1,
    ),
}


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
# a part of the day said without an hour (`mañana a la tarde`): the hour it stands for
PART_TIMES = {
    **dict.fromkeys(["manana", "manha", "morning"], time(9, 0)),
    **dict.fromkeys(["tarde", "afternoon"], time(15, 0)),
    **dict.fromkeys(["noche", "noite", "evening", "night"], time(20, 0)),
}
BARE_PARTS = ("morning", "afternoon", "evening", "night")  # said after a day with no little word
# minutes said in words after an hour: `a las 5 y media`, `às 7 e quinze`
MINUTE_WORDS = {
    **dict.fromkeys(["y media", "e meia"], 30),
    **dict.fromkeys(["y cuarto", "y quince", "e quinze", "e um quarto"], 15),
}

# numbers in words, for durations: `una semana`, `dos días`, `três horas`, `a week`
NUMBERS = {
    **dict.fromkeys(["un", "una", "uno", "um", "uma", "a", "an", "one"], 1),
    **dict.fromkeys(["dos", "dois", "duas", "two"], 2),
    **dict.fromkeys(["tres", "three"], 3),
    **dict.fromkeys(["cuatro", "quatro", "four"], 4),
    **dict.fromkeys(["cinco", "five"], 5),
    **dict.fromkeys(["seis", "six"], 6),
    **dict.fromkeys(["siete", "sete", "seven"], 7),
    **dict.fromkeys(["ocho", "oito", "eight"], 8),
    **dict.fromkeys(["nueve", "nove", "nine"], 9),
    **dict.fromkeys(["diez", "dez", "ten"], 10),
    **dict.fromkeys(["once", "onze", "eleven"], 11),
    **dict.fromkeys(["doce", "doze", "twelve"], 12),
}
UNITS = {
    **dict.fromkeys(["m", "min", "mins", "minuto", "minutos", "minute", "minutes"], "minutes"),
    **dict.fromkeys(["h", "hs", "hr", "hrs", "hora", "horas", "hour", "hours"], "hours"),
    **dict.fromkeys(["d", "dia", "dias", "day", "days"], "days"),
    **dict.fromkeys(["w", "semana", "semanas", "week", "weeks"], "weeks"),
}
CLOCK_UNITS = ("h", "hs", "hr", "hrs")  # `18h` is a time of day, `48h` (above 23) a duration
HALF_HOUR = ("media hora", "meia hora", "half an hour", "half hour")
AND_A_HALF = ("y media", "y medio", "e meia", "e meio", "and a half")
DURATION_LEADS = ("en", "em", "in", "within", "dentro de", "daqui a", "daqui", "de aqui a")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so `pasado manana` wins over `manana`."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PART = alternation(PART_TIMES)


def normalize(text: str) -> str:
    """Lower case, no accents, `p. m.` → `pm`, `sexta-feira` → `sexta`, `esta noche`/`tonight`
    → `hoy a la noche`, single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=[a-z])\.", "", text)  # p.m. → pm, dic. → dic
    text = re.sub(r"(?<=\d)\s*([ap])\s?m\b", r"\1m", text)  # 7 p m → 7pm
    text = re.sub(r"\b(segunda|terca|quarta|quinta|sexta)[- ]feira\b", r"\1", text)
    text = re.sub(r"\b(meio|medio)[- ]?dia\b", r"\1dia", text)
    text = re.sub(rf"\b(?:esta|this|nesta|essa)\s+({_PART})\b", r"hoy a la \1", text)
    text = re.sub(r"\btonight\b", "hoy a la noche", text)
    text = re.sub(r"[,;!?()]", " ", text)
    return " ".join(text.split()).strip(".")
