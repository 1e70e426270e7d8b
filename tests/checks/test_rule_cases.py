"""Every pre-placement rule against its named cases (tests/checks/cases/PPxx.yml), and the meta-test
that no rule lacks a code, title, legal reference, docstring sections or cases.

A case's ``facts`` are a CheckFacts, with shorthands for the unit: ``unit: {...}`` overrides fields
of a standard private HVB for children (ages 13–17, any sex, psychosocial and criminality, 8
places) and ``permit: {...}`` inside it overrides its permit (``permit: null``: none); the unit's
counts (``active_placements``, ``moves_12m``, ``unplanned_endings_12m``, ``interventions``,
``manager_known_to_municipality``) sit beside it; ``unit_missing: true`` means not in the register.
``expect`` is pass, warn or block: the rule's worst finding for the case.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.facts import CheckFacts
from checks.registry import DOCSTRING_SECTIONS, RULES, load_rules
from placement.core.rulebook import Severity

CASES = Path(__file__).parent / "cases"
STANDARD_UNIT: dict[str, Any] = {
    "unit_code": "U-1",
    "name": "HVB Solgläntan (exempel)",
    "kommunkod": "0001",
    "operation_kind": "hvb_children",
    "ownership": "private",
    "provider_orgnr": "5599000014",
    "permit": {
        "ivo_reference": "IVO-1",
        "operation_kind": "hvb_children",
        "age_min": 13,
        "age_max": 17,
        "sex": "any",
        "needs": ["psychosocial", "criminality"],
        "places": 8,
        "manager_name": "Anna Föreståndare",
        "valid_from": "2021-03-01",
        "status": "valid",
    },
}
UNIT_COUNTS = (
    "active_placements",
    "moves_12m",
    "unplanned_endings_12m",
    "interventions",
    "manager_known_to_municipality",
)


def build(facts: dict[str, Any]) -> CheckFacts:
    facts = dict(facts)
    counts = {k: facts.pop(k) for k in UNIT_COUNTS if k in facts}
    missing = facts.pop("unit_missing", False)
    if "unit" in facts:
        overrides = facts.pop("unit")
        if missing:
            facts["unit"] = {"in_register": False, "unit": None, **counts}
        else:
            unit = copy.deepcopy(STANDARD_UNIT)
            permit = overrides.pop("permit", {}) if overrides else {}
            unit.update(overrides or {})
            unit["permit"] = None if permit is None else {**unit["permit"], **permit}
            facts["unit"] = {"unit": unit, "snapshot_id": 1, **counts}
    return CheckFacts.model_validate(facts)


def cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("PP*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            found.append(pytest.param(document["rule"], case, id=f"{document['rule']}: {case['name']}"))
    return found


@pytest.mark.parametrize(("code", "case"), cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    rule = load_rules()[code]
    findings = list(rule.function(build(case["facts"])))
    assert all(f.code == code for f in findings)
    if case["expect"] == "pass":
        assert findings == []
    else:
        worst = (
            Severity.BLOCK
            if any(f.severity is Severity.BLOCK for f in findings)
            else (Severity.WARN if findings else None)
        )
        assert worst is not None, "expected a finding"
        assert worst.value == case["expect"]
        assert all(f.title and f.detail for f in findings)
        assert all(f.guidance for f in findings), "every finding says what to do next"


@pytest.mark.parametrize("code", [f"PP{n:02d}" for n in range(1, 20)])
def test_every_rule_is_complete(code: str) -> None:
    """A registered rule has its module, title, severity, legal reference, the docstring's sections
    and a case file with at least one passing and one failing case."""
    rule = load_rules()[code]
    assert rule.function.__module__ == f"checks.rules.{code}"
    assert rule.rule.title[:1].isupper()
    assert rule.rule.legal.current
    for section in DOCSTRING_SECTIONS:
        assert section in rule.docstring, f"{code} lacks '{section}'"
    document = yaml.safe_load((CASES / f"{code}.yml").read_text(encoding="utf-8"))
    assert document["rule"] == code
    expectations = {case["expect"] for case in document["cases"]}
    assert "pass" in expectations
    assert expectations & {"warn", "block"}


def test_no_rule_without_cases_and_no_cases_without_rule() -> None:
    assert {p.stem for p in CASES.glob("PP*.yml")} == set(load_rules()) == set(RULES)
