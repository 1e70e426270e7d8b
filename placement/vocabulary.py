"""Controlled vocabularies of the placement core, with their Swedish labels.

Pure: imported by checks/ and followup/ as well as by the service. The values are stored in the
database (CHECK constraints in the migrations hold the same lists; a test compares them).
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Swedish label for pages and reports."""

    label: str

    def __new__(cls, value: str, label: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Sex(LabelledEnum):
    FEMALE = "female", "flicka"
    MALE = "male", "pojke"
    UNSPECIFIED = "unspecified", "ej angivet"


class PlacementForm(LabelledEnum):
    FAMILJEHEM = "familjehem", "familjehem"
    JOURHEM = "jourhem", "jourhem"
    HVB = "hvb", "hem för vård eller boende (HVB)"
    STODBOENDE = "stodboende", "stödboende"
    LSS_BOENDE = "lss_boende", "bostad med särskild service för barn (9 § 8 LSS)"
    SIS = "sis", "särskilt ungdomshem (SiS)"


class LegalBasis(LabelledEnum):
    SOL = "sol", "socialtjänstlagen (frivillig placering)"
    LVU_2 = "lvu_2", "2 § LVU (miljön)"
    LVU_3 = "lvu_3", "3 § LVU (eget beteende)"
    LSS = "lss", "LSS"


class EndReason(LabelledEnum):
    PLANNED = "planned", "planerat avslut"
    MOVE = "move", "omplacering"
    UNPLANNED = "unplanned", "oplanerat avslut"


class DecisionKind(LabelledEnum):
    PLACEMENT_SOL = "placement_sol", "placering enligt SoL"
    PLACEMENT_LVU = "placement_lvu", "placering under vård enligt LVU"
    IMMEDIATE_CUSTODY_LVU = "immediate_custody_lvu", "omedelbart omhändertagande enligt LVU"
    LSS_HOUSING = "lss_housing", "bostad med särskild service enligt LSS"
    OVERVAGANDE = "overvagande", "övervägande"
    OMPROVNING = "omprovning", "omprövning"
    EXTENSION = "extension", "förlängning"
    TERMINATION = "termination", "upphörande"


class StaffRole(LabelledEnum):
    PLACERINGSSTOD = "placeringsstod", "placeringsstöd"
    SOCIALSEKRETERARE = "socialsekreterare", "socialsekreterare"
    TEAMLEDARE = "teamledare", "teamledare/enhetschef"
    UPPHANDLARE = "upphandlare", "upphandlare"
    GRANSKARE = "granskare", "granskare"
    ADMINISTRATOR = "administrator", "administratör"
