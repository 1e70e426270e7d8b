"""SV03: the register's föreståndare changed."""

from __future__ import annotations

from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import ChangeKind
from suppliers.rules._form import supplier_rule


@supplier_rule("SV03", Severity.WARN, "permit", raised_by=frozenset({ChangeKind.MANAGER_CHANGED}))
def sv03_manager_changed(change: ChangeKind) -> bool:
    """Föreståndaren i registret har bytts

    Checks: each new register snapshot against the last, for units where children are placed now.
    Legal basis: the permit names its föreståndare (SoF (2025:468) 15 kap. 6 §).
    Fails when: the permit's föreståndare changed.
    Passes when: any other change, or none.
    """
    return change in sv03_manager_changed.raised_by
