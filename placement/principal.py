"""Who is acting: a signed-in person or integration, for one municipality, with roles.

Pure: no web framework, no database. Sign-in (placement/api/signin.py) builds a Principal; the
route table declares which roles may call each endpoint; repositories take the Principal's
:class:`~placement.audit.Actor` for the audit log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from placement.audit import Actor
from placement.core.vocabulary import StaffRole
from placement.reach import EVERY_CHILD, Reach, ReachKind


class SignInMethod(StrEnum):
    OIDC = "oidc"
    API_TOKEN = "api_token"  # noqa: S105 - the name of a sign-in method, not a secret
    DEMO = "demo"


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in caller, for the duration of one request."""

    municipality_id: uuid.UUID
    subject: str
    roles: frozenset[StaffRole]
    method: SignInMethod
    request_id: str | None = None
    staff_id: uuid.UUID | None = None
    org_unit: str | None = None

    @property
    def actor(self) -> Actor:
        """The principal as the audit log names it."""
        return Actor(
            municipality_id=self.municipality_id,
            name=f"{self.method.value}:{self.subject}",
            role=",".join(sorted(r.value for r in self.roles)) or None,
            request_id=self.request_id,
            unit=self.org_unit,
            reads=self._reach(read=True),
            writes=self._reach(read=False),
        )

    def _reach(self, *, read: bool) -> Reach:
        """Read: all for placement support, auditors and integrations; the unit for unit leads and
        social workers. Write: all for placement support and integrations; the unit for unit leads;
        the own caseload for social workers."""
        everything = {StaffRole.PLACERINGSSTOD} | ({StaffRole.GRANSKARE} if read else set())
        if self.method is SignInMethod.API_TOKEN or self.roles & everything:
            return EVERY_CHILD
        if StaffRole.TEAMLEDARE in self.roles or (read and StaffRole.SOCIALSEKRETERARE in self.roles):
            return Reach(ReachKind.UNIT, self.staff_id, self.org_unit)
        return Reach(ReachKind.CASELOAD, self.staff_id, self.org_unit)

    def may(self, allowed: frozenset[StaffRole]) -> bool:
        return bool(self.roles & allowed)


# Who may do what, by role. Every municipality endpoint names one of these (or its own set).
CHILD_READERS = frozenset(
    {StaffRole.PLACERINGSSTOD, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.GRANSKARE}
)
CHILD_WRITERS = frozenset({StaffRole.PLACERINGSSTOD, StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE})
STAFF_READERS = frozenset(StaffRole)
STAFF_WRITERS = frozenset({StaffRole.ADMINISTRATOR})
AUDIT_READERS = frozenset({StaffRole.GRANSKARE})
CONTRACT_WRITERS = frozenset({StaffRole.UPPHANDLARE})
