"""The one table of legal references (pure).

Sweden's Socialtjänstlag (2025:400) replaced SoL (2001:453) on 1 July 2025 and renumbered it; a new
Socialtjänstförordning (2025:468) replaced SoF (2001:937) the same day. A reference is data: the
reference to cite now, the old one, whether the new number was read in the consolidated text
(``new_confirmed``), and whether the old number was checked against the old text
(``old_confirmed``; none is yet). Pages and reports show unconfirmed numbers as such
(:meth:`LegalReference.cite`).

Read in the consolidated texts (se-lex/sfs-processor, data/md-markers/2025/sfs-2025-400-markers.md
and sfs-2025-468-markers.md, as published 2025-12-15 and 2026-01-02): SoL 3 kap. 3 §; 9 kap. 1–4,
12–13 §§; 22 kap. 2–4, 6, 7, 11–14, 16 §§; 23 kap. 2 § (which points to LVU 21 b–21 c §§); 26 kap.
1, 4, 5, 7 §§; 30 kap. 6–7 §§; 34 kap. 1–3 §§; and (data/testdocs/rkrattsbaser/sfs-2025-400.json)
19 kap. 6 §; 20 kap. 1–4 §§; 29 kap. 9–12 §§. SoF 3 kap. 3 §; 15 kap. 6, 7, 11 §§; 16 kap. 2 §.
References to acts that were not renumbered (KL, LOU, FL, LOA, LVU, LSS) and to Socialstyrelsen's
regulations are not affected (``new_confirmed`` stays true for them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalReference:
    key: str
    current: str
    old: str | None = None
    new_confirmed: bool = True
    old_confirmed: bool = False

    def cite(self) -> str:
        """The reference as shown to officers, saying so when the new number is unconfirmed."""
        if self.new_confirmed:
            return self.current if self.old is None else f"{self.current} (tidigare {self.old})"
        old = f"; tidigare {self.old}" if self.old else ""
        return f"{self.current} (paragrafnumret i den nya lagen är inte bekräftat mot lagtexten{old})"


SOL_2001 = "SoL (2001:453)"
SOF_2001 = "SoF (2001:937)"

REFERENCES: dict[str, LegalReference] = {
    ref.key: ref
    for ref in (
        LegalReference("permit", "SoL (2025:400) 26 kap. 1 §; 23 § LSS", old=f"{SOL_2001} 7 kap. 1 §"),
        LegalReference(
            "permit_target_group",
            "Tillståndets målgrupp (SoF (2025:468) 15 kap. 6 § 2–3); IVO:s beslut",
        ),
        LegalReference(
            "permit_holder",
            "SoF (2025:468) 15 kap. 6 § 1 och 7 § (tillståndet får inte överlåtas); "
            "SoL (2025:400) 26 kap. 1 §",
        ),
        LegalReference("stability", "IVO:s beslut (trygghet och säkerhet); SOSFS 2012:11 3 kap. 3 §"),
        LegalReference(
            "ivo_register", "SoF (2025:468) 15 kap. 11 § (IVO:s register över tillstånd); IVO:s ingripanden"
        ),
        LegalReference(
            "procurement_contract", "LOU (2016:1145) 19 och 19 a kap.; KL (2017:725) 10 kap. 7–8 §§"
        ),
        LegalReference("foster_business", "SoL (2025:400) 9 kap. 2 §", old=f"{SOF_2001} 3 kap. 2 §"),
        LegalReference(
            "foster_investigation",
            "SoL (2025:400) 22 kap. 2 och 4 §§; SoF (2025:468) 3 kap. 3 § (belastnings- och "
            "misstankeregistret före placeringen); SOSFS 2012:11 4 kap.",
        ),
        LegalReference(
            "foster_home_count",
            "SoF (2025:468) 16 kap. 2 § (anmälan till IVO när fler än tre barn blir placerade i hemmet)",
        ),
        LegalReference("foster_agreement", "SoL (2025:400) 22 kap. 3 §"),
        LegalReference("host_municipality", "SoL (2025:400) 22 kap. 6 §"),
        LegalReference("needs_assessment", "SOSFS 2012:11 5 kap. 1 §"),
        LegalReference(
            "conflict_in_decision",
            "FL (2017:900) 16–18 §§; KL (2017:725) 6 kap. 28–32 §§; LOA (1994:260) 7 §",
        ),
        LegalReference(
            "delegation",
            "KL (2017:725) 6 kap. 37–38 §§; SoL (2025:400) 30 kap. 6–7 §§ (endast till utskott: vård i "
            "familjehem och jourhem, vård enligt LVU, övervägande, omprövning, vårdnadsöverflyttning, "
            "flyttningsförbud)",
            old=f"{SOL_2001} 10 kap. 4–5 §§",
        ),
        LegalReference("lvu_placement_form", "LVU (1990:52) 12 §"),
        LegalReference(
            "self_monitoring", "SOSFS 2011:9 (ledningssystem för systematiskt kvalitetsarbete); IVO:s beslut"
        ),
        LegalReference(
            "permit_owner_change",
            "SoL (2025:400) 26 kap. 7 § (ändring i personkretsen anmäls till IVO inom en månad) och 4 §",
            old=f"{SOF_2001} 4 kap.",
        ),
        LegalReference("contract_follow_up", "KL (2017:725) 10 kap. 8 §"),
        LegalReference("direct_award", "LOU (2016:1145) 19 a kap."),
        LegalReference("conflict_of_interest", "FL (2017:900) 16–18 §§; LOA (1994:260) 7 §"),
        LegalReference(
            "declarations",
            "LOA (1994:260) 7 c–7 d §§; regeringens handlingsplan mot korruption (juli 2024)",
        ),
        LegalReference("company_register", "Bolagsverkets register; Skatteverkets F-skatteregister"),
        LegalReference("overvagande_sol", "SoL (2025:400) 22 kap. 13 §", old=f"{SOL_2001} 6 kap. 8 § 1 st."),
        LegalReference("overvagande_lvu", "LVU (1990:52) 13 § 1 st."),
        LegalReference("omprovning_lvu", "LVU (1990:52) 13 § 2 st."),
        LegalReference(
            "custody_transfer",
            "SoL (2025:400) 22 kap. 14 §; LVU (1990:52) 13 §",
            old=f"{SOL_2001} 6 kap. 8 § (SFS 2022:665)",
        ),
        LegalReference("responsible_social_worker", "SoL (2025:400) 22 kap. 12 §"),
        LegalReference("information_to_child", "SOSFS 2012:11 7 kap. 1 §"),
        LegalReference(
            "grounds_to_child",
            "SOSFS 2012:11 7 kap. 1 §; SoL (2025:400) 3 kap. 3 §",
            old=f"{SOL_2001} 11 kap. 10 §",
        ),
        LegalReference(
            "visits",
            "SoL (2025:400) 22 kap. 11–12 §§; Socialstyrelsens vägledning (fyra besök per år är vägledning)",
        ),
        LegalReference("care_plan", "SoL (2025:400) 9 kap. 12–13 §§", old=f"{SOL_2001} 11 kap. 3 §"),
        LegalReference("health_examination", "SoL (2025:400) 22 kap. 7 §", old=f"{SOL_2001} 11 kap. 3 a §"),
        LegalReference(
            "decision_in_force", "Beslut krävs för pågående insats (avvikelser 2022, se underlaget)"
        ),
        LegalReference(
            "unenforced_decisions", "SoL (2025:400) 34 kap. 1–3 §§", old=f"{SOL_2001} 16 kap. 6 f–6 h §§"
        ),
        LegalReference("complaints", "SOSFS 2011:9 5 kap. 3 §; SOSFS 2014:5 5 kap. 23 §"),
        LegalReference("ending_reason", "SOSFS 2012:11 3 kap. 3 §"),
        LegalReference("lvu_aftercare", "LVU (1990:52) 21 b–21 c §§ (se SoL (2025:400) 23 kap. 2 §)"),
        LegalReference("jourhem_time", "SoL (2025:400) 22 kap. 4 §", old=f"{SOL_2001} 6 kap. 6 §"),
        # Reports of concern (CH01-CH08): 19 kap. 6 §, 20 kap. 1-4 §§, 29 kap. 9-12 §§ and 30 kap.
        # read in the consolidated text (se-lex/sfs-processor, data/testdocs/rkrattsbaser/sfs-2025-400.json).
        LegalReference(
            "protection_assessment",
            "SoL (2025:400) 20 kap. 1 § (omedelbar skyddsbedömning); SOSFS 2014:5",
            old=f"{SOL_2001} 11 kap. 1 a § 1 st.",
        ),
        LegalReference(
            "preliminary_assessment",
            "SoL (2025:400) 20 kap. 2 § (förhandsbedömning inom 14 dagar)",
            old=f"{SOL_2001} 11 kap. 1 a §",
        ),
        LegalReference(
            "investigation_time",
            "SoL (2025:400) 20 kap. 3–4 §§ (utredning inom fyra månader, förlängning vid särskilda "
            "skäl för viss tid; de berörda underrättas)",
            old=f"{SOL_2001} 11 kap. 1–2 §§",
        ),
        LegalReference(
            "case_transfer",
            "SoL (2025:400) 29 kap. 9–12 §§ (utredningen slutförs; överflyttning; ansökan till IVO "
            "efter en månad utan svar)",
            old=f"{SOL_2001} 2 a kap. 10–11 §§",
        ),
        LegalReference(
            "concern_delegation",
            "SoL (2025:400) 30 kap.; KL (2017:725) 6 kap. 37–38 §§ (delegation och vidaredelegation)",
            old=f"{SOL_2001} 10 kap. 4–5 §§",
        ),
        LegalReference(
            "reporter_feedback",
            "SoL (2025:400) 19 kap. 6 § i lydelse enligt SFS 2025:1501 (på begäran senast en vecka "
            "efter beslutet)",
            old=f"{SOL_2001} 14 kap. 1 b §",
        ),
        LegalReference(
            "violence_assessment",
            "SOSFS 2014:4 (våld i nära relationer); SOSFS 2014:5; Socialstyrelsens vägledning om "
            "polisanmälan vid brott mot barn",
        ),
        LegalReference(
            "investigation_decision",
            "SoL (2025:400) 20 kap. 3 § (utredningen avslutas med ett beslut)",
            old=f"{SOL_2001} 11 kap. 2 §",
            new_confirmed=False,
        ),
        LegalReference(
            "statutory_time",
            "Lag (1930:173) om beräkning av lagstadgad tid",
        ),
    )
}


def reference(key: str) -> LegalReference:
    return REFERENCES[key]
