"""What a check run knows about a proposed placement (pure). Gathered from the database by the
service (placement/api/checks.py), or written by hand in the rule cases (tests/checks/cases/).

Every field has a default, so a case states only what it is about.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from placement.core.supplier_vocabulary import Need
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm, Sex
from suppliers.records import Intervention, Permit, Provider, Unit


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChildFacts(Model):
    birth_date: dt.date = dt.date(2012, 6, 1)
    sex: Sex = Sex.UNSPECIFIED
    primary_need: Need | None = None
    other_needs: tuple[Need, ...] = ()

    def age_on(self, day: dt.date) -> int:
        """Completed years on ``day``; a child born on 29 February turns a year older on 1 March."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)


class ProposedPlacement(Model):
    form: PlacementForm = PlacementForm.HVB
    legal_basis: LegalBasis = LegalBasis.SOL
    start_date: dt.date = dt.date(2026, 12, 1)
    planned_end_date: dt.date | None = None
    close_supervision_needed: bool = False


class UnitFacts(Model):
    """The register's word on the unit as of the check, and the snapshot it comes from. The unit's
    stability (PP09) is its unplanned endings and moves against all its endings in the last 12
    months, across municipalities."""

    in_register: bool = True
    unit: Unit | None = None
    snapshot_id: int | None = None
    manager_known_to_municipality: str | None = None
    active_placements: int | None = Field(default=None, description="Across all municipalities, now.")
    moves_12m: int = 0
    unplanned_endings_12m: int = 0
    endings_12m: int | None = Field(
        default=None, description="All endings in the period (the rate's denominator); None: unknown."
    )
    interventions: tuple[Intervention, ...] = ()


class FosterPersonFacts(Model):
    """A person the nämnd means to engage for the care in the home (SoF (2025:468) 3 kap. 3 §)."""

    name: str = "Familjehemsförälder"
    belastningsregister_on: dt.date | None = None
    misstankeregister_on: dt.date | None = None


class FosterHomeFacts(Model):
    kommunkod: str | None = Field(default=None, description="Where the home lies; None: not recorded.")
    people: tuple[FosterPersonFacts, ...] = ()
    placed_children: int | None = Field(
        default=None,
        description="Children placed in the home now, counted across municipalities by keyed hash; "
        "None: unknown (then only this municipality's concurrent placements are known).",
    )
    investigated_on: dt.date | None = None
    approved_on: dt.date | None = None
    belastningsregister_on: dt.date | None = None
    misstankeregister_on: dt.date | None = None
    socialregister_on: dt.date | None = None
    company_orgnr: str | None = None
    concurrent_placements: int = 0
    placing_municipalities: int | None = Field(
        default=None,
        description="Municipalities placing there, counted across them by keyed hash; None: unknown.",
    )


class ContractFact(Model):
    kind: str = "ramavtal"
    provider_orgnr: str | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None


class ConflictFact(Model):
    person: str = Field(description="handlaggare or decision_maker")
    detail: str = ""
    confirmed: bool = False
    score: int = 100


class CheckPolicy(Model):
    """The municipality's policy values for checks, with their documented defaults (guidance)."""

    unplanned_endings_threshold: int = 3
    unplanned_rate_threshold_percent: int = 30
    unplanned_rate_min_endings: int = 3
    concurrent_foster_placements_threshold: int = 3
    placing_municipalities_threshold: int = 2
    register_check_max_age_months: int = 12
    occupancy_stale_days: int = 30
    contract_missing_blocks: bool = False
    conflict_score_threshold: int = 90
    check_valid_days: int = 30


class CheckFacts(Model):
    today: dt.date = dt.date(2026, 11, 22)
    child: ChildFacts = ChildFacts()
    proposed: ProposedPlacement = ProposedPlacement()
    unit: UnitFacts | None = None
    foster_home: FosterHomeFacts | None = None
    provider: Provider | None = None
    contracts: tuple[ContractFact, ...] = ()
    conflicts: tuple[ConflictFact, ...] = ()
    decision_kind: DecisionKind = DecisionKind.PLACEMENT_SOL
    decided_by_namnd: bool = Field(
        default=False, description="The nämnd or its utskott takes the decision, not an official."
    )
    decision_maker_has_delegation: bool | None = None
    delegation_basis: str = ""
    needs_assessment_documented: bool = False
    investigation_ended_on: dt.date | None = None
    jourhem_special_reasons: str | None = None
    municipality_kommunkod: str | None = None
    foster_agreement_on: dt.date | None = Field(
        default=None, description="The agreement with the foster parents (SoL 22 kap. 3 §)."
    )
    host_municipality_consulted_on: dt.date | None = Field(
        default=None, description="The host municipality informed and consulted (SoL 22 kap. 6 §)."
    )
    other_placing_municipalities_consulted_on: dt.date | None = Field(
        default=None,
        description="The other municipalities with a child in the home informed and consulted.",
    )
    policy: CheckPolicy = CheckPolicy()

    def unit_record(self) -> Unit | None:
        """The register's record of the unit, if the unit is known to the register."""
        return self.unit.unit if self.unit is not None else None

    def permit(self) -> Permit | None:
        """The unit's permit, if it holds one."""
        record = self.unit_record()
        return record.permit if record is not None else None
