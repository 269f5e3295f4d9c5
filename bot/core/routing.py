"""Handlers found by a look-up where PTB would try each in turn.

PTB hands an update to the handlers of a group one by one until one's `check_update` matches:
a button press tried every button pattern of every feature before it (a vote's, the 28th), and
every update tried every command handler. `route(application)` replaces, in each group, the
button handlers whose pattern starts with a fixed `^feature:kind` by one `ButtonRouter` (where
the first of them was), and each run of neighbouring command handlers by one `CommandRouter`:
each finds its candidates by the button's prefix or the command's name, in a dict, and asks
only them, in their order. What handles an update is what PTB's walk would have chosen: a
router asks only handlers that could match, and stands where they stood.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from telegram import MessageEntity, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageReactionHandler,
    PollAnswerHandler,
    PollHandler,
)

# a button pattern as `Callback.pattern()` writes them: `^vote:c:…$`, `^grp:helpx$`
_KEYED = re.compile(r"\^([A-Za-z0-9_]+:[A-Za-z0-9_]+)(?::|\$)")
_NO_MATCH: Any = None


def button_key(data: str) -> str:
    """`vote:c` of `vote:c:12:3`: what a button's data is routed by."""
    return ":".join(data.split(":", 2)[:2])


def _pattern_key(handler: BaseHandler[Any, Any, Any]) -> str | None:
    if type(handler) is not CallbackQueryHandler or not isinstance(handler.pattern, re.Pattern):
        return None
    keyed = _KEYED.match(handler.pattern.pattern)
    return keyed.group(1) if keyed else None


class Router(BaseHandler[Update, Any, Any]):
    """Asks the handlers its key finds; handles with the first that matches."""

    def __init__(self, handlers: list[BaseHandler[Any, Any, Any]], block: Any) -> None:
        super().__init__(self._unused, block=block)
        self.routes: dict[str, list[BaseHandler[Any, Any, Any]]] = defaultdict(list)
        self.handlers = handlers

    @staticmethod
    async def _unused(update: object, context: object) -> None:  # pragma: no cover
        raise AssertionError("a router handles with the handler it found")

    def key(self, update: Update) -> str | None:
        raise NotImplementedError

    def check_update(self, update: object) -> Any:
        if not isinstance(update, Update):
            return _NO_MATCH
        key = self.key(update)
        for handler in self.routes.get(key, ()) if key is not None else ():
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return _NO_MATCH

    async def handle_update(
        self, update: Update, application: Any, check_result: Any, context: Any
    ) -> Any:
        handler, check = check_result
        return await handler.handle_update(update, application, check, context)


class ButtonRouter(Router):
    def __init__(self, handlers: list[BaseHandler[Any, Any, Any]], block: Any) -> None:
        super().__init__(handlers, block)
        for handler in handlers:
            key = _pattern_key(handler)
            assert key is not None
            self.routes[key].append(handler)
        # PTB gives a press with no data (nor a game) to the first button handler: any matches
        self.routes[""] = handlers[:1]

    def key(self, update: Update) -> str | None:
        query = update.callback_query
        if query is None:
            return None
        if not query.data:
            return "" if not query.game_short_name else None
        return button_key(query.data) if isinstance(query.data, str) else None


class CommandRouter(Router):
    def __init__(self, handlers: list[BaseHandler[Any, Any, Any]], block: Any) -> None:
        super().__init__(handlers, block)
        for handler in handlers:
            assert isinstance(handler, CommandHandler)
            for name in sorted(handler.commands):
                self.routes[name].append(handler)

    def key(self, update: Update) -> str | None:
        """The command's name, as `CommandHandler.check_update` reads it; None for a message
        no command handler takes."""
        message = update.effective_message
        if message is None or not message.entities or not message.text:
            return None
        first = message.entities[0]
        if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
            return None
        return message.text[1 : first.length].split("@", 1)[0].lower()


def route(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Put routers in place of the handlers they can find, in every group (see above)."""
    for group, handlers in application.handlers.items():
        application.handlers[group] = _routed(handlers)


# handlers that take no message (so no command) and no button press: transparent to both runs
NO_MESSAGE = (ChatMemberHandler, MessageReactionHandler, PollAnswerHandler, PollHandler)


def _routed(handlers: list[BaseHandler[Any, Any, Any]]) -> list[BaseHandler[Any, Any, Any]]:
    out: list[BaseHandler[Any, Any, Any]] = []
    # buttons: all keyed ones before the first unkeyed button handler (a catch-all stays
    # behind every pattern, as it was); no other kind of handler takes a button press
    buttons: list[BaseHandler[Any, Any, Any]] = []
    button_slot: int | None = None
    closed = False
    # command handlers with no handler between them that could take a message
    run: list[BaseHandler[Any, Any, Any]] = []

    def end_run() -> None:
        if len(run) > 1 and len({h.block for h in run}) == 1:
            out.append(CommandRouter(list(run), run[0].block))
        else:
            out.extend(run)
        run.clear()

    for handler in handlers:
        if type(handler) is CommandHandler:
            run.append(handler)
        elif not closed and _pattern_key(handler) is not None:
            if button_slot is None:
                button_slot = len(out)
                out.append(handler)  # its place, taken by the router below
            buttons.append(handler)
        elif isinstance(handler, CallbackQueryHandler):
            closed = True
            out.append(handler)
        else:
            if not isinstance(handler, NO_MESSAGE):
                end_run()
            out.append(handler)
    end_run()
    if len(buttons) > 1 and len({h.block for h in buttons}) == 1:
        assert button_slot is not None
        out[button_slot] = ButtonRouter(buttons, buttons[0].block)
    elif len(buttons) > 1:  # as they were, in their places
        return list(handlers)
    return out
