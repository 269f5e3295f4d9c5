"""Every count in the digest and /status agrees with its number, in es and pt_BR (where 0 and
1 are singular, CLDR) — "1 abierta", "2 abiertas", never "1 abiertas" or "0 cerradas"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.i18n import translator
from bot.core.moments import Local
from bot.monitoring import render
from bot.monitoring.views import (
    CharterStanding,
    CommitmentLine,
    DigestView,
    MeetingHeld,
    OpenVote,
)

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def view(n: int, *, opened: int | None = None, closed: int | None = None) -> DigestView:
    """A digest where every count is `n` (the reviews' two counts may differ)."""
    late = CommitmentLine(1, "Pintar", "Ana", NOW - timedelta(days=max(n, 1), hours=1))
    return DigestView(
        timezone="America/Bogota",
        now=NOW,
        late=False,
        quiet=False,
        decisions=(),
        open_votes=(OpenVote("¿Dónde?", NOW + timedelta(days=1), n),),
        completed=(),
        overdue=(late,),
        due_next=(),
        meetings_held=(MeetingHeld("Asamblea", NOW - timedelta(days=1), n),),
        meetings_coming=(),
        notices_pending=(),
        members=max(n, 1),
        charter=CharterStanding(version=3, accepted=n, of=max(n, 1)),
        new_actors=n,
        missing_sectors=(),
        unequal=False,
        reviews_opened=n if opened is None else opened,
        reviews_closed=n if closed is None else closed,
        recognitions=(),
        thanked=(),
    )


EXPECTED = {
    ("es", 1): [
        "falta 1 por votar",
        "1 día de atraso",
        "1 asistió",
        "📜 1 de 1 aceptó la versión 3",
        "🗺 1 perfil de actor nuevo esta semana.",
        "🔁 Revisiones: 1 abierta, 1 cerrada.",
    ],
    ("es", 2): [
        "faltan 2 por votar",
        "2 días de atraso",
        "2 asistieron",
        "📜 2 de 2 aceptaron la versión 3",
        "🗺 2 perfiles de actor nuevos esta semana.",
        "🔁 Revisiones: 2 abiertas, 2 cerradas.",
    ],
    ("pt_BR", 1): [
        "1 ainda não votou",
        "1 dia de atraso",
        "1 presente",
        "📜 1 de 1 aceitou a versão 3",
        "🗺 1 perfil de ator novo nesta semana.",
        "🔁 Revisões: 1 aberta, 1 encerrada.",
    ],
    ("pt_BR", 2): [
        "2 ainda não votaram",
        "2 dias de atraso",
        "2 presentes",
        "📜 2 de 2 aceitaram a versão 3",
        "🗺 2 perfis de ator novos nesta semana.",
        "🔁 Revisões: 2 abertas, 2 encerradas.",
    ],
}


@pytest.mark.parametrize(("lang", "n"), list(EXPECTED))
def test_the_digest_counts_agree_with_their_number(lang: str, n: int) -> None:
    text = render.digest(translator(lang), view(n))
    for fragment in EXPECTED[lang, n]:
        assert fragment in text, (fragment, text)


@pytest.mark.parametrize(
    ("lang", "line", "absent"),
    [
        ("es", "🔁 Revisiones: 1 cerrada. Aprendizajes: /lessons", "0 abierta"),
        ("pt_BR", "🔁 Revisões: 1 encerrada. Aprendizados: /lessons", "0 aberta"),
    ],
)
def test_a_zero_is_not_counted_in_words(lang: str, line: str, absent: str) -> None:
    tr = translator(lang)
    text = render.digest(tr, view(0, opened=0, closed=1))
    assert line in text
    assert absent not in text
    everyone = {"es": "ya votaron todas y todos", "pt_BR": "todo mundo já votou"}[lang]
    assert f"· {everyone}" in text  # an open vote nobody is missing from
    assert "🗺" not in text  # no new actor profiles: the line is left out
    assert render.digest(tr, view(0, opened=0, closed=0)).count("🔁") == 0


@pytest.mark.parametrize(
    ("lang", "counts", "expected"),
    [
        ("es", (0, 0, 0), "🗳 No hay votaciones abiertas.\n⏰ Ningún compromiso vencido · "
                          "📌 nada vence en los próximos 7 días"),
        ("es", (1, 1, 1), "🗳 1 votación abierta\n⏰ 1 compromiso vencido · "
                          "📌 1 vence en los próximos 7 días"),
        ("es", (2, 2, 2), "🗳 2 votaciones abiertas\n⏰ 2 compromisos vencidos · "
                          "📌 2 vencen en los próximos 7 días"),
        ("pt_BR", (0, 0, 0), "🗳 Nenhuma votação aberta.\n⏰ Nenhum compromisso vencido · "
                             "📌 nada vence nos próximos 7 dias"),
        ("pt_BR", (1, 1, 1), "🗳 1 votação aberta\n⏰ 1 compromisso vencido · "
                             "📌 1 vence nos próximos 7 dias"),
        ("pt_BR", (2, 2, 2), "🗳 2 votações abertas\n⏰ 2 compromissos vencidos · "
                             "📌 2 vencem nos próximos 7 dias"),
    ],
)  # fmt: skip
def test_status_counts(lang: str, counts: tuple[int, int, int], expected: str) -> None:
    votes, overdue, soon = counts
    text = render.status(
        translator(lang),
        local=Local("America/Bogota", NOW),
        overdue=overdue,
        due_soon=soon,
        next_meeting=None,
        completion=None,
        open_votes=votes,
    )
    assert expected in text
