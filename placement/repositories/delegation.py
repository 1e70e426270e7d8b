"""The delegation order: who may take which kind of decision, a role (in a unit, or anywhere) or a
named person, and who granted it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from placement.core.concern_vocabulary import ConcernDecisionKind
from placement.core.vocabulary import DecisionKind, StaffRole
from placement.database.pool import Connection
from placement.errors import ValidationFailed
from placement.models import Input, Text

_COLUMNS = "id, decision_kind, role, staff_id, granted_by, reported_to_namnd, org_unit, sub_delegated"


class DelegationIn(Input):
    decision_kind: DecisionKind | ConcernDecisionKind = Field(
        description="A placement decision, or one of the decisions on a report of concern (CH05)."
    )
    role: StaffRole | None = None
    staff_id: uuid.UUID | None = None
    org_unit: Text | None = Field(default=None, description="Only holders of the role in this unit.")
    reported_to_namnd: bool = False
    sub_delegated: bool = Field(
        default=False,
        description="A sub-delegation (vidaredelegation): it counts only once reported to the nämnd.",
    )


class Delegation(BaseModel):
    id: uuid.UUID
    decision_kind: DecisionKind | ConcernDecisionKind
    role: StaffRole | None
    staff_id: uuid.UUID | None
    granted_by: str
    reported_to_namnd: bool
    org_unit: str | None = None
    sub_delegated: bool = False


class DelegationRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def add(self, *, rule: DelegationIn, granted_by: str) -> Delegation:
        if (rule.role is None) == (rule.staff_id is None):
            message = "Ange antingen en roll eller en namngiven person"
            raise ValidationFailed.on("body", message, "role_or_person")
        row = await self.conn.fetchrow(
            f"""INSERT INTO delegation_rule
                    (municipality_id, decision_kind, role, staff_id, granted_by, reported_to_namnd, org_unit,
                     sub_delegated)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {_COLUMNS}""",  # noqa: S608 - a module constant column list
            self.municipality_id,
            rule.decision_kind,
            rule.role,
            rule.staff_id,
            granted_by,
            rule.reported_to_namnd,
            rule.org_unit,
            rule.sub_delegated,
        )
        assert row is not None  # INSERT ... RETURNING gives the row
        return Delegation.model_validate(dict(row))

    async def all(self) -> list[Delegation]:
        rows = await self.conn.fetch(
            f"""SELECT {_COLUMNS} FROM delegation_rule
                 WHERE municipality_id = $1 ORDER BY decision_kind, created_at""",  # noqa: S608 - a module constant column list
            self.municipality_id,
        )
        return [Delegation.model_validate(dict(r)) for r in rows]
