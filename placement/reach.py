"""Which children's data a person may read or write within their municipality.

Pure. Row-level security already confines everyone to their own municipality; reach narrows it
further by role, as need-to-know demands:

- ``all``: every child of the municipality (placeringsstöd, granskare, integrations);
- ``unit``: children whose responsible social worker belongs to the person's unit;
- ``caseload``: children whose responsible social worker is the person.

A child with no responsible social worker yet is within everyone's reach, so that a new case
can be picked up. Outside the reach a child is simply not found (404), as in another municipality.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class ReachKind(StrEnum):
    ALL = "all"
    UNIT = "unit"
    CASELOAD = "caseload"


@dataclass(frozen=True, slots=True)
class Reach:
    kind: ReachKind
    staff_id: uuid.UUID | None = None
    org_unit: str | None = None

    def sql_args(self) -> tuple[str, uuid.UUID | None, str | None]:
        """The arguments of the SQL function child_in_reach after municipality and child."""
        return self.kind.value, self.staff_id, self.org_unit


EVERY_CHILD = Reach(ReachKind.ALL)
