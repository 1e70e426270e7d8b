"""The supplier and staff monitoring rules, SV01–SV09 (see DOMAIN.md).

Severity here says how urgently the municipality must act on a finding: SV01 (children placed
where the permit has gone) blocks further placements there; the others must be acknowledged.
"""

from __future__ import annotations

from placement.core.rulebook import Severity, register

SV01 = register(
    "SV01", "Tillståndet har återkallats eller upphört medan barn är placerade", Severity.BLOCK, "permit"
)
SV02 = register(
    "SV02", "Tillståndets målgrupp, åldrar, kön eller platser har ändrats", Severity.WARN, "permit"
)
SV03 = register("SV03", "Föreståndaren i registret har bytts", Severity.WARN, "permit")
SV04 = register("SV04", "Avtalsuppföljningen är försenad", Severity.WARN, "contract_follow_up")
SV05 = register(
    "SV05", "Köp utan giltigt avtal över direktupphandlingsgränsen", Severity.WARN, "direct_award"
)
SV06 = register(
    "SV06",
    "Medarbetare har koppling till en utförare eller ett familjehem",
    Severity.WARN,
    "conflict_of_interest",
)
SV07 = register(
    "SV07",
    "Medarbetare saknar jävs- och bisysslodeklaration de senaste 12 månaderna",
    Severity.WARN,
    "declarations",
)
SV08 = register(
    "SV08", "Huvudmannens bolagsstatus eller F-skatt har ändrats", Severity.WARN, "company_register"
)
SV09 = register("SV09", "Huvudmannens ägare eller styrelse har ändrats", Severity.WARN, "permit_owner_change")
