"""How a supplier and staff rule (SV) is declared, and the flag it raises (pure).

One module per code (suppliers/rules/SVxx.py): the function's name starts with the code, the
first docstring line is the registered title, and the docstring has the sections of
:data:`DOCSTRING_SECTIONS`. Set-based SQL (placement/repositories/integrity.py) selects the
candidates and gathers their facts; whether a candidate is a finding, and its severity, is the
rule's. Rules raised by a register change (SV01-SV03, SV08, SV09) declare the kinds of change
that raise them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from placement.core.rulebook import Rule, Severity, register
from placement.core.supplier_vocabulary import ChangeKind

DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


class Flag(BaseModel):
    code: str
    severity: Severity
    title: str
    staff_id: uuid.UUID | None = None
    provider_orgnr: str | None = None
    foster_home_id: uuid.UUID | None = None
    contract_id: uuid.UUID | None = None
    detail: str
    involvement: list[str] = Field(default_factory=list, description="SV06: what the person did there.")


@dataclass(frozen=True)
class SupplierRule:
    rule: Rule
    function: Callable[..., Any]
    docstring: str
    raised_by: frozenset[ChangeKind] = frozenset()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    def flag(self, detail: str, *, variant: str | None = None, **where: Any) -> Flag:
        """A flag of this rule: title and severity from the registry (a declared variant's, if named)."""
        return Flag(
            code=self.rule.code,
            severity=self.rule.severity_for(variant),
            title=self.rule.title,
            detail=detail,
            **where,
        )


RULES: dict[str, SupplierRule] = {}


def supplier_rule(
    code: str,
    severity: Severity,
    legal_key: str,
    *,
    severities: dict[str, Severity] | None = None,
    raised_by: frozenset[ChangeKind] = frozenset(),
) -> Callable[[Callable[..., Any]], SupplierRule]:
    def add(function: Callable[..., Any]) -> SupplierRule:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"rule {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        rule = register(code, title, severity, legal_key, severities=severities)
        RULES[code] = SupplierRule(rule, function, doc, raised_by)
        return RULES[code]

    return add
