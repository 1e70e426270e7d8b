"""SV02: a permit's target group or places changed so an active placement may no longer fit."""

from __future__ import annotations

from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules._form import supplier_rule


@supplier_rule(
    "SV02",
    Severity.WARN,
    "permit",
    raised_by=frozenset({ChangeKind.TARGET_GROUP_CHANGED, ChangeKind.PLACES_CHANGED}),
)
def sv02_target_group_changed(change: ChangeKind) -> bool:
    """Tillståndets målgrupp, åldrar, kön eller platser har ändrats

    Checks: each new register snapshot against the last, for units where children are placed now.
    Legal basis: the permit's terms (SoL (2025:400) 26 kap. 1 §; SoF (2025:468) 15 kap. 6 §).
    Fails when: the permit's target group (ages, sex, needs) or number of places changed.
    Passes when: any other change, or none.
    """
    return change in sv02_target_group_changed.raised_by
