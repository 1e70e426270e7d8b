"""Every rule the service applies, by its stable code (pure).

A code is never reused: a retired code is listed in :data:`RETIRED` and can never be registered
again; a renumbered rule keeps its old code as an alias (:func:`lookup` resolves it), because
tests, audit trails and reports cite codes. Each rule names its Swedish title, severity and legal
reference (from placement/core/legal.py); a severity that depends on the facts is declared on the rule
as a named variant (``severities``), never improvised where a finding is raised.

Rules register themselves when their module is imported; this registry never imports rule
packages. The service's entry points import every family once at start-up
(placement/rule_catalogue.py). `placement rules` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from placement.core.legal import LegalReference, reference


class Severity(StrEnum):
    BLOCK = "block"  # the decision must not be taken until resolved or overridden with a reason
    WARN = "warn"  # must be acknowledged
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    legal_key: str
    family: str
    severities: Mapping[str, Severity] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    @property
    def legal(self) -> LegalReference:
        return reference(self.legal_key)

    def severity_for(self, variant: str | None = None) -> Severity:
        """The severity of a finding: the rule's own, or the named variant the rule declares."""
        if variant is None:
            return self.severity
        if variant not in self.severities:
            raise KeyError(f"rule {self.code} declares no severity variant {variant!r}")
        return self.severities[variant]


_CODE = re.compile(r"^(PP|FU|SV|EK|CH)\d{2}$")

# Codes that were once used and withdrawn, with why. They are never registered again, so an old
# audit trail or report that cites one can never be read as a different rule. (None yet.)
RETIRED: Mapping[str, str] = MappingProxyType({})


class Rulebook:
    """Rules by code, their aliases, and the codes that may never be used again."""

    def __init__(self, *, retired: Mapping[str, str] = RETIRED) -> None:
        self.retired = retired
        self._rules: dict[str, Rule] = {}
        self._aliases: dict[str, str] = {}

    def register(
        self,
        code: str,
        title: str,
        severity: Severity,
        legal_key: str,
        *,
        severities: Mapping[str, Severity] | None = None,
        aliases: tuple[str, ...] = (),
    ) -> Rule:
        """Register a rule; fails at import on a malformed, duplicate or retired code (or alias), a
        missing legal reference or a title that does not start with a capital letter."""
        for each in (code, *aliases):
            if not _CODE.match(each):
                raise ValueError(f"malformed rule code {each!r}")
            if each in self.retired:
                raise ValueError(f"rule code {each} is retired and can never be registered again")
            if each in self._rules or each in self._aliases:
                raise ValueError(f"rule code {each} registered twice")
        if not title or not title[0].isupper():
            raise ValueError(f"rule {code} needs a title starting with a capital letter")
        reference(legal_key)  # fails at import if the reference is missing
        rule = Rule(
            code, title, severity, legal_key, code[:2], MappingProxyType(dict(severities or {})), aliases
        )
        self._rules[code] = rule
        self._aliases.update(dict.fromkeys(aliases, code))
        return rule

    def lookup(self, code: str) -> Rule:
        """The rule a code names, following an alias (an old code of a renumbered rule)."""
        return self._rules[self._aliases.get(code, code)]

    def all_rules(self) -> list[Rule]:
        return sorted(self._rules.values(), key=lambda r: r.code)


RULEBOOK = Rulebook()


def register(
    code: str,
    title: str,
    severity: Severity,
    legal_key: str,
    *,
    severities: Mapping[str, Severity] | None = None,
    aliases: tuple[str, ...] = (),
) -> Rule:
    """Register a rule in the service's rulebook (see :meth:`Rulebook.register`)."""
    return RULEBOOK.register(code, title, severity, legal_key, severities=severities, aliases=aliases)


def lookup(code: str) -> Rule:
    """The service's rule for a code, following an alias."""
    return RULEBOOK.lookup(code)


def all_rules() -> list[Rule]:
    """Every registered rule, by code. Start-up registers them (placement.rule_catalogue.load)."""
    return RULEBOOK.all_rules()
