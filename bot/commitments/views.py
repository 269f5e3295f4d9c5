"""What a commitment looks like to the renderers: the plain values of `render` (`CardView`,
`LineView`, `EventView`), assembled from the ledger's rows. Handlers and the reminders call
these; the renderers never see a row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commitments import lists, offers, render, service
from bot.commitments.kinds import Status
from bot.core.db import as_utc
from bot.core.people import person_name

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.commitments.creating import Created
    from bot.commitments.models import Commitment
    from bot.groups.models import Group


async def load_view(
    session: AsyncSession, commitment: Commitment, group_title: str | None = None
) -> render.CardView:
    owners = (await service.owners_of(session, [commitment.id]))[commitment.id]
    resources = (await service.resources_of(session, [commitment.id]))[commitment.id]
    declined = await offers.declines(session, commitment.id)
    return render.CardView(
        id=commitment.id,
        number=commitment.number,
        text=commitment.text,
        owners=[owner_view(o) for o in owners],
        due_at=as_utc(commitment.due_at),
        status=commitment.status,
        progress=commitment.progress,
        resources=[render.ResourceView(r.type, r.description, r.quantity) for r in resources],
        blocked_reason=commitment.blocked_reason,
        context_text=commitment.context_text,
        group_title=group_title,
        declined=[
            render.DeclineView(person_name(p.first_name, p.last_name), reason)
            for p, reason in declined
        ],
    )


def created_view(created: Created) -> render.CardView:
    """The first card of a commitment just made, from what was stored (`creating.create`):
    what `load_view` would read back. Nobody has declined it, nor blocked it, yet."""
    commitment = created.commitment
    return render.CardView(
        id=commitment.id,
        number=commitment.number,
        text=commitment.text,
        owners=[
            render.OwnerView(
                o.person_id, person_name(o.first_name, o.last_name), o.accepted, o.present
            )
            for o in created.owners
        ],
        due_at=as_utc(commitment.due_at),
        status=Status.OPEN,
        progress=0,
        resources=[
            render.ResourceView(r.type, r.description, r.quantity) for r in created.resources
        ],
        context_text=commitment.context_text,
        declined=[],
    )


def owner_view(owner: service.Owner) -> render.OwnerView:
    p = owner.person
    return render.OwnerView(
        p.id, person_name(p.first_name, p.last_name), owner.accepted, owner.present
    )


async def lines(
    session: AsyncSession, rows: list[tuple[Commitment, Group | None]]
) -> list[lists.LineView]:
    owners = await service.owners_of(session, [c.id for c, _ in rows])
    return [
        lists.LineView(
            number=c.number,
            text=c.text,
            owners=[owner_view(o) for o in owners[c.id]],
            due_at=as_utc(c.due_at),
            status=c.status,
            progress=c.progress,
            group_title=g.title if g is not None else None,
            done_at=as_utc(c.done_at),
            timezone=g.timezone if g is not None else None,
        )
        for c, g in rows
    ]


async def history(
    session: AsyncSession, commitment: Commitment
) -> tuple[list[render.EventView], int]:
    """The latest changes, oldest first, and how many there are in all."""
    events = await service.history(session, commitment.id)
    total = await service.history_count(session, commitment.id)
    return [
        render.EventView(
            at=as_utc(e.at),
            who=person_name(p.first_name, p.last_name) if p else None,
            field=e.field,
            old=e.old,
            new=e.new,
            reason=e.reason,
        )
        for e, p in events
    ], total
