"""A Bot API stand-in as strict as Telegram, plugged into PTB as its `BaseRequest`.

It answers the methods the bot uses with realistic JSON, records every call, keeps the
messages it "delivered" (so edits can be checked), and rejects what Telegram rejects: a text
over 4096 characters, HTML Telegram cannot parse, callback data over 64 bytes, an edit that
changes nothing, a second answer to one callback query, a send to a group the bot has left.
A test can make the next call of a method fail with a real Telegram error (or raise a timeout),
or make every call about one chat fail until it is mended.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.core.clock import Clock
from tests.updates import BOT_USER, TUser, member_json

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
# <tg-time unix="…" format="…">: a date-time entity; the format is r, or w?[dD]?[tT]?
TG_TIME = re.compile(r'\s+unix="\d+"(?:\s+format="(?:r|w?[dD]?[tT]?)")?\s*')
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_OPTIONS = (2, 12)
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """What Telegram answers when it refuses a call."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> tuple[int, bytes]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return self.code, json.dumps(body).encode()


# -- the errors a test can inject ---------------------------------------------------------


def retry_after(seconds: int = 5) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def server_error(code: int = 502, description: str = "Bad Gateway") -> ApiError:
    return ApiError(code, description)


def chat_not_found() -> ApiError:
    return bad_request("chat not found")


def timed_out() -> Exception:
    """What PTB raises when Telegram does not answer in time (a hanging request)."""
    from telegram.error import TimedOut

    return TimedOut()


def forbidden(description: str = "Forbidden: bot was kicked from the group chat") -> ApiError:
    return ApiError(403, description)


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def not_modified() -> ApiError:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def migrated(new_chat_id: int) -> ApiError:
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


def parse_html(text: str) -> str:
    """Telegram's HTML parse mode: the plain text, or the error Telegram gives."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = TAG.match(text, i)
            if match is None:
                raise bad_request(f"can't parse entities: unexpected '<' at byte offset {i}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in ALLOWED_TAGS:
                raise bad_request(
                    f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {i}'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise bad_request(
                        f"can't parse entities: Unmatched end tag at byte offset {i}, expected "
                        f'"</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                if name == "a" and "href=" not in attrs:
                    raise bad_request("can't parse entities: the <a> tag needs an href")
                if name == "tg-time" and not TG_TIME.fullmatch(attrs):
                    raise bad_request(
                        f"can't parse entities: invalid date-time entity at byte offset {i}"
                    )
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = ENTITY.match(text, i)
            if match is None:
                raise bad_request(
                    f"can't parse entities: Unsupported HTML entity at byte offset {i}"
                )
            out.append(html.unescape(match.group(0)))
            i = match.end()
        elif char == ">":
            raise bad_request(f"can't parse entities: unexpected '>' at byte offset {i}")
        else:
            out.append(char)
            i += 1
    if stack:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def _has_web_app(markup: dict[str, Any] | None) -> bool:
    rows = (markup or {}).get("inline_keyboard", [])
    return any("web_app" in button for row in rows for button in row)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    url: str


@dataclass
class Sent:
    """A message the bot has in a chat, as it is now (after any edits)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    markup: dict[str, Any] | None = None
    thread_id: int | None = None
    reply_to: int | None = None
    document: tuple[str, bytes] | None = None
    pinned: bool = False
    edits: int = 0
    poll: dict[str, Any] | None = None

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """[(label, callback_data), …] per row."""
        if not self.markup:
            return []
        return [
            [(b["text"], b.get("callback_data") or b.get("url", "")) for b in row]
            for row in self.markup.get("inline_keyboard", [])
        ]

    @property
    def button_data(self) -> list[str]:
        return [data for row in self.buttons for _, data in row]


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.is_forum:
            data["is_forum"] = True
        return data


