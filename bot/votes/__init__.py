"""Open votes: proposals and polls, positions with reasons, quorum, deadlines, the decision log."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, MessageHandler, PollAnswerHandler

from bot.commitments import api as commitments
from bot.core.i18n import N_, CommandSpec, HelpTopic
from bot.core.runtime import runtime_of
from bot.core.turn import command
from bot.votes import (
    backers,
    backers_delivery,
    ballot_handlers,
    decisions,
    delivery,
    handlers,
    proxy_handlers,
    render,
    template_handlers,
)
from bot.votes.callbacks import Choose, Rank, Score, StartOver, ToCommitment

COMMANDS = [
    CommandSpec(
        "propose", N_("Propose something: agree, abstain, disagree or block"), topic="votes"
    ),
    CommandSpec("poll", N_("A poll (also “ranked” or “score”)"), topic="votes"),
    CommandSpec("votes", N_("Open votes and their deadlines"), topic="votes"),
    CommandSpec("decisions", N_("The decision log"), topic="votes"),
    CommandSpec("decision", N_("One decision with positions and reasons"), topic="votes"),
    CommandSpec("close", N_("Close a vote now (reply to it)"), coordinator=True, topic="votes"),
    CommandSpec(
        "vote",
        N_("Record the position of a member not in the chat (reply to the vote)"),
        coordinator=True,
        topic="votes",
    ),
    CommandSpec(
        "template",
        N_("Vote templates: /template save asamblea, /template asamblea"),
        topic="votes",
    ),
]
HELP = HelpTopic(
    "votes", N_("🗳 Votes"), N_("proposals, polls, decisions"), order=20, details=render.help_details
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    runtime = runtime_of(application)
    runtime.commands.extend(COMMANDS)
    runtime.help_topics.append(HELP)
    application.add_handlers(
        [
            command("propose", handlers.propose),
            command("poll", handlers.poll),
            command("votes", handlers.votes),
            command("decisions", handlers.decisions),
            command("decision", handlers.decision),
            command("close", handlers.close),
            command("vote", proxy_handlers.vote_for),
            command("template", template_handlers.template),
            CallbackQueryHandler(handlers.choose, pattern=Choose.pattern()),
            CallbackQueryHandler(ballot_handlers.rank, pattern=Rank.pattern()),
            CallbackQueryHandler(ballot_handlers.start_over, pattern=StartOver.pattern()),
            CallbackQueryHandler(ballot_handlers.score, pattern=Score.pattern()),
            CallbackQueryHandler(handlers.to_commitment, pattern=ToCommitment.pattern()),
            PollAnswerHandler(handlers.poll_answer),
            MessageHandler(handlers.REASON_FILTER, handlers.reason),
        ]
    )
    runtime.hooks.add(commitments.DECISION_OF, decisions.decision_of_source)
    runtime.hooks.add(commitments.STATE_CHANGED, backers.vote_changed)
    runtime.scheduler.add("votes:close", delivery.close_due)
    runtime.scheduler.add("votes:announce", delivery.announce_due)
    runtime.scheduler.add("votes:refresh", delivery.refresh_due)
    runtime.scheduler.add("votes:remind", delivery.remind_due)
    runtime.scheduler.add("votes:backers", backers_delivery.show_due)
