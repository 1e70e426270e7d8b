"""How an egenkontroll indicator (EK02 onwards) is declared, and how its figures are counted (pure).

One module per code (checks/egenkontroll/EKnn.py): the function's name starts with the code, the
first docstring line is the registered title, and the docstring has the sections of
:data:`DOCSTRING_SECTIONS`. Set-based SQL (placement/repositories/egenkontroll.py) selects the
subjects of a period (a child, a placement, an ending, a complaint) and gathers their facts; the
indicator says of each subject whether it is counted at all (:data:`NOT_COUNTED`), meets the
routine (``None``) or falls short (a :class:`Finding`). :func:`tally` then counts, per unit,
provider or handläggare as the indicator declares, split by sex, the number behind every share,
and keeps the subjects behind each figure so that a figure can be opened.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from placement.core.rulebook import Rule, Severity, register
from placement.core.vocabulary import Sex

DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


class Dimension(StrEnum):
    """What a figure is broken down by."""

    UNIT = "unit"
    PROVIDER = "provider"
    HANDLAGGARE = "handlaggare"


DIMENSION_LABELS: Final = {
    Dimension.UNIT: "Enhet eller familjehem",
    Dimension.PROVIDER: "Utförare",
    Dimension.HANDLAGGARE: "Handläggare",
}
SEX_LABELS: Final = {Sex.FEMALE: "Flickor", Sex.MALE: "Pojkar", Sex.UNSPECIFIED: "Ej angivet kön"}
TOTAL = "Totalt"


class NotCounted:
    """The subject is outside what the indicator measures (e.g. placed for less than six months)."""

    _instance: NotCounted | None = None

    def __new__(cls) -> NotCounted:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_COUNTED"


NOT_COUNTED: Final = NotCounted()


class Finding(BaseModel):
    """A subject that falls short of the routine the indicator measures."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    title: str
    detail: str


class Subject(BaseModel):
    """Who or what a figure counts, and the groups it belongs to (names, never a personnummer)."""

    model_config = ConfigDict(frozen=True)

    subject_id: uuid.UUID
    child_id: uuid.UUID | None = None
    sex: Sex = Sex.UNSPECIFIED
    unit: str | None = None
    provider: str | None = None
    handlaggare: str | None = None

    def group(self, dimension: Dimension) -> str:
        value: str | None = getattr(self, dimension.value)
        return value or "Uppgift saknas"


Verdict = Finding | None | NotCounted


@dataclass(frozen=True)
class Indicator:
    rule: Rule
    function: Callable[..., Verdict]
    docstring: str
    dimensions: tuple[Dimension, ...]
    subject_word: str  # Swedish plural of what is counted: "barn", "placeringar", "klagomål"
    met_word: str  # Swedish heading of the counted figure: "besökta", "i tid"
    split_by_sex: bool = True  # False where the subjects are staff, not children

    def __call__(self, facts: Any) -> Verdict:
        return self.function(facts)

    def finding(self, detail: str) -> Finding:
        return Finding(code=self.rule.code, severity=self.rule.severity, title=self.rule.title, detail=detail)


INDICATORS: dict[str, Indicator] = {}


def indicator(
    code: str,
    legal_key: str,
    *,
    dimensions: tuple[Dimension, ...],
    subject_word: str,
    met_word: str,
    split_by_sex: bool = True,
) -> Callable[[Callable[..., Verdict]], Indicator]:
    """Register an indicator; its title is the first line of the function's docstring."""

    def add(function: Callable[..., Verdict]) -> Indicator:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"indicator {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        made = Indicator(
            register(code, title, Severity.WARN, legal_key),
            function,
            doc,
            dimensions,
            subject_word,
            met_word,
            split_by_sex,
        )
        INDICATORS[code] = made
        return made

    return add


@dataclass
class Cell:
    """One figure: of ``total`` subjects, ``met`` met the routine; the subjects behind both."""

    met: int = 0
    total: int = 0
    met_ids: list[uuid.UUID] = field(default_factory=list)
    short_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def short(self) -> int:
        return self.total - self.met

    @property
    def share(self) -> float | None:
        """The share met (0–1), None when nothing was counted (never a share of nothing)."""
        return self.met / self.total if self.total else None


@dataclass(frozen=True)
class Row:
    group: str
    by_sex: dict[Sex, Cell]
    total: Cell


@dataclass(frozen=True)
class Figures:
    """An indicator's figures for a period: the whole municipality and each declared breakdown."""

    code: str
    title: str
    overall: Row
    breakdowns: dict[Dimension, list[Row]]
    findings: dict[uuid.UUID, Finding]
    subjects: dict[uuid.UUID, Subject]

    def row(self, dimension: Dimension | None, group: str) -> Row | None:
        """The overall row (no dimension) or a breakdown's row by its group's name."""
        if dimension is None:
            return self.overall if group == TOTAL else None
        return next((r for r in self.breakdowns.get(dimension, []) if r.group == group), None)


def _add(cell: Cell, subject: Subject, finding: Finding | None) -> None:
    cell.total += 1
    if finding is None:
        cell.met += 1
        cell.met_ids.append(subject.subject_id)
    else:
        cell.short_ids.append(subject.subject_id)


def _row(group: str, counted: list[tuple[Subject, Finding | None]]) -> Row:
    by_sex = {sex: Cell() for sex in Sex}
    total = Cell()
    for subject, finding in counted:
        _add(by_sex[subject.sex], subject, finding)
        _add(total, subject, finding)
    return Row(group, by_sex, total)


def tally(made: Indicator, subjects: Iterable[tuple[Subject, Any]]) -> Figures:
    """Apply the indicator to each subject's facts and count the figures (pure)."""
    counted: list[tuple[Subject, Finding | None]] = []
    findings: dict[uuid.UUID, Finding] = {}
    kept: dict[uuid.UUID, Subject] = {}
    for subject, facts in subjects:
        verdict = made(facts)
        if isinstance(verdict, NotCounted):
            continue
        counted.append((subject, verdict))
        kept[subject.subject_id] = subject
        if verdict is not None:
            findings[subject.subject_id] = verdict
    breakdowns: dict[Dimension, list[Row]] = {}
    for dimension in made.dimensions:
        groups: dict[str, list[tuple[Subject, Finding | None]]] = defaultdict(list)
        for subject, finding in counted:
            groups[subject.group(dimension)].append((subject, finding))
        breakdowns[dimension] = [_row(name, groups[name]) for name in sorted(groups)]
    return Figures(made.rule.code, made.rule.title, _row(TOTAL, counted), breakdowns, findings, kept)
