"""An update's claim: the row that says a handler has handled it, written in the handler's own
transaction, so that a redelivered update stops at its first statement and changes nothing.

A turn's first statement is its claim. On PostgreSQL the claim rides on the turn's first read
(`Claim.first`: the chat and sender's registration, read on every update): one round trip where
two were, the insert a data-modifying CTE of the read. SQLite has no such CTEs: there the claim
is its own statement, as cheap as a statement is on a database in the process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Row, Select, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

# The same text on SQLite and PostgreSQL. Written as text because SQLAlchemy 2.0 compiles a
# dialect INSERT … ON CONFLICT anew on every execution (it is not cacheable), and this runs on
# every update.
_INSERT = (
    "INSERT INTO processed_updates (update_id, handler, processed_at) "
    "{source} ON CONFLICT (update_id, handler) DO NOTHING"
)
_CLAIM = _INSERT.format(source="VALUES (:update_id, :handler, :processed_at)")

# On PostgreSQL, the claim of an update that holds a lock (`@handler(hold=…)`): the shared
# transaction-level advisory lock is taken by the same statement, before its row is written.
# The statements after it see what the transactions it waited for committed (each statement of
# a transaction has its own snapshot).
_HOLD = "hold AS (SELECT pg_advisory_xact_lock_shared(:space, CAST(:key AS integer)))"
_CLAIM_HOLDING = f"WITH {_HOLD} " + _INSERT.format(
    source="SELECT :update_id, :handler, :processed_at FROM hold"
)


def _claim_text(sql: str) -> Any:
    return text(sql).bindparams(bindparam("processed_at", type_=DateTime(timezone=True)))


_STATEMENTS = {False: _claim_text(_CLAIM), True: _claim_text(_CLAIM_HOLDING)}

# (space, key) of a shared advisory lock a handler's transaction holds from its first statement
Hold = tuple[int, int]


@functools.cache
def _fused(read: Select[Any], holding: bool) -> Any:
    """`read` on PostgreSQL with the claim as a CTE: one row always, `claimed` 1 or 0, then
    `read`'s first row's columns (NULL when it has none). `read` is built once (a module
    constant): the fused text is made once per read."""
    ctes = [_HOLD] if holding else []
    source = "SELECT :update_id, :handler, :processed_at" + (" FROM hold" if holding else "")
    ctes.append(f"claim AS ({_INSERT.format(source=source)} RETURNING 1)")
    # imported here: only PostgreSQL fuses, and SQLite never needs its dialect (bot.core.db)
    from sqlalchemy.dialects import postgresql

    named = postgresql.dialect(paramstyle="named")  # the read's binds as text() binds
    inner = f"{read.compile(dialect=named)} LIMIT 1"
    return _claim_text(
        f"WITH {', '.join(ctes)} SELECT claimed.n AS claimed, found.* "
        "FROM (SELECT count(*) AS n FROM claim) AS claimed "
        f"LEFT OUTER JOIN ({inner}) AS found ON true"
    )


class AlreadyHandled(Exception):
    """The update's claim found it handled already by this handler: a redelivery."""


@dataclass(slots=True)
class Claim:
    """The claim of `update_id` by `handler`, made once by `make` or with a read by `first`;
    either raises `AlreadyHandled` when another transaction made it (committed) before."""

    update_id: int
    handler: str
    at: datetime
    hold: Hold | None = None
    made: bool = False

    def _params(self, postgres: bool) -> dict[str, Any]:
        params: dict[str, Any] = {
            "update_id": self.update_id,
            "handler": self.handler,
            "processed_at": self.at,
        }
        if self.hold is not None and postgres:
            params["space"], params["key"] = self.hold
        return params

    async def make(self, session: AsyncSession) -> None:
        """The claim as a statement of its own (nothing when it is made already)."""
        if self.made:
            return
        postgres = session.get_bind().dialect.name == "postgresql"
        statement = _STATEMENTS[self.hold is not None and postgres]
        result = await session.execute(statement, self._params(postgres))
        self.made = True
        if result.rowcount != 1:
            raise AlreadyHandled(self.update_id)

    async def first(
        self, session: AsyncSession, read: Select[Any], params: dict[str, Any]
    ) -> Row[Any] | None:
        """`read`'s first row (or None), the claim made first: on PostgreSQL by the same
        statement. `read` is a module constant whose first column is never NULL in a row."""
        if self.made or session.get_bind().dialect.name != "postgresql":
            await self.make(session)
            return (await session.execute(read, params)).first()
        both = {**params, **self._params(True)}
        row = (await session.execute(_fused(read, self.hold is not None), both)).one()
        self.made = True
        if not row.claimed:
            raise AlreadyHandled(self.update_id)
        return None if row[1] is None else row


async def claim_update(
    session: AsyncSession,
    update_id: int,
    now: datetime,
    handler: str = "",
    hold: Hold | None = None,
) -> bool:
    """Record `update_id` as handled by `handler` in this transaction; False if it was already.
    With `hold`, on PostgreSQL, the transaction also holds that shared advisory lock (see
    `_CLAIM_HOLDING`); SQLite has no such locks (its writers take turns)."""
    try:
        await Claim(update_id, handler, now, hold).make(session)
    except AlreadyHandled:
        return False
    return True
