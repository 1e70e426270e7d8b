"""Comparing two snapshots: what changed, and which finding each change raises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from placement.core.supplier_vocabulary import CompanyStatus, InterventionKind, PermitStatus
from suppliers.changes import ChangeKind, intervention_changes, provider_changes, unit_changes
from suppliers.formats import Feed, parse_feed
from suppliers.records import Intervention, Provider, Unit

SAMPLES = Path(__file__).parents[2] / "deploy" / "samples"


def sample_unit() -> Unit:
    return parse_feed(Feed.IVO, (SAMPLES / "ivo.json").read_bytes(), name="ivo.json").units[0]


def with_permit(unit: Unit, **changes: Any) -> Unit:
    assert unit.permit is not None
    return unit.model_copy(update={"permit": unit.permit.model_copy(update=changes)})


@pytest.mark.parametrize(
    ("changes", "kinds", "codes"),
    [
        ({"status": PermitStatus.REVOKED}, [ChangeKind.PERMIT_REVOKED], ["SV01"]),
        ({"status": PermitStatus.CEASED}, [ChangeKind.PERMIT_CEASED], ["SV01"]),
        ({"places": 5}, [ChangeKind.PLACES_CHANGED], ["SV02"]),
        ({"age_max": 15}, [ChangeKind.TARGET_GROUP_CHANGED], ["SV02"]),
        ({"manager_name": "Ny Föreståndare"}, [ChangeKind.MANAGER_CHANGED], ["SV03"]),
        (
            {"status": PermitStatus.REVOKED, "manager_name": "Ny"},
            [ChangeKind.PERMIT_REVOKED, ChangeKind.MANAGER_CHANGED],
            ["SV01", "SV03"],
        ),
    ],
)
def test_permit_changes(changes: dict[str, Any], kinds: list[ChangeKind], codes: list[str]) -> None:
    before = sample_unit()
    found = unit_changes({before.key: before}, {before.key: with_permit(before, **changes)})
    assert [c.kind for c in found] == kinds
    assert [c.finding_code for c in found] == codes
    assert all(c.unit_codes == ("U-1001",) for c in found)


def test_unchanged_unit_is_no_change() -> None:
    unit = sample_unit()
    assert unit_changes({unit.key: unit}, {unit.key: unit.model_copy()}) == []


def test_unit_gone_from_the_register_ceases_its_permit() -> None:
    unit = sample_unit()
    [change] = unit_changes({unit.key: unit}, {})
    assert (change.kind, change.finding_code) == (ChangeKind.PERMIT_CEASED, "SV01")


def test_other_unit_details_change_without_finding() -> None:
    unit = sample_unit()
    [change] = unit_changes({unit.key: unit}, {unit.key: unit.model_copy(update={"reported_occupancy": 7})})
    assert (change.kind, change.finding_code) == (ChangeKind.UNIT_CHANGED, None)


def provider(**changes: Any) -> Provider:
    base = parse_feed(Feed.COMPANIES, (SAMPLES / "companies.json").read_bytes(), name="c.json").providers[0]
    return base.model_copy(update=changes)


@pytest.mark.parametrize(
    ("changes", "kind", "code"),
    [
        ({"status": CompanyStatus.BANKRUPT}, ChangeKind.COMPANY_STATUS_CHANGED, "SV08"),
        ({"f_skatt": False}, ChangeKind.COMPANY_STATUS_CHANGED, "SV08"),
        ({"officers": ()}, ChangeKind.OFFICERS_CHANGED, "SV09"),
        ({"name": "Nytt namn AB"}, ChangeKind.PROVIDER_CHANGED, None),
    ],
)
def test_provider_changes_reach_its_units(
    changes: dict[str, Any], kind: ChangeKind, code: str | None
) -> None:
    old, new = provider(), provider(**changes)
    [change] = provider_changes({old.key: old}, {new.key: new}, {old.key: ["U-1001", "U-1004"]})
    assert (change.kind, change.finding_code, change.unit_codes) == (kind, code, ("U-1001", "U-1004"))


def test_interventions_are_new_once() -> None:
    i = Intervention(
        case_number="X-1", kind=InterventionKind.VITE, decided_on=dt.date(2026, 1, 1), unit_code="U-1"
    )
    assert [c.kind for c in intervention_changes([], [i])] == [ChangeKind.INTERVENTION_NEW]
    assert intervention_changes(["X-1"], [i]) == []
