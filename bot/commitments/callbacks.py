"""The commitments' buttons. Each carries the commitment's row id; the group comes from the
chat the button is in, and the presser's right to change it is checked on every press."""

from __future__ import annotations

from bot.core.callbacks import Callback
from bot.core.records import frozen


@frozen
class Done(Callback):
    prefix = "cmt:done"
    commitment_id: int


@frozen
class AskProgress(Callback):
    prefix = "cmt:prog"
    commitment_id: int


@frozen
class SetProgress(Callback):
    prefix = "cmt:pct"
    commitment_id: int
    percent: int


@frozen
class Back(Callback):
    prefix = "cmt:back"
    commitment_id: int


@frozen
class Block(Callback):
    prefix = "cmt:block"
    commitment_id: int


@frozen
class Resume(Callback):
    prefix = "cmt:go"
    commitment_id: int


@frozen
class Help(Callback):
    prefix = "cmt:help"
    commitment_id: int


@frozen
class Accept(Callback):
    prefix = "cmt:ok"
    commitment_id: int


@frozen
class Decline(Callback):
    """ "I can't": a person asked to take it declines (in the group or in private)."""

    prefix = "cmt:no"
    commitment_id: int


@frozen
class Page(Callback):
    """A page of the board; `person_id` 0 = everyone's."""

    prefix = "cmt:page"
    page: int
    person_id: int
