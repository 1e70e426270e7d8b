"""FU17: IVO is notified of a placement that makes more than three children in one foster home."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from followup.model import EventKind, Obligation, PlacementFacts, Policy, obligation_rule, state_of
from placement.core.vocabulary import PlacementForm


@obligation_rule("FU17", "foster_home_count")
def fu17_ivo_notified_of_child_count(
    facts: PlacementFacts, today: dt.date, policy: Policy
) -> Iterable[Obligation]:
    """IVO underrättad om fler än tre barn i familjehemmet

    Checks: that the nämnd notifies IVO of a decision to place a child in a familjehem or jourhem
    when the check run before it found that more than three children would then be placed there
    (PP21, counted across municipalities); due at the start, tracked until the notice is recorded.
    Legal basis: SoF (2025:468) 16 kap. 2 §.
    Fails when: the check found a fourth child and no notice to IVO is recorded.
    Passes when: the notice is recorded; or the check found three or fewer; or not a foster home.
    """
    if not facts.ivo_notice_required or facts.form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM):
        return
    notified = facts.last(EventKind.IVO_NOTIFIED_CHILD_COUNT)
    yield fu17_ivo_notified_of_child_count.obligation(
        facts.start_date,
        state_of(facts.start_date, today, policy, met=notified is not None),
        f"anmäld {notified.isoformat()}" if notified else "fler än tre barn placerade i hemmet; inte anmält",
    )
