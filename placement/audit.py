"""The audit trail of access to children's data: who read or wrote what, when, and why (request).

Rows are written in the same transaction as the access, so an access that happened is always
logged and a rolled-back one leaves nothing. Lists write one row per child they show.

A request that is refused after it has read a child's data (a decision refused with the check's
open findings, a personnummer that is already registered) still showed that data: the API
collects every access of a request (:func:`collecting`) and, when the request fails, writes its
reads and lookups again in a transaction of their own. The same collection is stored with an
idempotency record, so a replay logs exactly what the first answer touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from placement.database.pool import Connection
from placement.reach import EVERY_CHILD, Reach
from placement.repositories import audit_trail


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    LOOKUP = "lookup"
    """A search by an identifier (a personnummer) that found a child."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, for which municipality, in which request, and which children they reach.

    System actors (the demo loader, the CLI) reach every child; a signed-in person's reach comes
    from their roles (placement/principal.py).
    """

    municipality_id: uuid.UUID
    name: str
    role: str | None = None
    request_id: str | None = None
    unit: str | None = None
    reads: Reach = EVERY_CHILD
    writes: Reach = EVERY_CHILD


@dataclass(frozen=True, slots=True)
class Access:
    """One object touched: its type and id, and the child whose data it is."""

    object_type: str
    object_id: uuid.UUID
    child_id: uuid.UUID

    def as_json(self) -> dict[str, str]:
        return {
            "object_type": self.object_type,
            "object_id": str(self.object_id),
            "child_id": str(self.child_id),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Access:
        return cls(data["object_type"], uuid.UUID(data["object_id"]), uuid.UUID(data["child_id"]))


@dataclass(frozen=True, slots=True)
class Touched:
    """One recorded access of a request, with its action."""

    action: AuditAction
    access: Access


_COLLECTED: ContextVar[list[Touched] | None] = ContextVar("audit_collected", default=None)


@contextmanager
def collecting() -> Iterator[list[Touched]]:
    """Collect every access :func:`record` writes while the block runs (in this task)."""
    collected: list[Touched] = []
    token = _COLLECTED.set(collected)
    try:
        yield collected
    finally:
        _COLLECTED.reset(token)


SHOWN_EVEN_IF_REFUSED = frozenset({AuditAction.READ, AuditAction.LOOKUP})


async def record(conn: Connection, actor: Actor, action: AuditAction, accesses: Sequence[Access]) -> None:
    """Write one audit row per access, set-based."""
    if not accesses:
        return
    collected = _COLLECTED.get()
    if collected is not None:
        collected.extend(Touched(action, a) for a in accesses)
    await _insert(conn, actor, action, accesses)


async def record_refused(conn: Connection, actor: Actor, touched: Sequence[Touched]) -> None:
    """After a refused request: write again the reads and lookups it made (its writes did not
    happen and are not logged)."""
    for action in SHOWN_EVEN_IF_REFUSED:
        accesses = [t.access for t in touched if t.action is action]
        if accesses:
            await _insert(conn, actor, action, accesses)


async def _insert(conn: Connection, actor: Actor, action: AuditAction, accesses: Sequence[Access]) -> None:
    await audit_trail.insert_accesses(
        conn,
        municipality_id=actor.municipality_id,
        actor=actor.name,
        actor_role=actor.role,
        actor_unit=actor.unit,
        request_id=actor.request_id,
        action=action.value,
        object_types=[a.object_type for a in accesses],
        object_ids=[a.object_id for a in accesses],
        child_ids=[a.child_id for a in accesses],
    )
