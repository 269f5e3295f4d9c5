"""Every mapped table, for Alembic and for tests that build the schema directly."""

from __future__ import annotations

from bot.actors import models as actors_models
from bot.calls import models as calls_models
from bot.charter import models as charter_models
from bot.commitments import models as commitments_models
from bot.core import models as core_models
from bot.core.db import Base
from bot.groups import models as groups_models
from bot.meetings import models as meetings_models
from bot.monitoring import models as monitoring_models
from bot.publicpage import models as publicpage_models
from bot.reactions import models as reactions_models
from bot.reviews import models as reviews_models
from bot.votes import models as votes_models

metadata = Base.metadata

__all__ = [
    "actors_models",
    "calls_models",
    "charter_models",
    "commitments_models",
    "core_models",
    "groups_models",
    "meetings_models",
    "metadata",
    "monitoring_models",
    "publicpage_models",
    "reactions_models",
    "reviews_models",
    "votes_models",
]
