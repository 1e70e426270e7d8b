"""SV05: purchases from a provider without a valid contract above the year's direct-award limit."""

from __future__ import annotations

from pydantic import BaseModel, Field

from placement.core.rulebook import Severity
from suppliers.rules._form import Flag, supplier_rule


class PurchaseFacts(BaseModel):
    provider_orgnr: str = "5599000014"
    year: int = 2026
    days_without_contract: int = Field(ge=0)
    cost_without_contract: float = Field(ge=0)
    direct_award_limit: float | None = Field(
        default=None, description="The year's limit from the municipality's policy; None: not set."
    )


@supplier_rule("SV05", Severity.WARN, "direct_award")
def sv05_purchases_without_contract(facts: PurchaseFacts) -> Flag | None:
    """Köp utan giltigt avtal över direktupphandlingsgränsen

    Checks: per provider, the cost this year of placement days not covered by a valid contract
    with it, against the year's direct-award limit (policy, year-specific amounts).
    Legal basis: LOU (2016:1145) 19 a kap.
    Fails when: the cost without contract is above the year's limit.
    Passes when: at or below the limit; or the policy sets no limit for the year.
    """
    limit = facts.direct_award_limit
    if limit is None or facts.cost_without_contract <= limit:
        return None
    detail = (
        f"{facts.days_without_contract} placeringsdygn utan avtal {facts.year}, "
        f"{facts.cost_without_contract:,.0f} kr (gräns {limit:,.0f} kr)"
    ).replace(",", " ")
    return sv05_purchases_without_contract.flag(detail, provider_orgnr=facts.provider_orgnr)
