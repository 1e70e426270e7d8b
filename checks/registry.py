"""The pre-placement rules, registered like a linter's: one rule per module (checks/rules/PPxx.py),
its code in the function's name, its title the first docstring line, its severity and legal
reference as data. A code is checked at import to be well formed and unique (placement/core/rulebook.py).

A severity that depends on the facts is a named variant declared on the rule (``severities``); a
finding names the variant, never a severity of its own. A rule whose finding follows from another
rule's declares ``follows``: when both find something, its findings show under the other's first
finding (``consequences``) instead of as separate findings beside it; the verdict still counts
them.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
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
    consequences: tuple[Finding, ...] = ()


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
    follows: str | None = None


RULES: dict[str, CheckRule] = {}
DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


def check_rule(
    code: str,
    severity: Severity,
    legal_key: str,
    *,
    guidance: str,
    severities: dict[str, Severity] | None = None,
    follows: str | None = None,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule. ``guidance`` says, in Swedish, what to do about a finding; ``severities``
    names the severities a finding may take instead of ``severity``, by the facts; ``follows`` is
    the code of the rule whose findings this rule's findings show under."""

    def add(function: RuleFunction) -> RuleFunction:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"rule {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        rule = register(code, title, severity, legal_key, severities=severities)
        RULES[code] = CheckRule(rule, function, doc, guidance, follows)
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
    """Every rule over the facts; the verdict is the worst severity found, consequences included.
    A finding of a rule that follows another is shown under that rule's first finding."""
    by_code: dict[str, list[Finding]] = {}
    for rule in _in_order():
        found = list(rule.function(facts))
        if found:
            by_code[rule.rule.code] = found
    every = [f for found in by_code.values() for f in found]
    for code, found in list(by_code.items()):
        parent = RULES[code].follows
        if parent is not None and parent in by_code:
            first = by_code[parent][0]
            by_code[parent][0] = replace(first, consequences=(*first.consequences, *found))
            del by_code[code]
    findings = [f for found in by_code.values() for f in found]
    if any(f.severity is Severity.BLOCK for f in every):
        return Verdict.BLOCK, findings
    if any(f.severity is Severity.WARN for f in every):
        return Verdict.WARN, findings
    return Verdict.PASS, findings


def finding(
    code: str, detail: str, *, variant: str | None = None, guidance: str = "", **evidence: Any
) -> Finding:
    """A finding of the rule ``code``: its title from the registry, its severity the rule's own or
    the declared ``variant``'s."""
    registered = RULES[code]
    rule = registered.rule
    return Finding(
        code, rule.severity_for(variant), rule.title, detail, guidance or registered.guidance, evidence
    )
