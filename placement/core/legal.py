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
            "permit_target_group", "Tillståndets målgrupp (SoL (2025:400) 26 kap. 1 §); IVO:s beslut"
        ),
        LegalReference("stability", "IVO:s beslut (trygghet och säkerhet); SOSFS 2012:11 3 kap. 3 §"),
        LegalReference("ivo_register", "IVO:s register över tillstånd och ingripanden"),
        LegalReference(
            "procurement_contract", "LOU (2016:1145) 19 och 19 a kap.; KL (2017:725) 10 kap. 7–8 §§"
        ),
        LegalReference("foster_business", "SoL (2025:400) 9 kap. 2 §", old="SoF (2001:937) 3 kap. 2 §"),
        LegalReference("foster_investigation", "SOSFS 2012:11 4 kap.", new_confirmed=False),
        LegalReference("needs_assessment", "SOSFS 2012:11 5 kap. 1 §"),
        LegalReference(
            "conflict_in_decision",
            "FL (2017:900) 16–18 §§; KL (2017:725) 6 kap. 28–32 §§; LOA (1994:260) 7 §",
        ),
        LegalReference(
            "delegation",
            "KL (2017:725) 6 kap. 37–38 §§",
            old="SoL (2001:453) 10 kap. 5 §",
            new_confirmed=False,
        ),
        LegalReference("lvu_placement_form", "LVU (1990:52) 12 §"),
        LegalReference(
            "self_monitoring", "SOSFS 2011:9 (ledningssystem för systematiskt kvalitetsarbete); IVO:s beslut"
        ),
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
        LegalReference(
            "overvagande_sol", "SoL (2025:400) 22 kap. 13 §", old="SoL (2001:453) 6 kap. 8 § 1 st."
        ),
        LegalReference("overvagande_lvu", "LVU (1990:52) 13 § 1 st."),
        LegalReference("omprovning_lvu", "LVU (1990:52) 13 § 2 st."),
        LegalReference(
            "custody_transfer",
            "SoL (2025:400), övervägande av vårdnadsöverflyttning; LVU (1990:52) 13 §",
            old="SoL (2001:453) 6 kap. 8 § (SFS 2022:665)",
            new_confirmed=False,
        ),
        LegalReference("responsible_social_worker", "SoL (2025:400) 22 kap. 12 §"),
        LegalReference("information_to_child", "SOSFS 2012:11 7 kap. 1 §"),
        LegalReference(
            "grounds_to_child",
            "SOSFS 2012:11 7 kap. 1 §; SoL (2025:400) 3 kap. 3 §",
            new_confirmed=False,
            old="SoL (2001:453) 11 kap. 10 §",
        ),
        LegalReference(
            "visits",
            "SoL (2025:400) 22 kap. 12 §; Socialstyrelsens vägledning (fyra besök per år är vägledning)",
        ),
        LegalReference(
            "care_plan",
            "SoL (2025:400), vårdplan och genomförandeplan",
            old="SoL (2001:453) 11 kap. 3 §",
            new_confirmed=False,
        ),
        LegalReference(
            "health_examination",
            "SoL (2025:400), underrättelse till regionen om hälsoundersökning",
            old="SoL (2001:453) 11 kap. 3 a §",
            new_confirmed=False,
        ),
        LegalReference(
            "decision_in_force", "Beslut krävs för pågående insats (avvikelser 2022, se underlaget)"
        ),
        LegalReference(
            "unenforced_decisions",
            "SoL (2025:400), rapportering av ej verkställda beslut till IVO",
            old="SoL (2001:453) 16 kap. 6 f §",
            new_confirmed=False,
        ),
        LegalReference("complaints", "SOSFS 2011:9 5 kap. 3 §; SOSFS 2014:5 5 kap. 23 §"),
        LegalReference("ending_reason", "SOSFS 2012:11 3 kap. 3 §"),
        LegalReference(
            "lvu_aftercare",
            "LVU (1990:52), uppföljning efter avslutad vård (i kraft 1 juli 2022)",
            new_confirmed=False,
        ),
        LegalReference(
            "jourhem_time",
            "SoL (2025:400), jourhem längre än två månader",
            old="SoL (2001:453) 6 kap. 6 §",
            new_confirmed=False,
        ),
    )
}


def reference(key: str) -> LegalReference:
    return REFERENCES[key]
