"""Every rule has a well-formed unique code, a Swedish title, a severity and a legal reference that
says whether its new-law paragraph number is confirmed."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from placement import rule_catalogue
from placement.core.legal import REFERENCES, LegalReference
from placement.core.rulebook import Rule, Severity, register

RULES = list(rule_catalogue.load())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"(PP|FU|SV|EK|CH)\d{2}", rule.code)
    assert rule.title[0].isupper()
    assert rule.severity in Severity
    assert rule.legal.current
    assert rule.legal_key in REFERENCES


def test_codes_are_unique_and_reuse_fails() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    with pytest.raises(ValueError, match="registered twice"):
        register("SV01", "Dubblett", Severity.INFO, "permit")
    with pytest.raises(ValueError, match="malformed"):
        register("SV1", "Fel form", Severity.INFO, "permit")


def test_monitoring_codes_are_all_there() -> None:
    assert [r.code for r in RULES if r.family == "SV"] == [f"SV0{n}" for n in range(1, 10)]


def test_unconfirmed_references_say_so() -> None:
    unconfirmed = LegalReference(
        "x", "SoL (2025:400) 6 kap. 6 §", old="SoL (2001:453) 6 kap. 6 §", new_confirmed=False
    )
    assert "inte bekräftat" in unconfirmed.cite()
    assert "tidigare SoL (2001:453) 6 kap. 6 §" in unconfirmed.cite()
    assert "bekräftat" not in REFERENCES["contract_follow_up"].cite()


@pytest.mark.slow  # a real process
def test_rules_command_lists_them_as_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "placement", "rules", "--json"], capture_output=True, text=True, check=True
    )
    listed = json.loads(result.stdout)
    assert [r["code"] for r in listed] == [r.code for r in RULES]
    assert set(listed[0]) == {
        "code",
        "severity",
        "title",
        "legal_reference",
        "old_reference",
        "new_reference_confirmed",
        "old_reference_confirmed",
    }
