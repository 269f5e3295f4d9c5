"""`/template`: keep a vote under a short name and open it again (bot.votes.templates).

/template save asamblea     (replying to a vote; coordinators) keep it as "asamblea"
/template asamblea          open it again: same question, options and rules
/template                   the group's templates
/template delete asamblea   (coordinators) forget it
"""

from __future__ import annotations

from html import escape

from bot.core.errors import DomainError
from bot.core.i18n import N_
from bot.core.people import is_person
from bot.core.turn import Turn, handler
from bot.votes import templates
from bot.votes.handlers import open_vote, replied_vote

SAVE = frozenset({"save", "guardar", "salvar"})
DELETE = frozenset({"delete", "borrar", "apagar"})
USAGE = N_(
    "Reply to a vote with /template save and a name to keep it; /template and the name opens "
    "it again. For example: {example}"
)
REPLY_TO_VOTE = N_("Reply to the vote you want to keep, for example: {example}")


def _changes(args: list[str]) -> bool:
    return bool(args) and args[0].lower() in SAVE | DELETE


@handler(coordinator=_changes, groups_only=True)
async def template(turn: Turn) -> None:
    args, tr = turn.args, turn.tr
    if not args:
        found = await templates.names(turn.session, turn.group_id)
        if not found:
            turn.reply(
                tr.gettext(
                    "No vote templates yet. Reply to a vote with {example} to keep it.",
                    example=templates.SAVE_EXAMPLE,
                )
            )
            return
        lines = [tr.gettext("🗂 Vote templates")]
        lines += [f"• <code>{escape(name)}</code> — {escape(question)}" for name, question in found]
        lines.append(tr.gettext("Open one with /template and its name."))
        turn.reply("\n".join(lines))
        return
    word = args[0].lower()
    if word in SAVE | DELETE:
        if len(args) != 2:
            raise DomainError(USAGE, example=templates.SAVE_EXAMPLE)
        name = templates.template_name(args[1])
        if word in DELETE:
            await templates.remove(turn.session, turn.group_id, name)
            turn.reply(tr.gettext("The template “{name}” is forgotten.", name=escape(name)))
            return
        vote = await replied_vote(turn)
        if vote is None:
            raise DomainError(REPLY_TO_VOTE, example=templates.SAVE_EXAMPLE)
        by = turn.user.id if turn.user and is_person(turn.user) else None
        replaced = await templates.save(turn.session, turn.group_id, name, vote, by, turn.now)
        said = (
            N_("The template “{name}” now opens: {question}")
            if replaced
            else N_("Kept as the template “{name}”: {question}. Open it with /template {name}")
        )
        turn.reply(tr.gettext(said, name=escape(name), question=escape(vote.question)))
        return
    if len(args) != 1:
        raise DomainError(USAGE, example=templates.SAVE_EXAMPLE)
    name = templates.template_name(args[0])
    await open_vote(turn, await templates.new_vote(turn.session, turn.group_id, name, turn.now))
