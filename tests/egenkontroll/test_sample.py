"""EK12's sample (pure): reproducible from its seed, the size asked per unit, spread over the
strata in proportion to their size."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

from checks.egenkontroll import CaseFile, draw

ON = dt.date(2026, 12, 31)


def files() -> list[CaseFile]:
    """Unit A: 30 girls of 13–17 with Anna and 10 boys of 7–12 with Bo; unit B: 5 files."""
    made = [CaseFile(uuid.UUID(int=n), "A", "Anna", "female", dt.date(2011, 1, 1)) for n in range(30)]
    made += [CaseFile(uuid.UUID(int=100 + n), "A", "Bo", "male", dt.date(2016, 1, 1)) for n in range(10)]
    made += [CaseFile(uuid.UUID(int=200 + n), "B", "Cia", "male", dt.date(2009, 1, 1)) for n in range(5)]
    return made


def test_the_same_seed_draws_the_same_files_in_any_order() -> None:
    first = draw(files(), 20, 42, ON)
    again = draw(list(reversed(files())), 20, 42, ON)
    assert [f.placement_id for f, _ in first] == [f.placement_id for f, _ in again]
    other = draw(files(), 20, 43, ON)
    assert {f.placement_id for f, _ in first} != {f.placement_id for f, _ in other}


def test_twenty_per_unit_in_proportion_to_the_strata() -> None:
    drawn = draw(files(), 20, 7, ON)
    per_unit = Counter(f.unit for f, _ in drawn)
    assert per_unit == {"A": 20, "B": 5}  # B has only five files: all of them
    strata = Counter(s for f, s in drawn if f.unit == "A")
    assert strata == {"13–17 år, flicka, Anna": 15, "7–12 år, pojke, Bo": 5}  # 30:10 of 20
    assert len({f.placement_id for f, _ in drawn}) == 25  # no file twice


def test_largest_remainders_fill_the_last_places() -> None:
    """Three strata of 1, 1 and 2 files, 3 to draw: quotas 0.75, 0.75 and 1.5 give 1, 1 and 1."""
    made = [
        CaseFile(uuid.UUID(int=1), "A", "Anna", "female", dt.date(2011, 1, 1)),
        CaseFile(uuid.UUID(int=2), "A", "Bo", "female", dt.date(2011, 1, 1)),
        CaseFile(uuid.UUID(int=3), "A", "Cia", "male", dt.date(2011, 1, 1)),
        CaseFile(uuid.UUID(int=4), "A", "Cia", "male", dt.date(2011, 1, 1)),
    ]
    drawn = draw(made, 3, 1, ON)
    assert Counter(f.handlaggare for f, _ in drawn) == {"Anna": 1, "Bo": 1, "Cia": 1}
