"""Reminders in the database: each person's choice and calendar secret, the reminders sent, and
the counts a reminder tells (of the obligations the scan stored, V010's obligation_state).

Every method works in one municipality, in a transaction scoped to it (row-level security)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from followup.reminders import Frequency, ReminderKind
from placement.database.pool import Connection

# A social worker's caseload on a day: the children whose responsible social worker they are.
_CASELOAD = """
    SELECT a.staff_id, a.child_id FROM social_worker_assignment a
     WHERE a.municipality_id = $1 AND a.assigned_from <= $2
       AND (a.assigned_to IS NULL OR a.assigned_to >= $2)"""


@dataclass(frozen=True, slots=True)
class Recipient:
    staff_id: uuid.UUID
    email: str
    org_unit: str | None
    roles: frozenset[str]
    frequency: Frequency


@dataclass(frozen=True, slots=True)
class Counted:
    """Obligations counted for one reminder, and the placements (with their children) counted, for
    the audit log."""

    overdue: int
    due_soon: int
    placements: tuple[tuple[uuid.UUID, uuid.UUID], ...]  # (placement id, child id)


@dataclass(frozen=True, slots=True)
class DueDate:
    placement_id: uuid.UUID
    child_id: uuid.UUID
    code: str
    item: str
    title: str
    due_on: dt.date
    state: str


@dataclass(frozen=True, slots=True)
class Finding:
    id: uuid.UUID
    code: str
    placement_ids: tuple[uuid.UUID, ...]
    children: tuple[tuple[uuid.UUID, uuid.UUID], ...]  # (placement id, child id)
    # Who is told: the responsible social workers of the children now
    responsible: tuple[uuid.UUID, ...]


class ReminderRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def kommunkod(self) -> str:
        found: str = await self.conn.fetchval(
            "SELECT kommunkod FROM municipality WHERE id = $1", self.municipality_id
        )
        return found

    async def frequency(self, *, staff_id: uuid.UUID) -> Frequency:
        value = await self.conn.fetchval(
            "SELECT frequency FROM reminder_preference WHERE municipality_id = $1 AND staff_id = $2",
            self.municipality_id,
            staff_id,
        )
        return Frequency(value) if value else Frequency.WEEKLY

    async def has_calendar(self, *, staff_id: uuid.UUID) -> bool:
        found: bool = await self.conn.fetchval(
            """SELECT EXISTS (SELECT 1 FROM reminder_preference WHERE municipality_id = $1 AND staff_id = $2
                                 AND calendar_secret_hash IS NOT NULL)""",
            self.municipality_id,
            staff_id,
        )
        return found

    async def set_frequency(self, *, staff_id: uuid.UUID, frequency: Frequency) -> None:
        await self.conn.execute(
            """INSERT INTO reminder_preference (municipality_id, staff_id, frequency) VALUES ($1, $2, $3)
               ON CONFLICT (municipality_id, staff_id)
               DO UPDATE SET frequency = excluded.frequency, updated_at = now()""",
            self.municipality_id,
            staff_id,
            frequency.value,
        )

    async def set_calendar_secret(self, *, staff_id: uuid.UUID, secret_hash: bytes | None) -> None:
        """A new secret's hash (the previous secret stops working), or None to revoke the feed."""
        await self.conn.execute(
            """INSERT INTO reminder_preference (municipality_id, staff_id, calendar_secret_hash)
               VALUES ($1, $2, $3)
               ON CONFLICT (municipality_id, staff_id)
               DO UPDATE SET calendar_secret_hash = excluded.calendar_secret_hash, updated_at = now()""",
            self.municipality_id,
            staff_id,
            secret_hash,
        )

    async def staff_by_calendar_secret(self, *, secret_hash: bytes) -> uuid.UUID | None:
        """The active staff member whose feed this secret opens."""
        found: uuid.UUID | None = await self.conn.fetchval(
            """SELECT p.staff_id FROM reminder_preference p
                 JOIN staff s ON s.municipality_id = p.municipality_id AND s.id = p.staff_id
                WHERE p.municipality_id = $1 AND p.calendar_secret_hash = $2 AND s.active""",
            self.municipality_id,
            secret_hash,
        )
        return found

    async def recipients(self) -> list[Recipient]:
        """Active staff with an e-mail address who follow children up (social workers, unit
        leads, placement support), with their choice (weekly unless they chose otherwise)."""
        rows = await self.conn.fetch(
            """SELECT s.id, s.email, s.org_unit, s.roles, coalesce(p.frequency, 'weekly') AS frequency
                 FROM staff s
                 LEFT JOIN reminder_preference p
                        ON p.municipality_id = s.municipality_id AND p.staff_id = s.id
                WHERE s.municipality_id = $1 AND s.active AND s.email IS NOT NULL
                  AND s.roles && ARRAY['socialsekreterare', 'teamledare', 'placeringsstod']
                ORDER BY s.id""",
            self.municipality_id,
        )
        return [
            Recipient(r["id"], r["email"], r["org_unit"], frozenset(r["roles"]), Frequency(r["frequency"]))
            for r in rows
        ]

    async def caseload_counts(self, *, staff_id: uuid.UUID, today: dt.date) -> Counted:
        """The obligations due soon and overdue towards the children the person is responsible
        social worker for today."""
        rows = await self.conn.fetch(
            f"""WITH caseload AS ({_CASELOAD})
                SELECT o.placement_id, p.child_id,
                       count(*) FILTER (WHERE o.state = 'overdue') AS overdue,
                       count(*) FILTER (WHERE o.state = 'due_soon') AS due_soon
                  FROM obligation_state o
                  JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
                  JOIN caseload c ON c.child_id = p.child_id
                 WHERE o.municipality_id = $1 AND c.staff_id = $3 AND o.state IN ('overdue', 'due_soon')
                 GROUP BY o.placement_id, p.child_id
                 ORDER BY o.placement_id""",  # noqa: S608 - splices the module constant _CASELOAD
            self.municipality_id,
            today,
            staff_id,
        )
        return Counted(
            sum(r["overdue"] for r in rows),
            sum(r["due_soon"] for r in rows),
            tuple((r["placement_id"], r["child_id"]) for r in rows),
        )

    async def unit_overdue_counts(
        self, *, org_unit: str | None, today: dt.date, escalation_days: int
    ) -> Counted:
        """The unit's obligations overdue for more than ``escalation_days``: those of the children
        whose responsible social worker belongs to the unit."""
        rows = await self.conn.fetch(
            f"""WITH caseload AS ({_CASELOAD})
                SELECT o.placement_id, p.child_id, count(*) AS overdue
                  FROM obligation_state o
                  JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
                  JOIN caseload c ON c.child_id = p.child_id
                  JOIN staff s ON s.municipality_id = o.municipality_id AND s.id = c.staff_id
                 WHERE o.municipality_id = $1 AND o.state = 'overdue' AND o.due_on < $2 - $4::int
                   AND s.org_unit IS NOT DISTINCT FROM $3
                 GROUP BY o.placement_id, p.child_id
                 ORDER BY o.placement_id""",  # noqa: S608 - splices the module constant _CASELOAD
            self.municipality_id,
            today,
            org_unit,
            escalation_days,
        )
        return Counted(
            sum(r["overdue"] for r in rows), 0, tuple((r["placement_id"], r["child_id"]) for r in rows)
        )

    async def escalation_days(self) -> int:
        value = await self.conn.fetchval(
            "SELECT (policy_value($1, 'reminders') ->> 'escalation_days')::int", self.municipality_id
        )
        return int(value) if value is not None else 7

    async def claim(self, *, staff_id: uuid.UUID, kind: ReminderKind, period: str) -> bool:
        """Record that this reminder is being sent; False when it was sent already. Done in the
        transaction that sends it: another instance sending the same reminder waits on the row and
        then finds it recorded; a send that fails rolls the record back."""
        claimed = await self.conn.fetchval(
            """INSERT INTO reminder_sent (municipality_id, staff_id, kind, period) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            self.municipality_id,
            staff_id,
            kind.value,
            period,
        )
        return bool(claimed)

    async def sent(self, *, periods: list[str]) -> set[tuple[uuid.UUID, ReminderKind, str]]:
        """The reminders already sent in these periods, so a run does not count them again."""
        rows = await self.conn.fetch(
            """SELECT staff_id, kind, period FROM reminder_sent
                WHERE municipality_id = $1 AND period = ANY ($2::text[])""",
            self.municipality_id,
            periods,
        )
        return {(r["staff_id"], ReminderKind(r["kind"]), r["period"]) for r in rows}

    async def recent_findings(self, *, since: dt.datetime, today: dt.date) -> list[Finding]:
        """Register findings raised since ``since``, with the children of their placements and
        those children's responsible social workers today."""
        rows = await self.conn.fetch(
            f"""WITH caseload AS ({_CASELOAD})
                SELECT f.id, f.code, f.placement_ids,
                       coalesce(array_agg(p.id ORDER BY p.id) FILTER (WHERE p.id IS NOT NULL), '{{}}')
                           AS placements,
                       coalesce(array_agg(p.child_id ORDER BY p.id) FILTER (WHERE p.id IS NOT NULL), '{{}}')
                           AS children,
                       coalesce(array_agg(DISTINCT c.staff_id) FILTER (WHERE c.staff_id IS NOT NULL), '{{}}')
                           AS responsible
                  FROM register_finding f
                  LEFT JOIN placement p
                         ON p.municipality_id = f.municipality_id AND p.id = ANY (f.placement_ids)
                  LEFT JOIN caseload c ON c.child_id = p.child_id
                 WHERE f.municipality_id = $1 AND f.created_at >= $3
                 GROUP BY f.id, f.code, f.placement_ids, f.created_at
                 ORDER BY f.created_at, f.id""",  # noqa: S608 - splices the module constant _CASELOAD
            self.municipality_id,
            today,
            since,
        )
        return [
            Finding(
                r["id"],
                r["code"],
                tuple(r["placement_ids"]),
                tuple(dict.fromkeys(zip(r["placements"], r["children"], strict=True))),
                tuple(r["responsible"]),
            )
            for r in rows
        ]

    async def due_dates(self, *, staff_id: uuid.UUID, today: dt.date) -> list[DueDate]:
        """The obligations not yet met nor waived towards the person's caseload, by due date."""
        rows = await self.conn.fetch(
            f"""WITH caseload AS ({_CASELOAD})
                SELECT o.placement_id, p.child_id, o.code, o.item, o.title, o.due_on, o.state
                  FROM obligation_state o
                  JOIN placement p ON p.municipality_id = o.municipality_id AND p.id = o.placement_id
                  JOIN caseload c ON c.child_id = p.child_id
                 WHERE o.municipality_id = $1 AND c.staff_id = $3
                   AND o.state IN ('open', 'due_soon', 'overdue')
                 ORDER BY o.due_on, o.placement_id, o.code, o.item""",  # noqa: S608 - splices the module constant _CASELOAD
            self.municipality_id,
            today,
            staff_id,
        )
        return [DueDate(**dict(r)) for r in rows]
