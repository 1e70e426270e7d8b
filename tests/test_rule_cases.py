"""Every registered rule, of every family, against its named cases, in one parametrised test; and
the meta-test that no registered rule lacks its module, title, legal reference, docstring sections
or cases (it iterates over the registry, not a range of codes).

Case files: tests/checks/cases/PPxx.yml and EK01.yml, tests/followup/cases/FUxx.yml,
tests/suppliers/cases/SVxx.yml. Each is ``rule: CODE`` and named ``cases``; ``expect`` is what the
rule gives for the case's ``facts``:

- PP: pass, warn or block (the rule's worst finding). ``facts`` are a CheckFacts, with shorthands for
  the unit: ``unit: {...}`` overrides fields of a standard private HVB for children (ages 13–17,
  any sex, psychosocial and criminality, 8 places) and ``permit: {...}`` inside it overrides its
  permit (``permit: null``: none); the unit's counts (``active_placements``, ``moves_12m``,
  ``unplanned_endings_12m``, ``endings_12m``, ``interventions``, ``manager_known_to_municipality``)
  sit beside it; ``unit_missing: true`` means not in the register.
- FU: none (no obligation), met, open, due_soon or overdue (the most urgent state), on ``today``,
  for ``facts``, a placement (a standard SoL HVB placement from 2026-01-10 with a social worker
  assigned, overridden by the keys given; ``events``: ``[kind, date, {details}]``), with ``policy``.
- CH: none, met, open, due_soon, late, deficient or overdue (the most urgent state of the rule's
  items), on ``today``, for ``facts``, a report (followup.concern_model.facts_from_mapping), with
  ``policy``.
- SV and EK: pass, warn or block; ``facts`` are the rule's facts model (``change:`` for rules raised
  by a register change), with the rule's other arguments under ``args``. An EK indicator (EK02
  onwards) may also give not_counted: the subject is outside what it measures.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.egenkontroll import INDICATORS, NOT_COUNTED, DecisionCheckFacts, ek01_decision_without_check
from checks.egenkontroll._indicator import Finding as IndicatorFinding
from checks.facts import CheckFacts
from checks.registry import DOCSTRING_SECTIONS, RULES, load_rules
from followup.concern_model import RULES as CH_RULES
from followup.concern_model import URGENCY as CH_URGENCY
from followup.concern_model import ConcernPolicy, facts_from_mapping
from followup.model import RULES as FU_RULES
from followup.model import URGENCY, Assignment, DecisionFact, Event, EventKind, PlacementFacts, Policy
from placement import rule_catalogue
from placement.core.rulebook import RETIRED, Rulebook, Severity, all_rules, lookup
from placement.core.supplier_vocabulary import ChangeKind
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm
from suppliers.rules import RULES as SV_RULES

TESTS = Path(__file__).parent
CASE_FOLDERS = {
    "PP": TESTS / "checks" / "cases",
    "EK": TESTS / "checks" / "cases",
    "FU": TESTS / "followup" / "cases",
    "SV": TESTS / "suppliers" / "cases",
    "CH": TESTS / "followup" / "concern_cases",
}
REGISTERED = rule_catalogue.load()

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
    "endings_12m",
    "interventions",
    "manager_known_to_municipality",
)


def build_check_facts(facts: dict[str, Any]) -> CheckFacts:
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


def case_files() -> list[Path]:
    return sorted({p for folder in CASE_FOLDERS.values() for p in folder.glob("*.yml")})


def cases() -> list[Any]:
    found = []
    for path in case_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            found.append(pytest.param(document["rule"], case, id=f"{document['rule']}: {case['name']}"))
    return found


def worst(severities: list[Severity]) -> str:
    if Severity.BLOCK in severities:
        return "block"
    if Severity.WARN in severities:
        return "warn"
    return "info" if severities else "pass"


def check_case(code: str, case: dict[str, Any]) -> str:
    findings = list(load_rules()[code].function(build_check_facts(case["facts"])))
    assert all(f.code == code for f in findings)
    assert all(f.title == lookup(code).title and f.detail for f in findings)
    assert all(f.guidance for f in findings), "every finding says what to do next"
    return worst([f.severity for f in findings])


def placement_facts(facts: dict[str, Any]) -> PlacementFacts:
    start = facts.get("start_date", dt.date(2026, 1, 10))
    return PlacementFacts(
        form=PlacementForm(facts.get("form", "hvb")),
        legal_basis=LegalBasis(facts.get("legal_basis", "sol")),
        start_date=start,
        end_date=facts.get("end_date"),
        end_reason=EndReason(facts["end_reason"]) if facts.get("end_reason") else None,
        child_birth_date=facts.get("child_birth_date", dt.date(2012, 5, 5)),
        decisions=tuple(
            DecisionFact(
                DecisionKind(d["kind"]), d["decided_on"], d.get("valid_from", start), d.get("valid_to")
            )
            for d in facts.get("decisions", ())
        ),
        assignments=tuple(
            Assignment(a[0], a[1] if len(a) > 1 else None) for a in facts.get("assignments", [[start]])
        ),
        events=tuple(
            Event(EventKind(e[0]), e[1], e[2] if len(e) > 2 else {}) for e in facts.get("events", ())
        ),
        ivo_notice_required=facts.get("ivo_notice_required", False),
    )


def obligation_case(code: str, case: dict[str, Any]) -> str:
    rule = FU_RULES[code]
    found = list(
        rule.function(
            placement_facts(case.get("facts") or {}), case["today"], Policy(**case.get("policy", {}))
        )
    )
    assert all(o.code == code and o.title == lookup(code).title for o in found)
    if not found:
        return "none"
    return min((o.state for o in found), key=URGENCY.__getitem__).value


def supplier_case(code: str, case: dict[str, Any]) -> str:
    rule = SV_RULES[code]
    facts = case["facts"]
    if rule.raised_by:
        return worst([rule.rule.severity] if rule(ChangeKind(facts["change"])) else [])
    model = rule.function.__annotations__["facts"]
    module = __import__(rule.function.__module__, fromlist=[model])
    flag = rule(getattr(module, model).model_validate(facts), **case.get("args", {}))
    if flag is None:
        return "pass"
    assert (flag.code, flag.title) == (code, rule.rule.title)
    assert flag.detail
    return worst([flag.severity])


def egenkontroll_case(code: str, case: dict[str, Any]) -> str:
    """EK01 gives a finding or none; an indicator (EK02 onwards) also says a subject is not counted."""
    if code == "EK01":
        found = ek01_decision_without_check(DecisionCheckFacts.model_validate(case["facts"]))
        return worst([found.severity] if found else [])
    made = INDICATORS[code]
    model = made.function.__annotations__["facts"]
    module = __import__(made.function.__module__, fromlist=[model])
    verdict = made(getattr(module, model).model_validate(case["facts"]))
    if verdict is NOT_COUNTED:
        return "not_counted"
    assert isinstance(verdict, IndicatorFinding | None)
    if verdict is None:
        return "pass"
    assert (verdict.code, verdict.title) == (code, made.rule.title)
    assert verdict.detail
    return worst([verdict.severity])


def concern_case(code: str, case: dict[str, Any]) -> str:
    """CH: the most urgent state of the rule's items (none when it gives none)."""
    rule = CH_RULES[code]
    found = list(
        rule.function(
            facts_from_mapping(case["facts"]), case["today"], ConcernPolicy(**case.get("policy", {}))
        )
    )
    assert all(i.code == code and i.title == lookup(code).title and i.detail for i in found)
    if not found:
        return "none"
    return min((i.state for i in found), key=CH_URGENCY.__getitem__).value


