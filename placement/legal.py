"""The one table of legal references (pure).

Sweden's Socialtjänstlag (2025:400) replaced SoL (2001:453) on 1 July 2025 and renumbered it;
only some new paragraph numbers are confirmed (those cited by IVO's decision, and 20 kap. 2 §).
So a reference is data: the reference to cite now, the old reference, and whether the new number
is confirmed. Pages and reports show unconfirmed numbers as such (:meth:`LegalReference.cite`).
References to other acts (KL, LOU, FL, LOA, LVU, LSS) are not affected by the renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalReference:
    key: str
    current: str
    old: str | None = None
    new_confirmed: bool = True

    def cite(self) -> str:
        """The reference as shown to officers, saying so when the new number is unconfirmed."""
        if self.new_confirmed:
            return self.current if self.old is None else f"{self.current} (tidigare {self.old})"
        old = f"; tidigare {self.old}" if self.old else ""
        return f"{self.current} (paragrafnumret i SoL 2025:400 är inte bekräftat{old})"


REFERENCES: dict[str, LegalReference] = {
    ref.key: ref
    for ref in (
        LegalReference("permit", "SoL (2025:400) 26 kap. 1 §; 23 § LSS", old="SoL (2001:453) 7 kap. 1 §"),
        LegalReference(
            "permit_owner_change",
            "SoL (2025:400), ändring i ägarkrets eller ledning ska anmälas till IVO inom en månad",
            old="SoF (2001:937) 4 kap.",
            new_confirmed=False,
        ),
        LegalReference("contract_follow_up", "KL (2017:725) 10 kap. 8 §"),
        LegalReference("direct_award", "LOU (2016:1145) 19 a kap."),
        LegalReference("conflict_of_interest", "FL (2017:900) 16–18 §§; LOA (1994:260) 7 §"),
        LegalReference(
            "declarations",
            "LOA (1994:260) 7 c–7 d §§; regeringens handlingsplan mot korruption (juli 2024)",
        ),
        LegalReference("company_register", "Bolagsverkets register; Skatteverkets F-skatteregister"),
    )
}


def reference(key: str) -> LegalReference:
    return REFERENCES[key]
