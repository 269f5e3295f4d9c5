"""Plain values a vote is shown from (no database, no Telegram): what renderers receive."""

from __future__ import annotations

from datetime import datetime

from bot.core.records import frozen
from bot.votes import rules


def n_options(kind: str, options: list[str]) -> int:
    return rules.PROPOSAL_OPTIONS if kind == rules.VoteKind.PROPOSAL else len(options)


@frozen
class Voter:
    person_id: int
    first_name: str
    last_name: str | None
    choices: int
    reason: str | None
    # a position a coordinator recorded for the member: who (their name; "" for an
    # anonymous admin) and when
    recorded_by: str | None = None
    recorded_at: datetime | None = None


@frozen
class VoteView:
    id: int
    kind: str
    question: str
    options: tuple[str, ...]
    multi: bool
    anonymous: bool
    quorum: int | None
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    outcome: str | None
    chat_id: int
    message_id: int | None
    thread_id: int | None
    language: str
    timezone: str
    group_active: bool
    members: int
    voters: tuple[Voter, ...]
    decision_number: int | None = None
    amendment: bool = False  # a charter change (`/rules propose`)
    charter_version: int | None = None  # the version it made, once passed

    @property
    def n_options(self) -> int:
        return n_options(self.kind, list(self.options))

    @property
    def stances(self) -> list[rules.Stance]:
        return [rules.Stance(v.choices, bool(v.reason)) for v in self.voters]


AGREEMENT = "agreement"  # the kind of a DecisionLine that is no vote: a meeting's agreement


@frozen
class DecisionLine:
    number: int
    question: str
    kind: str  # a VoteKind, or AGREEMENT
    outcome: str
    winners: tuple[str, ...]
    decided_at: datetime
    chat_id: int
    message_id: int | None
