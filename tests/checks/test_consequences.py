"""A finding that follows from another is shown under it: an adult HVB for a 16-year-old is PP03,
and the age range (PP04) is shown under that block, not as a second block beside it."""

from __future__ import annotations

import datetime as dt

from checks.facts import CheckFacts
from checks.registry import Verdict, run
from tests.test_rule_cases import build_check_facts

ADULT_HVB = {
    "operation_kind": "hvb_adults",
    "permit": {"operation_kind": "hvb_adults", "age_min": 18, "age_max": 99},
}


def sixteen_year_old_at(unit: dict[str, object]) -> CheckFacts:
    return build_check_facts(
        {
            "child": {"birth_date": dt.date(2010, 6, 1)},
            "proposed": {"start_date": dt.date(2026, 12, 1)},
            "unit": unit,
        }
    )


def test_age_range_is_shown_under_the_wrong_kind_of_permit() -> None:
    verdict, findings = run(sixteen_year_old_at(ADULT_HVB))
    codes = [f.code for f in findings]
    assert "PP04" not in codes
    [pp03] = [f for f in findings if f.code == "PP03"]
    assert [c.code for c in pp03.consequences] == ["PP04"]
    assert pp03.consequences[0].detail == "Barnet är 16 år på startdagen; tillståndet gäller 18–99 år"
    assert verdict is Verdict.BLOCK


def test_age_range_alone_is_its_own_block() -> None:
    """With a children's HVB for 17-20 year olds, the kind fits and PP04 stands on its own."""
    verdict, findings = run(sixteen_year_old_at({"permit": {"age_min": 17, "age_max": 20}}))
    assert [f.code for f in findings if f.code in {"PP03", "PP04"}] == ["PP04"]
    assert verdict is Verdict.BLOCK
