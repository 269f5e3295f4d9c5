"""One handled update: a transaction, then what the bot says.

A feature handler is `async def f(turn: Turn) -> None`, wrapped with `@handler(...)`. The
wrapper
1. checks where the command may be used and, for coordinator commands, who sent it;
2. opens one transaction that records the update id (a redelivered update stops here and
   changes and sends nothing), registers the chat and the sender, and runs the handler;
3. commits, and only then sends what the handler queued (`turn.reply`, `turn.toast`, …).
A `DomainError` rolls the handler's changes back (the whole transaction; a second short one
then records the update and registers chat and sender) and answers with its one short
sentence instead; any other exception rolls everything back and reaches the error
handler, so a redelivery of that update is tried again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.core import outbox, questions
from bot.core.callbacks import Callback
from bot.core.claims import AlreadyHandled, Claim, Hold
from bot.core.errors import DomainError
from bot.core.i18n import N_, Translator, translator
from bot.core.messenger import Messenger
from bot.core.moments import Local
from bot.core.observe import bind_log
from bot.core.permissions import is_coordinator
from bot.core.reading import Mention, command_end, mentions, replied_to
from bot.core.runtime import BotContext, IdentifyFn, Identity, Runtime, identify_nobody
from bot.core.timeparse import UnsureTime

log = logging.getLogger(__name__)

Action = Callable[[Messenger], Awaitable[Any]]
C = TypeVar("C", bound=Callback)

NOT_COORDINATOR = N_(
    "Only coordinators can do that. A group admin can make you one with /coordinator add."
)
GROUPS_ONLY = N_("That command works in a group. Add me to your group and try it there.")


HoldRule = Callable[[Update], Hold | None]


@dataclass
class Turn:
    update: Update
    context: BotContext
    session: AsyncSession
    identity: Identity
    tr: Translator
    now: datetime  # the program's clock, read once when the update's handling began
    # whether the sender coordinates the group: known for `@handler(coordinator=…)` and
    # `@handler(knows_role=True)`, else False
    coordinator: bool = False
    handler: str = ""  # the handler's key (`handler_key`)
    actions: list[Action] = field(default_factory=list)
    outgoing: list[outbox.Outgoing] = field(default_factory=list)  # stored before the commit
    answered: bool = False
    # the lock `@handler(hold=…)` asked for is held (taken with the claim, on PostgreSQL)
    held: bool = False

    # -- where and who ------------------------------------------------------------------
    @property
    def runtime(self) -> Runtime:
        return self.context.runtime

    @property
    def chat(self) -> Chat:
        chat = self.update.effective_chat
        assert chat is not None
        return chat

    @property
    def user(self) -> User | None:
        return self.update.effective_user

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def is_private(self) -> bool:
        return self.chat.type == ChatType.PRIVATE

    @property
    def group_id(self) -> int:
        """The group's row id; only for handlers that run in groups."""
        assert self.identity.group_id is not None
        return self.identity.group_id

    @property
    def args(self) -> list[str]:
        return list(self.context.args or [])

    def pressed(self, kind: type[C]) -> C:
        """The pressed button's data as `kind`; a forged or outdated one is the stale-button
        answer (a `DomainError`)."""
        query = self.update.callback_query
        assert query is not None
        return kind.parse_or_stale(query.data)

    @property
    def local(self) -> Local:
        """The group's (or the chat's) time zone and this turn's "now", to show moments."""
        return Local(self.identity.timezone, self.now)

    @property
    def replied(self) -> Message | None:
        """The message this one replies to, unless that is only the forum topic's first."""
        return replied_to(self.message)

    @property
    def command_end(self) -> int:
        """Where the command's arguments begin in the message's text (a Python index)."""
        return command_end(self.message)

    def mentions(self, start: int = 0) -> list[Mention]:
        """The message's mentions from `start` (a Python index) on, in order."""
        return mentions(self.message, start)

    @property
    def thread_id(self) -> int | None:
        """The forum topic the update came from, so that replies land in it."""
        message = self.message
        if message is not None and message.is_topic_message:
            return message.message_thread_id
        return None

    # -- what to say, after the commit -----------------------------------------------
    def reply(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Answer in the chat (and topic) the update came from, quoting a command message."""
        quote = self.message.message_id if self.message and not self.update.callback_query else None
        self.post(self.chat.id, text, markup, thread_id=self.thread_id, reply_to=quote)

    def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        thread_id: int | None = None,
    ) -> None:
        self.post(chat_id, text, markup, thread_id=thread_id)

    def post(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
        after: str | None = None,
        after_args: dict[str, Any] | None = None,
    ) -> None:
        """A message through the outbox (core.outbox): stored with the turn's changes, sent
        after the commit, retried until it is; `after` names what to record once it is sent."""
        item = outbox.Outgoing(
            chat_id, text, thread_id, reply_to, outbox.keyboard(markup), after, after_args
        )
        self.outgoing.append(item)
        runtime = self.runtime
        self.actions.append(lambda _messenger: outbox.deliver(runtime, item))

    def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Edit the message whose button was pressed."""
        query = self.update.callback_query
        assert query is not None and query.message is not None
        chat_id, message_id = query.message.chat.id, query.message.message_id

        async def edit(messenger: Messenger) -> Any:
            return await messenger.edit(chat_id, message_id, text, markup=markup)

        self.actions.append(edit)

    def toast(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the pressed button with a short notice (nothing is posted in the chat)."""
        query = self.update.callback_query
        if query is None:
            if text:
                self.reply(text)
            return
        self.answered = True
        query_id = query.id

        async def answer(messenger: Messenger) -> Any:
            return await messenger.answer(query_id, text, alert=alert)

        self.actions.append(answer)

    def then(self, action: Action) -> None:
        """Any other call to Telegram, made after the commit."""
        self.actions.append(action)

    def fail(self, error: DomainError) -> None:
        """Replace everything queued with the error's one sentence (toast or reply)."""
        self.actions.clear()
        self.outgoing.clear()
        self.answered = False
        self.toast(error.render(self.tr), alert=False)

    async def store(self) -> None:
        """Write the outgoing messages into the turn's transaction (just before its commit)."""
        runtime = self.runtime
        await outbox.store(
            self.session, self.outgoing, self.update.update_id, runtime.instance, self.now
        )

    async def flush(self) -> None:
        """Say what the committed turn queued. A Telegram failure now is logged, not raised:
        what was stored stays stored, and its messages are in the outbox."""
        if self.update.callback_query is not None and not self.answered:
            self.toast()
        messenger = self.runtime.messenger
        for action in self.actions:
            try:
                await action(messenger)
            except TelegramError as exc:
                log.warning("update %s: after its commit, %s", self.update.update_id, exc)


TurnHandler = Callable[[Turn], Awaitable[None]]


@functools.cache
def handler_key(fn: TurnHandler) -> str:
    """`groups.bot_membership` for bot.groups.handlers.bot_membership: short and stable."""
    module = fn.__module__.removeprefix("bot.").removesuffix(".handlers")
    return f"{module}.{fn.__qualname__}"[-80:]


# True, or a test of the command's arguments: `lambda args: bool(args)` = "to change, not to look"
CoordinatorRule = bool | Callable[[list[str]], bool]
# True, or a test of the update: whether this one's handling can depend on the sender's role
RoleRule = bool | Callable[[Update], bool]


def handler(
    *,
    coordinator: CoordinatorRule = False,
    groups_only: bool = False,
    register: bool = True,
    knows_role: RoleRule = False,
    hold: HoldRule | None = None,
) -> Callable[[TurnHandler], Callable[[Update, BotContext], Awaitable[None]]]:
    """Wrap a feature handler in the transaction, permission and delivery rules above.

    The permission is checked before the transaction opens: it may ask Telegram for the
    group's admins, and no Telegram call happens inside a transaction. `register=False` skips
    registering the chat and sender (for service messages about the chat itself).
    `knows_role=True`: anyone may use it, and the handler is told whether the sender is a
    coordinator (`turn.coordinator`), for actions that owners and coordinators may take; a
    test of the update instead of True looks the role up only for the updates it passes
    (the lookup is a read before the transaction, sometimes a call to Telegram).
    `hold`: the shared advisory lock (or None) the update's transaction holds from its first
    statement on, taken with the update's claim (`claims.Claim`); the turn says `held`.
    """

    def wrap(fn: TurnHandler) -> Callable[[Update, BotContext], Awaitable[None]]:
        _HANDLERS[handler_key(fn)] = (fn, coordinator)

        @functools.wraps(fn)
        async def run(update: Update, context: BotContext) -> None:
            await handle(
                update,
                context,
                fn,
                coordinator=coordinator,
                groups_only=groups_only,
                register=register,
                knows_role=knows_role,
                hold=hold,
            )

        return run

    return wrap


async def handle(
    update: Update,
    context: BotContext,
    fn: TurnHandler,
    *,
    coordinator: CoordinatorRule = False,
    groups_only: bool = False,
    register: bool = True,
    knows_role: RoleRule = False,
    hold: HoldRule | None = None,
) -> None:
    runtime = context.runtime
    chat = update.effective_chat
    if chat is None:
        return
    needs_coordinator = (
        coordinator(list(context.args or [])) if callable(coordinator) else coordinator
    )
    refusal: DomainError | None = None
    role = False
    if groups_only and chat.type == ChatType.PRIVATE:
        refusal = DomainError(GROUPS_ONLY)
    elif needs_coordinator or (knows_role(update) if callable(knows_role) else knows_role):
        message = update.effective_message
        sender_chat = message.sender_chat if message and not update.callback_query else None
        role = await is_coordinator(runtime, chat, update.effective_user, sender_chat)
        if needs_coordinator and not role:
            refusal = DomainError(NOT_COORDINATOR)

    key = handler_key(fn)
    bind_log(update.update_id, chat.id, key)
    identify = runtime.identify if register else identify_nobody
    failure: DomainError | None = refusal
    doubt: UnsureTime | None = None
    if failure is None:
        try:
            async with runtime.db(short=True) as session:
                held = hold(update) if hold is not None else None
                turn = await _begin(session, update, context, key, identify, role, held)
                if turn is None:
                    return
                try:
                    await fn(turn)
                    await turn.store()
                except DomainError as error:
                    failure = error
                    raise _Undo from error
                except UnsureTime as unsure:
                    doubt = unsure
                    raise _Undo from unsure
        except _Undo:
            pass
    if failure is not None or doubt is not None:
        # a DomainError undoes the handler's changes (the whole first transaction, which is
        # cheaper on the common path than a savepoint per update); the update's record and
        # the registration of the chat and the sender are then made on their own, with the
        # error's sentence, or the question a time with two readings asks
        async with runtime.db(short=True) as session:
            turn = await _begin(session, update, context, key, identify, role)
            if turn is None:
                return
            if doubt is not None:
                await questions.ask(turn, doubt, key)
            else:
                assert failure is not None
                turn.fail(failure)
            await turn.store()
    await turn.flush()


# every `@handler`'s function and coordinator rule by key, so that a kept update can run again
_HANDLERS: dict[str, tuple[TurnHandler, CoordinatorRule]] = {}


def registered(key: str) -> tuple[TurnHandler, CoordinatorRule] | None:
    return _HANDLERS.get(key)


async def run_kept(turn: Turn, kept: Update, target: tuple[TurnHandler, CoordinatorRule]) -> None:
    """Run a kept update's handler inside `turn` (a button press by the same person in the
    same chat): its changes join the press's transaction, behind a savepoint, and what it
    says is said after the press's commit. The coordinator rule is checked again."""
    fn, rule = target
    message = kept.effective_message
    text = (message.text or "") if message is not None else ""
    context = BotContext.from_update(kept, turn.context.application)
    context.args = text.split()[1:] if text.startswith("/") else None
    needs = rule(list(context.args or [])) if callable(rule) else rule
    if needs and not turn.coordinator:
        raise DomainError(NOT_COORDINATOR)
    inner = Turn(
        kept,
        context,
        turn.session,
        turn.identity,
        turn.tr,
        turn.now,
        turn.coordinator,
        handler_key(fn),
    )
    async with turn.session.begin_nested():
        await fn(inner)
    turn.actions.extend(inner.actions)
    turn.outgoing.extend(inner.outgoing)


async def _begin(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    key: str,
    identify: IdentifyFn,
    coordinator: bool,
    hold: Hold | None = None,
) -> Turn | None:
    """Record the update as handled by `key` (holding `hold`) and register its chat and sender:
    the turn, or None when this handler has handled the update already (a redelivery)."""
    now = context.runtime.clock.now()
    claim = Claim(update.update_id, key, now, hold)
    try:
        # the claim is made with the registration's first read (`claims`), else here
        identity = await identify(session, update, context.runtime.settings, now, claim)
        await claim.make(session)
    except AlreadyHandled:
        log.info("update %s was handled already by %s", update.update_id, key)
        await session.rollback()  # whatever `identify` wrote before it knew
        return None
    tr = translator(identity.language)
    turn = Turn(update, context, session, identity, tr, now, coordinator, key)
    turn.held = hold is not None
    return turn


class _Undo(Exception):
    """Rolls back the handler's transaction after a DomainError (caught in `handle`)."""


def command(name: str, callback: Callable[[Update, BotContext], Awaitable[None]]) -> CommandHandler:
    """A command handler for new messages only: an edited command is not run a second time."""
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)
