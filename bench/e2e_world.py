"""The world of bench/e2e.py: the HTTP double that times the bot's answers, and 50 groups × 40
members with their proposals, and the updates they make (chatter, clicks, reactions, commands,
joins)."""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass, field
from typing import Any

from bot.core.clock import SYSTEM
from tests.telegram_double import Chat
from tests.updates import TChat, TUser, Updates
from tests.web.botapi import HttpBotApi

GROUPS, MEMBERS = 50, 40
MIX = {"chatter": 70, "click": 15, "reaction": 5, "command": 5, "join": 5}
PHRASES = ("hola a todos", "¿quién trae las sillas?", "mañana no puedo", "gracias!", "👍")


class TimedApi(HttpBotApi):
    """The double, noting when each update was available and when the bot answered it."""

    def __init__(self) -> None:
        super().__init__()
        self.available: dict[int, float] = {}
        self.answered: dict[int, float] = {}
        self.awaited: dict[Any, int] = {}  # a query id or (chat, command's message) → update

    def offer(self, updates: list[dict[str, Any]]) -> None:
        now = time.monotonic()
        for update in updates:
            self.available[update["update_id"]] = now
            if key := answer_key(update):
                self.awaited[key] = update["update_id"]
        self.inbox.deliver(updates)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        now = time.monotonic()
        key: Any = None
        if method == "answerCallbackQuery":
            key = params.get("callback_query_id")
        elif method == "sendMessage" and isinstance(params.get("reply_parameters"), dict):
            key = (int(params["chat_id"]), params["reply_parameters"].get("message_id"))
        if key is not None and key in self.awaited:
            self.answered.setdefault(self.awaited[key], now)
        return super().answer(method, params)


def answer_key(update: dict[str, Any]) -> Any:
    if query := update.get("callback_query"):
        return query["id"]
    message = update.get("message") or {}
    if message.get("text", "").startswith("/"):
        return (message["chat"]["id"], message["message_id"])
    return None


def kind_of(update: dict[str, Any]) -> str:
    if "callback_query" in update:
        return "click"
    return "command" if answer_key(update) else "other"


@dataclass
class World:
    """The groups, their people and their proposals, and the updates they make."""

    u: Updates = field(default_factory=lambda: Updates(SYSTEM))
    rng: random.Random = field(default_factory=lambda: random.Random(19))
    groups: list[TChat] = field(default_factory=list)
    coordinators: list[TUser] = field(default_factory=list)
    members: list[list[TUser]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)  # the message, as JSON
    buttons: list[list[str]] = field(default_factory=list)
    newcomers: itertools.count[int] = field(default_factory=lambda: itertools.count(3_000_000))

    def __post_init__(self) -> None:
        for g in range(GROUPS):
            self.groups.append(TChat(-1001000000000 - g, "supergroup", f"Barrio {g}"))
            self.coordinators.append(TUser(2_000_000 + g, f"Coordinadora {g}", f"coord_{g}"))
            people = range(MEMBERS)
            self.members.append(
                [
                    TUser(1_000_000 + g * 100 + m, f"Vecina {g}-{m}", f"vecina_{g}_{m}")
                    for m in people
                ]
            )

    def setup(self, api: TimedApi) -> list[dict[str, Any]]:
        updates = []
        with api.lock:
            for chat, coordinator in zip(self.groups, self.coordinators, strict=True):
                api.tg.add_chat(Chat(chat.id, chat.type, chat.title))
                api.tg.set_admins(chat.id, (coordinator, "creator"))
        for chat, coordinator in zip(self.groups, self.coordinators, strict=True):
            updates.append(self.u.my_chat_member(chat, coordinator, "left", "administrator"))
            updates.append(self.u.command(chat, coordinator, "/propose Pintar el mural del barrio"))
        for chat, people in zip(self.groups, self.members, strict=True):
            updates += [self.u.message(chat, person, "hola, presente") for person in people]
        return updates

    def find_proposals(self, api: TimedApi, bare: bool) -> None:
        """Each group's proposal message (Minga's), or one with such buttons (the bare bot's)."""
        with api.lock:
            for chat in self.groups:
                if bare:
                    markup = {"inline_keyboard": [[
                        {"text": label, "callback_data": f"vote:c:{chat.id % 1000}:{i}"}
                        for i, label in enumerate(("A favor", "En contra", "Me abstengo"))
                    ]]}  # fmt: skip
                    sent = api.tg.api_sendMessage(
                        {"chat_id": chat.id, "text": "Pintar el mural", "reply_markup": markup}
                    )
                    message_id = sent["message_id"]
                else:
                    [message_id] = [
                        mid
                        for (chat_id, mid), sent in api.tg.messages.items()
                        if chat_id == chat.id and any("vote:c" in d for d in sent.button_data)
                    ]
                shown = api.tg.message_json(chat.id, message_id)
                self.proposals.append(shown)
                self.buttons.append(
                    [b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"]
                     for b in row if b["callback_data"].startswith("vote:c")]
                )  # fmt: skip

    def make(self, kind: str) -> dict[str, Any]:
        g = self.rng.randrange(GROUPS)
        chat, person = self.groups[g], self.rng.choice(self.members[g])
        if kind == "chatter":
            return self.u.message(chat, person, self.rng.choice(PHRASES))
        if kind == "click":
            return self.u.callback(person, self.proposals[g], self.rng.choice(self.buttons[g]))
        if kind == "reaction":
            emoji = self.rng.choice(("👍", "👎", "❤"))
            return self.u.reaction(chat, person, self.proposals[g]["message_id"], [emoji])
        if kind == "command":
            if self.rng.random() < 0.5:
                return self.u.command(chat, person, "/status")
            return self.u.command(chat, person, "/commit Llevar las sillas by viernes")
        newcomer = TUser(next(self.newcomers), "Recién llegada", None)
        return self.u.chat_member(chat, newcomer, newcomer, "left", "member")

    def load(self, kinds: dict[str, int], count: int) -> list[dict[str, Any]]:
        total = sum(kinds.values())
        names = [k for k, share in kinds.items() for _ in range(round(count * share / total))]
        self.rng.shuffle(names)
        names = [*names[: count - 1], "click"]  # a click last: its answer ends the load
        return [self.make(kind) for kind in names]
