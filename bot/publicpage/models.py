"""The public accountability page: one row per group that ever published one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import column_now
from bot.core.db import Base


class PublicPage(Base):
    """`/public on [slug]`: the page `/p/<slug>` answers while `published_at` is set; `/public
    off` clears it (the slug stays the group's, for the next `/public on`). `indexed`: the
    coordinators let search engines list it (off by default: `noindex`)."""

    __tablename__ = "public_pages"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    published_at: Mapped[datetime | None]
    indexed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=column_now)
    updated_at: Mapped[datetime] = mapped_column(default=column_now)
