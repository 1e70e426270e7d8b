"""EK12: the aktgranskning: a stratified, reproducible sample of case files, and their review."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from checks.egenkontroll._indicator import NOT_COUNTED, Dimension, Verdict, indicator
from checks.egenkontroll.EK11 import age_band

# What the reviewer checks in each file (the sampling routine's questions), in Swedish.
CHECKS = {
    "documentation": "Dokumentationen är aktuell och fullständig",
    "plans": "Vårdplan och genomförandeplan finns och följs",
    "visits": "Besök och enskilda samtal är dokumenterade",
    "child_informed": "Barnet har fått information och kommit till tals",
}


SEX_WORDS = {"female": "flicka", "male": "pojke"}


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A placement's file, with what the sample is stratified by (no name)."""

    placement_id: uuid.UUID
    unit: str  # the handläggare's organisational unit
    handlaggare: str
    sex: str
    birth_date: dt.date

    def stratum(self, on: dt.date) -> str:
        sex = SEX_WORDS.get(self.sex, "kön ej angivet")
        return f"{age_band(self.birth_date, on)}, {sex}, {self.handlaggare}"


def draw(files: list[CaseFile], per_unit: int, seed: int, on: dt.date) -> list[tuple[CaseFile, str]]:
    """``per_unit`` files from each unit (all of them if fewer), spread over the unit's strata (age
    band, sex, handläggare) in proportion to their size, largest remainders first; random within a
    stratum. The same files, seed and size always give the same sample (pure)."""
    rng = random.Random(seed)  # noqa: S311 - a sample reproducible from its stored seed, no secret
    units: dict[str, list[CaseFile]] = defaultdict(list)
    for f in sorted(files, key=lambda f: str(f.placement_id)):
        units[f.unit].append(f)
    drawn: list[tuple[CaseFile, str]] = []
    for unit in sorted(units):
        strata: dict[str, list[CaseFile]] = defaultdict(list)
        for f in units[unit]:
            strata[f.stratum(on)].append(f)
        total = len(units[unit])
        size = min(per_unit, total)
        quotas = {s: size * len(members) / total for s, members in strata.items()}
        counts = {s: int(q) for s, q in quotas.items()}
        left = size - sum(counts.values())
        for s in sorted(quotas, key=lambda s: (-(quotas[s] - counts[s]), s))[:left]:
            counts[s] += 1
        for s in sorted(strata):
            drawn += [(f, s) for f in rng.sample(strata[s], counts[s])]
    return drawn


class FileReviewFacts(BaseModel):
    """One sampled file and what its reviewer found (None: not yet reviewed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    documentation: bool | None = None
    plans: bool | None = None
    visits: bool | None = None
    child_informed: bool | None = None


@indicator(
    "EK12",
    "self_monitoring",
    dimensions=(Dimension.UNIT, Dimension.HANDLAGGARE),
    subject_word="granskade akter",
    met_word="utan anmärkning",
)
def ek12_file_review(facts: FileReviewFacts) -> Verdict:
    """Granskade akter utan anmärkning

    Checks: each case file in the aktgranskning's sample (20 per unit by default, stratified by
    age band, sex and handläggare, drawn from a stored seed) as its reviewer found it:
    documentation, plans, visits and information to the child.
    Legal basis: SOSFS 2011:9 5 kap. 2 § (egenkontroll, stickprov); the sampling routine.
    Fails when: the reviewer found any of the four lacking.
    Passes when: all four are in order; not counted until reviewed.
    """
    found = [facts.documentation, facts.plans, facts.visits, facts.child_informed]
    if any(v is None for v in found):
        return NOT_COUNTED
    lacking = [words for (key, words), ok in zip(CHECKS.items(), found, strict=True) if not ok]
    if not lacking:
        return None
    return ek12_file_review.finding("Brister: " + "; ".join(w.lower() for w in lacking))
