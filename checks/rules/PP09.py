"""PP09: the unit's unplanned endings and moves in the last 12 months, as a rate of all its endings."""

from __future__ import annotations

from collections.abc import Iterable

from checks.facts import CheckFacts
from checks.registry import Finding, check_rule, finding
from placement.core.rulebook import Severity


@check_rule(
    "PP09",
    Severity.WARN,
    "stability",
    guidance="Ta reda på orsakerna till avbrotten och dokumentera bedömningen av enhetens stabilitet.",
)
def pp09_unplanned_endings(facts: CheckFacts) -> Iterable[Finding]:
    """Många oplanerade avslut och omplaceringar på enheten

    Checks: the unit's unplanned endings and moves over the last 12 months, across every
    municipality (counts only), as a share of all its endings in the period (the rate, with the
    count behind it), against the policy's rate (guidance default 30 %); with fewer endings than
    the policy's minimum for a rate (default 3), the count against the count threshold.
    Legal basis: IVO's decision (trygghet och säkerhet); SOSFS 2012:11 3 kap. 3 §.
    Fails when: the rate is at or above the policy's rate; or, with too few endings for a rate or
    endings unknown, the count is at or above the count threshold.
    Passes when: below.
    """
    if facts.unit is None:
        return
    unplanned = facts.unit.unplanned_endings_12m + facts.unit.moves_12m
    endings = facts.unit.endings_12m
    policy = facts.policy
    if endings is not None and endings >= max(policy.unplanned_rate_min_endings, unplanned, 1):
        rate = round(100 * unplanned / endings)
        if rate >= policy.unplanned_rate_threshold_percent:
            yield finding(
                "PP09",
                f"{unplanned} av {endings} avslut de senaste 12 månaderna var oplanerade eller "
                f"omplaceringar ({rate} %)",
                count=unplanned,
                endings=endings,
                rate_percent=rate,
                threshold_percent=policy.unplanned_rate_threshold_percent,
            )
        return
    if unplanned >= policy.unplanned_endings_threshold:
        yield finding(
            "PP09",
            f"{unplanned} oplanerade avslut eller omplaceringar de senaste 12 månaderna",
            count=unplanned,
            endings=endings,
            threshold=policy.unplanned_endings_threshold,
        )
