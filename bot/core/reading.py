"""Reading a message as Telegram sends it: what it replies to, its mentions, where a
command's arguments begin (entities count UTF-16 units; Python indexes code points)."""

from __future__ import annotations

from telegram import Message, MessageEntity

from bot.core.records import frozen


def replied_to(message: Message | None) -> Message | None:
    """The message `message` replies to — unless it is only the forum topic's first message: in
    a topic every message "replies" to it, which is not a choice anyone made."""
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied


@frozen
class Mention:
    """A mention in a message's text: an `@username`, or a text mention (`entity.user` is
    the person, who may have no username). `start`, `end`: where it stands (Python indices);
    `text`: as it is written."""

    entity: MessageEntity
    start: int
    end: int
    text: str


def utf16_index(text: str, offset: int) -> int:
    """The Python index of `offset` in UTF-16 units, which is how Telegram counts entities."""
    return len(text.encode("utf-16-le")[: offset * 2].decode("utf-16-le"))


def mentions(message: Message | None, start: int = 0) -> list[Mention]:
    """The mentions in `message`'s text from `start` (a Python index) on, in the order they
    are written; one overlapping the mention before it is left out."""
    if message is None or message.text is None:
        return []
    text = message.text
    found, position = [], start
    for entity in sorted(message.entities, key=lambda e: e.offset):
        if entity.type not in (MessageEntity.MENTION, MessageEntity.TEXT_MENTION):
            continue
        begin = utf16_index(text, entity.offset)
        end = utf16_index(text, entity.offset + entity.length)
        if begin < position:
            continue
        found.append(Mention(entity, begin, end, text[begin:end]))
        position = end
    return found


def command_end(message: Message | None) -> int:
    """Where the command's arguments begin in `message`'s text (a Python index): after the
    command entity that starts it (`/commit@MingaBot` included), else after its first word."""
    if message is None:
        return 0
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return utf16_index(text, entity.length)
    return len(text.split(None, 1)[0]) if text else 0
