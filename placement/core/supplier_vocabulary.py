"""Controlled vocabularies of the provider register, with Swedish labels (pure)."""

from __future__ import annotations

from enum import StrEnum


class OperationKind(StrEnum):
    """The kind of operation (verksamhetstyp) a unit is registered or permitted for."""

    HVB_CHILDREN = "hvb_children"
    HVB_ADULTS = "hvb_adults"
    STODBOENDE = "stodboende"
    SKYDDAT_BOENDE = "skyddat_boende"
    LSS_CHILDREN = "lss_children"
    SIS = "sis"
    FOSTER_CARE_CONSULTANT = "foster_care_consultant"


class Ownership(StrEnum):
    PRIVATE = "private"
    MUNICIPAL = "municipal"


class TargetSex(StrEnum):
    ANY = "any"
    FEMALE = "female"
    MALE = "male"


class Need(StrEnum):
    """Kinds of need a permit's målgrupp may cover."""

    PSYCHOSOCIAL = "psychosocial"
    SUBSTANCE_ABUSE = "substance_abuse"
    CRIMINALITY = "criminality"
    NEUROPSYCHIATRIC = "neuropsychiatric"
    INTELLECTUAL_DISABILITY = "intellectual_disability"
    PSYCHIATRIC = "psychiatric"
    HONOUR_VIOLENCE = "honour_violence"
    UNACCOMPANIED = "unaccompanied"
    EATING_DISORDER = "eating_disorder"
    SELF_HARM = "self_harm"


class PermitStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    CEASED = "ceased"


class CompanyStatus(StrEnum):
    ACTIVE = "active"
    BANKRUPT = "bankrupt"
    LIQUIDATION = "liquidation"
    DEREGISTERED = "deregistered"


class OfficerRole(StrEnum):
    OWNER = "owner"
    BOARD_MEMBER = "board_member"
    SIGNATORY = "signatory"
    MANAGER = "manager"


class InterventionKind(StrEnum):
    FORELAGGANDE = "forelaggande"
    VITE = "vite"
    ATERKALLELSE = "aterkallelse"
    TILLSYN_WITH_FAULTS = "tillsyn_with_faults"


LABELS: dict[StrEnum, str] = {
    OperationKind.HVB_CHILDREN: "HVB för barn och unga",
    OperationKind.HVB_ADULTS: "HVB för vuxna",
    OperationKind.STODBOENDE: "stödboende",
    OperationKind.SKYDDAT_BOENDE: "skyddat boende",
    OperationKind.LSS_CHILDREN: "bostad med särskild service för barn (9 § 8 LSS)",
    OperationKind.SIS: "särskilt ungdomshem (SiS)",
    OperationKind.FOSTER_CARE_CONSULTANT: "konsulentstödd familjehemsvård",
    Ownership.PRIVATE: "enskild",
    Ownership.MUNICIPAL: "kommunal",
    TargetSex.ANY: "alla",
    TargetSex.FEMALE: "flickor",
    TargetSex.MALE: "pojkar",
    Need.PSYCHOSOCIAL: "psykosocial problematik",
    Need.SUBSTANCE_ABUSE: "missbruk",
    Need.CRIMINALITY: "kriminalitet",
    Need.NEUROPSYCHIATRIC: "neuropsykiatrisk funktionsnedsättning",
    Need.INTELLECTUAL_DISABILITY: "intellektuell funktionsnedsättning",
    Need.PSYCHIATRIC: "psykiatrisk problematik",
    Need.HONOUR_VIOLENCE: "hedersrelaterat våld",
    Need.UNACCOMPANIED: "ensamkommande",
    Need.EATING_DISORDER: "ätstörning",
    Need.SELF_HARM: "självskadebeteende",
    PermitStatus.VALID: "gällande",
    PermitStatus.REVOKED: "återkallat",
    PermitStatus.CEASED: "upphört",
    CompanyStatus.ACTIVE: "aktivt",
    CompanyStatus.BANKRUPT: "i konkurs",
    CompanyStatus.LIQUIDATION: "i likvidation",
    CompanyStatus.DEREGISTERED: "avregistrerat",
    OfficerRole.OWNER: "ägare",
    OfficerRole.BOARD_MEMBER: "styrelseledamot",
    OfficerRole.SIGNATORY: "firmatecknare",
    OfficerRole.MANAGER: "föreståndare",
    InterventionKind.FORELAGGANDE: "föreläggande",
    InterventionKind.VITE: "vite",
    InterventionKind.ATERKALLELSE: "återkallelse",
    InterventionKind.TILLSYN_WITH_FAULTS: "tillsyn med brister",
}

VOCABULARIES: tuple[type[StrEnum], ...] = (
    OperationKind,
    Ownership,
    TargetSex,
    Need,
    PermitStatus,
    CompanyStatus,
    OfficerRole,
    InterventionKind,
)


class ChangeKind(StrEnum):
    """What changed between two snapshots of a register (suppliers/changes.py)."""

    PERMIT_NEW = "permit_new"
    PERMIT_REVOKED = "permit_revoked"
    PERMIT_CEASED = "permit_ceased"
    TARGET_GROUP_CHANGED = "target_group_changed"
    PLACES_CHANGED = "places_changed"
    MANAGER_CHANGED = "manager_changed"
    UNIT_NEW = "unit_new"
    UNIT_CHANGED = "unit_changed"
    UNIT_REMOVED = "unit_removed"
    INTERVENTION_NEW = "intervention_new"
    PROVIDER_NEW = "provider_new"
    PROVIDER_REMOVED = "provider_removed"
    COMPANY_STATUS_CHANGED = "company_status_changed"
    OFFICERS_CHANGED = "officers_changed"
    PROVIDER_CHANGED = "provider_changed"
