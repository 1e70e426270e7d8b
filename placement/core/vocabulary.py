"""Controlled vocabularies of the placement core, with their Swedish labels.

Pure: imported by checks/ and followup/ as well as by the service. The values are stored in the
database (CHECK constraints in the migrations hold the same lists; a test compares them), and
every value has a Swedish label for pages and reports (:func:`label`; a test checks coverage).
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


class PlacementForm(StrEnum):
    FAMILJEHEM = "familjehem"
    JOURHEM = "jourhem"
    HVB = "hvb"
    STODBOENDE = "stodboende"
    LSS_BOENDE = "lss_boende"
    SIS = "sis"


class LegalBasis(StrEnum):
    SOL = "sol"
    LVU_2 = "lvu_2"
    LVU_3 = "lvu_3"
    LSS = "lss"


class EndReason(StrEnum):
    PLANNED = "planned"
    MOVE = "move"
    UNPLANNED = "unplanned"


class DecisionKind(StrEnum):
    PLACEMENT_SOL = "placement_sol"
    PLACEMENT_LVU = "placement_lvu"
    IMMEDIATE_CUSTODY_LVU = "immediate_custody_lvu"
    LSS_HOUSING = "lss_housing"
    OVERVAGANDE = "overvagande"
    OMPROVNING = "omprovning"
    EXTENSION = "extension"
    TERMINATION = "termination"
    PLACEMENT_FOSTER_HOME_PERMANENT = "placement_foster_home_permanent"
    MEDGIVANDE = "medgivande"


class StaffRole(StrEnum):
    PLACERINGSSTOD = "placeringsstod"
    SOCIALSEKRETERARE = "socialsekreterare"
    TEAMLEDARE = "teamledare"
    UPPHANDLARE = "upphandlare"
    GRANSKARE = "granskare"
    ADMINISTRATOR = "administrator"


VOCABULARIES: tuple[type[StrEnum], ...] = (Sex, PlacementForm, LegalBasis, EndReason, DecisionKind, StaffRole)

_LABELS: dict[StrEnum, str] = {
    Sex.FEMALE: "flicka",
    Sex.MALE: "pojke",
    Sex.UNSPECIFIED: "ej angivet",
    PlacementForm.FAMILJEHEM: "familjehem",
    PlacementForm.JOURHEM: "jourhem",
    PlacementForm.HVB: "hem för vård eller boende (HVB)",
    PlacementForm.STODBOENDE: "stödboende",
    PlacementForm.LSS_BOENDE: "bostad med särskild service för barn (9 § 8 LSS)",
    PlacementForm.SIS: "särskilt ungdomshem (SiS)",
    LegalBasis.SOL: "socialtjänstlagen (frivillig placering)",
    LegalBasis.LVU_2: "2 § LVU (miljön)",
    LegalBasis.LVU_3: "3 § LVU (eget beteende)",
    LegalBasis.LSS: "LSS",
    EndReason.PLANNED: "planerat avslut",
    EndReason.MOVE: "omplacering",
    EndReason.UNPLANNED: "oplanerat avslut",
    DecisionKind.PLACEMENT_SOL: "placering enligt SoL",
    DecisionKind.PLACEMENT_LVU: "placering under vård enligt LVU",
    DecisionKind.IMMEDIATE_CUSTODY_LVU: "omedelbart omhändertagande enligt LVU",
    DecisionKind.LSS_HOUSING: "bostad med särskild service enligt LSS",
    DecisionKind.OVERVAGANDE: "övervägande",
    DecisionKind.OMPROVNING: "omprövning",
    DecisionKind.EXTENSION: "förlängning",
    DecisionKind.TERMINATION: "upphörande",
    DecisionKind.PLACEMENT_FOSTER_HOME_PERMANENT: "placering i familjehem för stadigvarande vård och fostran",
    DecisionKind.MEDGIVANDE: "medgivande att ta emot ett barn i ett enskilt hem",
    StaffRole.PLACERINGSSTOD: "placeringsstöd",
    StaffRole.SOCIALSEKRETERARE: "socialsekreterare",
    StaffRole.TEAMLEDARE: "teamledare/enhetschef",
    StaffRole.UPPHANDLARE: "upphandlare",
    StaffRole.GRANSKARE: "granskare",
    StaffRole.ADMINISTRATOR: "administratör",
}


def label(value: StrEnum) -> str:
    """The Swedish label of a vocabulary value."""
    return _LABELS[value]
