"""The supplier and staff monitoring rules, SV01–SV09, one module each (see suppliers/rules/_form.py).

Severity says how urgently the municipality must act on a finding: SV01 (children placed where the
permit has gone) blocks further placements there; SV06 is raised to block when the person handled
or decided something involving the provider or home; the others must be acknowledged. Importing
this package registers every one of them.
"""

from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules import SV01, SV02, SV03, SV04, SV05, SV06, SV07, SV08, SV09
from suppliers.rules._form import RULES, Flag, SupplierRule

# The finding each register change raises for municipalities with children placed at the unit now,
# or planned to be placed there (not started, not ended: placements_at_units, V020).
FINDING_FOR: dict[ChangeKind, str] = {
    kind: rule.rule.code for rule in RULES.values() for kind in rule.raised_by
}

__all__ = [
    "FINDING_FOR",
    "RULES",
    "SV01",
    "SV02",
    "SV03",
    "SV04",
    "SV05",
    "SV06",
    "SV07",
    "SV08",
    "SV09",
    "Flag",
    "SupplierRule",
]
