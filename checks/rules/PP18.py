"""PP18: the provider company is not active, or lacks F-skatt."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity
from placement.core.supplier_vocabulary import CompanyStatus


@check_rule(
    "PP18",
    Severity.BLOCK,
    "company_register",
    severities={"no_f_skatt": Severity.WARN},
    guidance="Placera inte hos en huvudman i konkurs, likvidation eller avregistrerad; kontrollera F-skatt.",
)
def pp18_provider_active(facts: CheckFacts) -> Iterable[Finding]:
    """Huvudmannen är inte aktiv eller saknar F-skatt

    Checks: the provider's status in the company register and its F-skatt.
    Legal basis: the company register; Skatteverket's F-skatt register.
    Fails when: deregistered, bankrupt or in liquidation (blocks); no F-skatt (warns).
    Passes when: active with F-skatt, or the unit has no private provider.
    """
    provider = facts.provider
    if provider is None:
        return
    if provider.status is not CompanyStatus.ACTIVE:
        yield finding("PP18", f"{provider.name} har status {provider.status.value}", orgnr=provider.orgnr)
    if not provider.f_skatt:
        yield finding("PP18", f"{provider.name} saknar F-skatt", variant="no_f_skatt", orgnr=provider.orgnr)