EVALUATE = {
    "PP": check_case,
    "FU": obligation_case,
    "SV": supplier_case,
    "EK": egenkontroll_case,
    "CH": concern_case,
}
FAILING = {
    "PP": {"warn", "block"},
    "SV": {"warn", "block"},
    "EK": {"warn", "block"},
    "FU": {"overdue"},
    "CH": {"overdue", "late", "deficient"},
}
PASSING = {
    "PP": {"pass"},
    "SV": {"pass"},
    "EK": {"pass"},
    "FU": {"none", "met", "open"},
    "CH": {"none", "met", "open"},
}


@pytest.mark.parametrize(("code", "case"), cases())
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    """The rule gives what its named case expects."""
    assert EVALUATE[code[:2]](code, case) == str(case["expect"])


def rule_docstring(code: str) -> tuple[str, str]:
    """The rule's docstring and the module it is defined in."""
    family = code[:2]
    if family == "PP":
        return RULES[code].docstring, RULES[code].function.__module__
    if family == "FU":
        return FU_RULES[code].docstring, FU_RULES[code].function.__module__
    if family == "SV":
        return SV_RULES[code].docstring, SV_RULES[code].function.__module__
    if family == "CH":
        return CH_RULES[code].docstring, CH_RULES[code].function.__module__
    if code in INDICATORS:
        return INDICATORS[code].docstring, INDICATORS[code].function.__module__
    return ek01_decision_without_check.__doc__ or "", ek01_decision_without_check.__module__


