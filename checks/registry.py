"""The pre-placement rules, registered like a linter's: one rule per module (checks/rules/PPxx.py),
its code in the function's name, its title the first docstring line, its severity and legal
reference as data. A code is checked at import to be well formed and unique (placement/core/rulebook.py).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from checks.facts import CheckFacts
from placement.core.rulebook import Rule, Severity, register


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    title: str
    detail: str
    guidance: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


class Verdict(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    PASS = "pass"  # noqa: S105 - a verdict, not a password


RuleFunction = Callable[[CheckFacts], Iterable[Finding]]


@dataclass(frozen=True)
class CheckRule:
    rule: Rule
    function: RuleFunction
    docstring: str
    guidance: str


RULES: dict[str, CheckRule] = {}
DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


def check_rule(
    code: str, severity: Severity, legal_key: str, *, guidance: str
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule. ``guidance`` says, in Swedish, what to do about a finding."""

    def add(function: RuleFunction) -> RuleFunction:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"rule {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        RULES[code] = CheckRule(register(code, title, severity, legal_key), function, doc, guidance)
        return function

    return add


@functools.cache
def load_rules() -> dict[str, CheckRule]:
    """Import every module in checks/rules (each registers its rule), once."""
    import checks.rules

    for module in pkgutil.iter_modules(checks.rules.__path__):
        importlib.import_module(f"checks.rules.{module.name}")
    return RULES


@functools.cache
def _in_order() -> tuple[CheckRule, ...]:
    return tuple(rule for _, rule in sorted(load_rules().items()))


def run(facts: CheckFacts) -> tuple[Verdict, list[Finding]]:
    """Every rule over the facts; the verdict is the worst severity found."""
    findings = [f for rule in _in_order() for f in rule.function(facts)]
    if any(f.severity is Severity.BLOCK for f in findings):
        return Verdict.BLOCK, findings
    if any(f.severity is Severity.WARN for f in findings):
        return Verdict.WARN, findings
    return Verdict.PASS, findings


def finding(
    code: str, detail: str, *, severity: Severity | None = None, guidance: str = "", **evidence: Any
) -> Finding:
    registered = RULES[code]
    rule = registered.rule
    return Finding(
        code, severity or rule.severity, rule.title, detail, guidance or registered.guidance, evidence
    )
