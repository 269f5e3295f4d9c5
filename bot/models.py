"""Every mapped table, for Alembic and for tests that build the schema directly."""

from __future__ import annotations

from bot.core import models as core_models
from bot.core.db import Base
from bot.groups import models as groups_models
from bot.votes import models as votes_models

metadata = Base.metadata

__all__ = ["core_models", "groups_models", "metadata", "votes_models"]