@pytest.mark.parametrize("rule", REGISTERED, ids=lambda r: r.code)
def test_every_registered_rule_is_complete(rule: Any) -> None:
    """A registered rule has its own module named by its code, a title that is its docstring's
    first line, a legal reference, the docstring's sections, and a case file with at least one
    passing and one failing case."""
    docstring, module = rule_docstring(rule.code)
    assert module.rsplit(".", 1)[-1] == rule.code
    assert docstring.strip().splitlines()[0] == rule.title
    assert rule.legal.current
    for section in DOCSTRING_SECTIONS:
        assert section in docstring, f"{rule.code} lacks '{section}'"
    path = CASE_FOLDERS[rule.family] / f"{rule.code}.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert document["rule"] == rule.code
    expectations = {str(case["expect"]) for case in document["cases"]}
    assert expectations & PASSING[rule.family], f"{rule.code} has no passing case"
    assert expectations & FAILING[rule.family], f"{rule.code} has no failing case"


def test_no_case_file_without_a_registered_rule() -> None:
    assert {p.stem for p in case_files()} == {r.code for r in all_rules()}


def test_every_family_is_registered() -> None:
    assert {r.family for r in REGISTERED} == {"PP", "FU", "SV", "EK", "CH"}
    assert set(RULES) == {r.code for r in REGISTERED if r.family == "PP"}


def test_a_retired_code_can_never_be_registered_again() -> None:
    """A retired code (and an alias using one) is refused, so an old audit trail citing it is never
    read as a different rule; the service's own list of retired codes is refused too."""
    book = Rulebook(retired={"PP98": "withdrawn"})
    with pytest.raises(ValueError, match="retired"):
        book.register("PP98", "Återanvänd", Severity.INFO, "permit")
    with pytest.raises(ValueError, match="retired"):
        book.register("PP97", "Ny", Severity.INFO, "permit", aliases=("PP98",))
    assert set(RETIRED).isdisjoint(r.code for r in REGISTERED)


def test_an_old_code_of_a_renumbered_rule_finds_the_rule() -> None:
    """A renumbered rule keeps its old code as an alias; the alias can't be registered again."""
    book = Rulebook()
    rule = book.register("PP97", "Ny plats i nummerordningen", Severity.WARN, "permit", aliases=("PP96",))
    assert book.lookup("PP96") == rule
    assert [r.code for r in book.all_rules()] == ["PP97"]
    with pytest.raises(ValueError, match="registered twice"):
        book.register("PP96", "Krockar med aliaset", Severity.WARN, "permit")


def test_a_severity_variant_must_be_declared() -> None:
    """A finding's severity comes from the rule: a variant the rule does not declare is an error."""
    assert lookup("SV06").severity_for("involved") is Severity.BLOCK
    assert lookup("PP06").severity_for("other_need") is Severity.WARN
    with pytest.raises(KeyError):
        lookup("PP06").severity_for("improvised")
