"""Builders of realistic Bot API update JSON, as Telegram sends it to the bot."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from bot.core.clock import Clock

ANONYMOUS_ADMIN_ID = 1087968824


@dataclass(frozen=True)
class TUser:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "es"
    last_name: str | None = None
    is_bot: bool = False

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class TChat:
    id: int
    type: str = "supergroup"
    title: str | None = "Vecinos del Barrio Norte"
    is_forum: bool = False

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type != "private" and self.title:
            data["title"] = self.title
        if self.is_forum:
            data["is_forum"] = True
        return data


BOT_USER = TUser(7000000001, "Minga", "minga_test_bot", None, is_bot=True)
ANONYMOUS_ADMIN = TUser(ANONYMOUS_ADMIN_ID, "Group", "GroupAnonymousBot", None, is_bot=True)


def private_chat(user: TUser) -> TChat:
    return TChat(user.id, "private", None)


def member_json(user: TUser, status: str) -> dict[str, Any]:
    """A ChatMember of any status, with every field the Bot API sends for it."""
    data: dict[str, Any] = {"user": user.json(), "status": status}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": True,
            "can_restrict_members": True,
            "can_promote_members": False,
            "can_change_info": True,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_pin_messages": True,
        }
    elif status == "restricted":
        data |= {
            "is_member": True,
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": True,
            "can_pin_messages": False,
            "can_manage_topics": False,
            "can_edit_tag": False,
            "can_react_to_messages": True,
            "until_date": 0,
        }
    elif status == "kicked":
        data["until_date"] = 0
    return data


class Updates:
    """Makes updates with increasing update and message ids, like one Telegram session."""

    def __init__(self, clock: Clock, bot_username: str = BOT_USER.username or "") -> None:
        self.clock = clock  # the `date` of every update: the program's "now"
        self.bot_username = bot_username
        self._update_ids = itertools.count(900_000)
        self._message_ids = itertools.count(1)

    def _date(self) -> int:
        return int(self.clock.now().timestamp())

    def _update(self, **payload: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **payload}

    def message_json(
        self,
        chat: TChat,
        user: TUser,
        text: str | None = None,
        *,
        reply_to: dict[str, Any] | None = None,
        thread_id: int | None = None,
        sender_chat: TChat | None = None,
        entities: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self._date(),
            "chat": chat.json(),
            "from": user.json(),
            **extra,
        }
        if text is not None:
            message["text"] = text
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if sender_chat is not None:
            message["sender_chat"] = sender_chat.json()
        return message

    def message(self, chat: TChat, user: TUser, text: str, **kwargs: Any) -> dict[str, Any]:
        """A text message; @usernames in it get `mention` entities, as Telegram sends them."""
        if "entities" not in kwargs:
            mentions = [
                {"type": "mention", "offset": utf16(text[: m.start()]), "length": len(m[0])}
                for m in re.finditer(r"@[A-Za-z0-9_]{5,32}", text)
            ]
            kwargs["entities"] = mentions or None
        return self._update(message=self.message_json(chat, user, text, **kwargs))

    def command(
        self,
        chat: TChat,
        user: TUser,
        text: str,
        *,
        mentions: dict[str, TUser] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A command as Telegram sends it: a `bot_command` entity, `mention` entities for
        @usernames, and `text_mention` entities for the names given in `mentions` (people
        without a username)."""
        assert text.startswith("/")
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        for match in re.finditer(r"@[A-Za-z0-9_]{5,32}", text):
            entities.append(
                {"type": "mention", "offset": utf16(text[: match.start()]), "length": len(match[0])}
            )
        for name, person in (mentions or {}).items():
            start = text.index(name)
            entities.append(
                {
                    "type": "text_mention",
                    "offset": utf16(text[:start]),
                    "length": utf16(name),
                    "user": person.json(),
                }
            )
        return self.message(chat, user, text, entities=entities, **kwargs)

    def anonymous_admin_command(self, chat: TChat, text: str, **kwargs: Any) -> dict[str, Any]:
        """An admin posting anonymously: from GroupAnonymousBot, signed as the group."""
        return self.command(chat, ANONYMOUS_ADMIN, text, sender_chat=chat, **kwargs)

    def edited(self, chat: TChat, user: TUser, text: str) -> dict[str, Any]:
        message = self.message_json(chat, user, text)
        message["edit_date"] = message["date"]
        return self._update(edited_message=message)

    def callback(
        self, user: TUser, message: dict[str, Any], data: str, *, query_id: str | None = None
    ) -> dict[str, Any]:
        """A press on a button of `message` (the bot's message as JSON)."""
        update = self._update()
        return update | {
            "callback_query": {
                "id": query_id or f"cq{update['update_id']}",
                "from": user.json(),
                "message": message,
                "chat_instance": f"ci{message['chat']['id']}",
                "data": data,
            }
        }

    def poll_answer(self, poll_id: str, user: TUser, option_ids: list[int]) -> dict[str, Any]:
        """A vote on a non-anonymous poll; no options is a retracted vote."""
        return self._update(
            poll_answer={
                "poll_id": poll_id,
                "user": user.json(),
                "option_ids": option_ids,
                # the double gives option i the persistent id "i"
                "option_persistent_ids": [str(i) for i in option_ids],
            }
        )

    def my_chat_member(
        self, chat: TChat, by: TUser, old: str, new: str, *, user: TUser = BOT_USER
    ) -> dict[str, Any]:
        return self._update(my_chat_member=self._member_change(chat, by, user, old, new))

    def chat_member(
        self, chat: TChat, by: TUser, user: TUser, old: str, new: str
    ) -> dict[str, Any]:
        return self._update(chat_member=self._member_change(chat, by, user, old, new))

    def _member_change(
        self, chat: TChat, by: TUser, user: TUser, old: str, new: str
    ) -> dict[str, Any]:
        return {
            "chat": chat.json(),
            "from": by.json(),
            "date": self._date(),
            "old_chat_member": member_json(user, old),
            "new_chat_member": member_json(user, new),
        }

    def reaction(
        self,
        chat: TChat,
        user: TUser | None,
        message_id: int,
        new: list[str | dict[str, Any]],
        old: list[str | dict[str, Any]] | None = None,
        *,
        actor_chat: TChat | None = None,
    ) -> dict[str, Any]:
        """`message_reaction`: a person (or, anonymously, `actor_chat`) changed their reactions
        on a message. Reactions are emoji strings or `custom_emoji(...)` / `paid()` dicts."""
        change: dict[str, Any] = {
            "chat": chat.json(),
            "message_id": message_id,
            "date": self._date(),
            "old_reaction": [reaction_type(r) for r in old or []],
            "new_reaction": [reaction_type(r) for r in new],
        }
        if user is not None:
            change["user"] = user.json()
        if actor_chat is not None:
            change["actor_chat"] = actor_chat.json()
        return self._update(message_reaction=change)

    def reaction_count(
        self, chat: TChat, message_id: int, counts: list[tuple[str | dict[str, Any], int]]
    ) -> dict[str, Any]:
        """`message_reaction_count`: anonymous totals on a message, e.g. a channel post."""
        return self._update(
            message_reaction_count={
                "chat": chat.json(),
                "message_id": message_id,
                "date": self._date(),
                "reactions": [{"type": reaction_type(r), "total_count": n} for r, n in counts],
            }
        )

    def new_members(self, chat: TChat, by: TUser, *users: TUser) -> dict[str, Any]:
        return self._update(
            message=self.message_json(
                chat,
                by,
                new_chat_members=[u.json() for u in users],
                new_chat_member=users[0].json(),
            )
        )

    def left_member(self, chat: TChat, by: TUser, user: TUser) -> dict[str, Any]:
        return self._update(message=self.message_json(chat, by, left_chat_member=user.json()))

    def migration(self, old: TChat, new: TChat, by: TUser) -> list[dict[str, Any]]:
        """The two service messages Telegram sends when a group becomes a supergroup."""
        return [
            self._update(message=self.message_json(old, by, migrate_to_chat_id=new.id)),
            self._update(message=self.message_json(new, by, migrate_from_chat_id=old.id)),
        ]


def custom_emoji(custom_emoji_id: str = "5368324170671202286") -> dict[str, Any]:
    return {"type": "custom_emoji", "custom_emoji_id": custom_emoji_id}


def paid() -> dict[str, Any]:
    return {"type": "paid"}


def reaction_type(reaction: str | dict[str, Any]) -> dict[str, Any]:
    """A ReactionType: an emoji string becomes ReactionTypeEmoji; dicts are used as they are."""
    if isinstance(reaction, dict):
        return reaction
    return {"type": "emoji", "emoji": reaction}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