class TelegramDouble(BaseRequest):
    def __init__(self, clock: Clock) -> None:
        self.clock = clock  # the dates of the messages it answers with
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], Sent] = {}
        self.order: list[tuple[int, int]] = []
        self.chats: dict[int, Chat] = {}
        self.admins: dict[int, list[dict[str, Any]]] = {}
        # the bot's own status per chat (administrator unless a test says otherwise)
        self.bot_status: dict[int, str] = {}
        self.gone: set[int] = set()
        self.cannot_pin: set[int] = set()
        self.answered: set[str] = set()
        self.failures: dict[str, deque[ApiError | Exception]] = defaultdict(deque)
        # chats that answer every call with an error (or raise it: a timeout) until mended
        self.broken: dict[int, ApiError | Exception] = {}
        self.commands: dict[tuple[str, str | None], list[dict[str, str]]] = {}
        self.menu_buttons: dict[Any, Any] = {}  # setChatMenuButton: chat id (None: default)
        self._ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(5000))
        # what getUpdates hands out (`deliver`), kept until an offset passes it, as Telegram
        # does; `offsets` are the offsets asked with, in order
        self.inbox: list[dict[str, Any]] = []
        self.offsets: list[int | None] = []
        self.arrived = asyncio.Event()
        # async hooks run before a method is answered (a test holds or fails a call there)
        self.before: dict[str, Callable[[dict[str, Any]], Awaitable[None]]] = {}

    # -- BaseRequest ----------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        self.calls.append(Call(api_method, params, url))
        if api_method in self.before:
            try:
                await self.before[api_method](params)
            except ApiError as error:  # the hook answers for Telegram
                return error.response()
        if api_method == "getUpdates":
            return await self._long_poll(params)
        queued = self.failures.get(api_method)
        chat = params.get("chat_id")
        failure = queued.popleft() if queued else None
        if failure is None and chat is not None:
            failure = self.broken.get(int(chat))
        if isinstance(failure, ApiError):
            return failure.response()
        if failure is not None:
            raise failure
        answer = getattr(self, f"api_{api_method}", None)
        if answer is None:
            return ApiError(404, f"Not Found: {api_method} is not in the test double").response()
        try:
            result = answer(params, files) if files else answer(params)
        except ApiError as error:
            return error.response()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    async def _long_poll(self, params: dict[str, Any]) -> tuple[int, bytes]:
        offset = params.get("offset")
        self.offsets.append(offset)
        if offset is not None:  # Telegram forgets what the offset passed
            self.inbox = [u for u in self.inbox if u["update_id"] >= int(offset)]
        if not self.inbox and params.get("timeout"):
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), float(params["timeout"]))
        result = self.inbox[: int(params.get("limit") or 100)]
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- what a test sets up ----------------------------------------------------------------
    def deliver(self, *updates: dict[str, Any]) -> None:
        """Updates for getUpdates to hand out."""
        self.inbox.extend(updates)
        self.arrived.set()

    def add_chat(self, chat: Chat) -> None:
        self.chats[chat.id] = chat
        self.gone.discard(chat.id)

    def set_admins(self, chat_id: int, *admins: tuple[TUser, str]) -> None:
        """The chat's administrators: (user, "creator" | "administrator"); the bot is added."""
        self.admins[chat_id] = [member_json(user, status) for user, status in admins]

    def set_bot_status(self, chat_id: int, status: str) -> None:
        """The bot's status in the chat: "administrator" (the default) or "member"."""
        self.bot_status[chat_id] = status

    def remove_bot(self, chat_id: int) -> None:
        self.gone.add(chat_id)

    def fail_next(self, method: str, error: ApiError | Exception, times: int = 1) -> None:
        for _ in range(times):
            self.failures[method].append(error)

    def fail_chat(self, chat_id: int, error: ApiError | Exception) -> None:
        """Every call about `chat_id` fails with `error` until `mend_chat`."""
        self.broken[chat_id] = error

    def mend_chat(self, chat_id: int) -> None:
        self.broken.pop(chat_id, None)

    # -- what a test reads ----------------------------------------------------------------
    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | None = None) -> list[Sent]:
        """Messages the bot sent (in order), as they look now."""
        return [self.messages[key] for key in self.order if chat_id is None or key[0] == chat_id]

    def last(self, chat_id: int) -> Sent:
        messages = self.sent(chat_id)
        assert messages, f"the bot sent nothing to {chat_id}"
        return messages[-1]

    def toasts(self) -> list[str | None]:
        return [call.params.get("text") for call in self.calls_of("answerCallbackQuery")]

    def message_json(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return self._message_json(self.messages[(chat_id, message_id)])

    def clear(self) -> None:
        self.calls.clear()

    # -- the Bot API ----------------------------------------------------------------------
    def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER.json() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def api_getUpdates(self, params: dict[str, Any]) -> list[Any]:
        return []

    def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if not 0 < len(commands) <= 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND_NAME.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[(scope, params.get("language_code"))] = commands
        return True

    def api_setChatMenuButton(self, params: dict[str, Any]) -> bool:
        button = params.get("menu_button")
        if isinstance(button, str):
            button = json.loads(button)
        web_app = button and button.get("type") == "web_app"
        if web_app and not (button.get("text") and button["web_app"]["url"].startswith("https://")):
            raise bad_request("BUTTON_TYPE_INVALID")
        self.menu_buttons[params.get("chat_id")] = button
        return True

    def api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        bot = [member_json(BOT_USER, "administrator")] if self._bot_is_admin(chat_id) else []
        return [*bot, *self.admins.get(chat_id, [])]

    def api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        self._check_present(chat_id)
        if user_id == BOT_USER.id:
            return member_json(BOT_USER, self.bot_status.get(chat_id, "administrator"))
        if chat_id > 0 and chat_id != user_id:
            raise bad_request("member not found")
        for admin in self.admins.get(chat_id, []):
            if admin["user"]["id"] == user_id:
                return admin
        # a person the double knows nothing of: refused rather than guessed
        raise bad_request("member not found")

    def _bot_is_admin(self, chat_id: int) -> bool:
        return self.bot_status.get(chat_id, "administrator") in {"administrator", "creator"}

    def api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        return self._chat(chat_id).json() | {"accent_color_id": 0, "max_reaction_count": 11}

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        raw = params["text"]
        text = self._text(raw, params.get("parse_mode"), TEXT_LIMIT)
        markup = self._markup(params.get("reply_markup"))
        if chat_id < 0 and _has_web_app(markup):
            raise bad_request("BUTTON_TYPE_INVALID")  # web_app buttons: private chats only
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        sent = self._store(chat_id, raw, text, markup, params.get("message_thread_id"), reply_to)
        return self._message_json(sent)

    def api_sendDocument(self, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        caption = params.get("caption") or ""
        text = self._text(caption, params.get("parse_mode"), CAPTION_LIMIT, allow_empty=True)
        document = None
        for name, value in (files or {}).items():
            filename, content = value[0], value[1]
            document = (filename, content if isinstance(content, bytes) else content.read())
            del name
        sent = self._store(chat_id, caption, text, None, params.get("message_thread_id"), None)
        sent.document = document
        return self._message_json(sent) | {
            "document": {
                "file_id": f"doc{sent.message_id}",
                "file_unique_id": f"u{sent.message_id}",
                "file_name": document[0] if document else "file",
            }
        }

    def api_sendPhoto(self, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        caption = params.get("caption") or ""
        text = self._text(caption, params.get("parse_mode"), CAPTION_LIMIT, allow_empty=True)
        photo = None
        for value in (files or {}).values():
            content = value[1]
            photo = (value[0], content if isinstance(content, bytes) else content.read())
        if photo is None or not photo[1]:
            raise bad_request("there is no photo in the request")
        sent = self._store(chat_id, caption, text, None, params.get("message_thread_id"), None)
        sent.document = photo
        return self._message_json(sent) | {
            "photo": [
                {
                    "file_id": f"photo{sent.message_id}",
                    "file_unique_id": f"p{sent.message_id}",
                    "width": 600,
                    "height": 320,
                }
            ]
        }

    def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._editable(params)
        raw = params["text"]
        text = self._text(raw, params.get("parse_mode"), TEXT_LIMIT)
        markup = self._markup(params.get("reply_markup"))
        if sent.html == raw and sent.markup == markup:
            raise not_modified()
        sent.html, sent.text, sent.markup = raw, text, markup
        sent.edits += 1
        return self._message_json(sent)

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._editable(params)
        markup = self._markup(params.get("reply_markup"))
        if sent.markup == markup:
            raise not_modified()
        sent.markup = markup
        sent.edits += 1
        return self._message_json(sent)

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = params["callback_query_id"]
        if query_id in self.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(params.get("text") or "") > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.answered.add(query_id)
        return True

    def api_pinChatMessage(self, params: dict[str, Any]) -> bool:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        if chat_id in self.cannot_pin:
            raise bad_request("not enough rights to manage pinned messages in the chat")
        key = (chat_id, int(params["message_id"]))
        if key not in self.messages:
            raise bad_request("message to pin not found")
        self.messages[key].pinned = True
        return True

    def api_unpinChatMessage(self, params: dict[str, Any]) -> bool:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        if chat_id in self.cannot_pin:
            raise bad_request("not enough rights to manage pinned messages in the chat")
        key = (chat_id, int(params["message_id"]))
        if key not in self.messages or not self.messages[key].pinned:
            raise bad_request("message to unpin not found")
        self.messages[key].pinned = False
        return True

    def api_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        question = params["question"]
        if not 1 <= utf16_len(question) <= POLL_QUESTION_LIMIT:
            raise bad_request("POLL_QUESTION_INVALID")
        options = [o["text"] if isinstance(o, dict) else o for o in params["options"]]
        if not POLL_OPTIONS[0] <= len(options) <= POLL_OPTIONS[1]:
            raise bad_request("POLL_OPTIONS_COUNT_INVALID" if options else "POLL_ANSWERS_INVALID")
        if any(not 1 <= utf16_len(o) <= POLL_OPTION_LIMIT for o in options):
            raise bad_request("POLL_OPTION_INVALID")
        if chat_id > 0 and params.get("is_anonymous") is False:
            raise bad_request("non-anonymous polls can't be sent to channel chats")
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        sent = self._store(
            chat_id, question, question, None, params.get("message_thread_id"), reply_to
        )
        sent.poll = {
            "id": str(6_000_000_000 + len(self.order)),
            "question": question,
            # Bot API 9.6: every option has an id that survives options being added
            "options": [
                {"text": o, "voter_count": 0, "persistent_id": str(i)}
                for i, o in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": True,
            "members_only": False,
        }
        return self._message_json(sent)

    def api_stopPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        key = (chat_id, int(params["message_id"]))
        sent = self.messages.get(key)
        if sent is None:
            raise bad_request("message with poll to stop not found")
        if sent.poll is None:
            raise bad_request("message with poll to stop not found")
        if sent.poll["is_closed"]:
            raise bad_request("poll has already been closed")
        sent.poll["is_closed"] = True
        return sent.poll

    def api_deleteMessage(self, params: dict[str, Any]) -> bool:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise bad_request("message to delete not found")
        del self.messages[key]
        self.order.remove(key)
        return True

    # -- helpers --------------------------------------------------------------------------
    def _chat(self, chat_id: int) -> Chat:
        if chat_id in self.chats:
            return self.chats[chat_id]
        return Chat(chat_id, "private" if chat_id > 0 else "supergroup", None)

    def _check_present(self, chat_id: int) -> None:
        if chat_id in self.gone:
            if chat_id > 0:
                raise forbidden("Forbidden: bot was blocked by the user")
            raise forbidden()

    @staticmethod
    def _text(raw: str, parse_mode: str | None, limit: int, allow_empty: bool = False) -> str:
        text = parse_html(raw) if parse_mode == "HTML" else raw
        if not text.strip() and not allow_empty:
            raise bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise bad_request("message is too long")
        return text

    @staticmethod
    def _markup(markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("BUTTON_TEXT_EMPTY")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _editable(self, params: dict[str, Any]) -> Sent:
        chat_id = int(params["chat_id"])
        self._check_present(chat_id)
        key = (chat_id, int(params["message_id"]))
        if key not in self.messages:
            raise bad_request("message to edit not found")
        return self.messages[key]

    def _store(
        self,
        chat_id: int,
        raw: str,
        text: str,
        markup: dict[str, Any] | None,
        thread_id: int | None,
        reply_to: int | None,
    ) -> Sent:
        message_id = next(self._ids[chat_id])
        sent = Sent(chat_id, message_id, raw, text, markup, thread_id, reply_to)
        self.messages[(chat_id, message_id)] = sent
        self.order.append((chat_id, message_id))
        return sent

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(self.clock.now().timestamp()),
            "chat": self._chat(sent.chat_id).json(),
            "from": BOT_USER.json(),
        }
        if sent.document is not None:
            data["caption"] = sent.text
        elif sent.poll is not None:
            data["poll"] = sent.poll
        else:
            data["text"] = sent.text
        if sent.markup:
            data["reply_markup"] = sent.markup
        if sent.thread_id is not None:
            data["message_thread_id"] = sent.thread_id
            data["is_topic_message"] = True
        if sent.edits:
            data["edit_date"] = int(self.clock.now().timestamp())

        return data
