"""Every rule the service applies, by its stable code (pure).

A code is never reused; a renumbered rule keeps its old code as an alias. Tests, audit trails and
reports cite codes. Each rule names its Swedish title, severity and legal reference (from
placement/core/legal.py). `placement rules` lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

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

    @property
    def legal(self) -> LegalReference:
        return reference(self.legal_key)


_CODE = re.compile(r"^(PP|FU|SV|EK|CH)\d{2}$")
_RULES: dict[str, Rule] = {}


def register(code: str, title: str, severity: Severity, legal_key: str) -> Rule:
    if not _CODE.match(code):
        raise ValueError(f"malformed rule code {code!r}")
    if code in _RULES:
        raise ValueError(f"rule code {code} registered twice")
    reference(legal_key)  # fails at import if the reference is missing
    rule = Rule(code, title, severity, legal_key, code[:2])
    _RULES[code] = rule
    return rule


def all_rules() -> list[Rule]:
    _load()
    return sorted(_RULES.values(), key=lambda r: r.code)


def _load() -> None:
    """Import every module that registers rules."""
    import checks.egenkontroll  # noqa: F401
    import followup.obligations  # noqa: F401
    from checks.registry import load_rules

    load_rules()
    import suppliers.rules  # noqa: F401
