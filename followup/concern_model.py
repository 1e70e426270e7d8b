"""The facts of a report of concern and its steps, and how a CH rule is declared (pure).

A report (anmälan) about one child is followed by a skyddsbedömning, a förhandsbedömning, perhaps
an utredning, and around them a transfer request when the child moves, feedback to the reporter,
a violence risk assessment and a decision on a police report. Each rule CH01–CH08 lives in its own
module, followup/concern_rules/CHxx.py, named by its code, and turns a :class:`ConcernFacts` into
:class:`ConcernItem` s: what is due when, and how it stands. Its cases are
tests/followup/concern_cases/CHxx.yml.

Deadlines are calendar days; where a statutory period's last day falls on a day off, the item
also carries the day lag (1930:173) would move it to (``rolled_due_on``), as the FU rules do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from placement.core.clock import SWEDEN, add_days, add_months
from placement.core.concern_vocabulary import (
    ConcernDecisionKind,
    InvestigationOutcome,
    Phase,
    PreliminaryOutcome,
    ReporterKind,
    ReportKind,
    TransferAnswer,
)
from placement.core.rulebook import Rule, Severity, register
from placement.core.statutory_time import deadline


class ConcernState(StrEnum):
    OVERDUE = "overdue"  # not done and the deadline has passed
    DEFICIENT = (
        "deficient"  # done, but without what the law asks to be documented, or by someone not authorised
    )
    LATE = "late"  # done after the deadline
    DUE_SOON = "due_soon"
    OPEN = "open"
    MET = "met"


URGENCY = {
    ConcernState.OVERDUE: 0,
    ConcernState.DEFICIENT: 1,
    ConcernState.DUE_SOON: 2,
    ConcernState.LATE: 3,
    ConcernState.OPEN: 4,
    ConcernState.MET: 5,
}
# What still asks for someone's work: shown on the watch list.
ACTIONABLE = frozenset(
    {ConcernState.OVERDUE, ConcernState.DEFICIENT, ConcernState.DUE_SOON, ConcernState.OPEN}
)

STATE_LABELS = {
    ConcernState.OVERDUE: "försenad",
    ConcernState.DEFICIENT: "brist i dokumentation eller behörighet",
    ConcernState.LATE: "gjord för sent",
    ConcernState.DUE_SOON: "snart",
    ConcernState.OPEN: "pågår",
    ConcernState.MET: "klar",
}


@dataclass(frozen=True)
class ConcernPolicy:
    """The nämnd's policy values for this stage, with their defaults (guidance, not law, except
    where a rule says so)."""

    protection_days: int = 1  # skyddsbedömning: the same day, at the latest the next (0: same day)
    due_soon_days: int = 3
    concerned_told_days: int = 7  # those concerned told the investigation has started
    feedback_days: int = 7  # within a week of the decision (19 kap. 6 §)
    transfer_answer_months: int = 1  # no answer within a month: apply to IVO (29 kap. 11 §)


@dataclass(frozen=True, slots=True)
class DecisionFact:
    kind: ConcernDecisionKind
    decided_on: dt.date
    # Whether the delegation order gave the decider this kind of decision (a sub-delegation only
    # counts where the order allows it and it was reported to the nämnd); None: not known.
    authorised: bool | None


@dataclass(frozen=True, slots=True)
class ProtectionFact:
    made_at: dt.datetime | None
    made_on: (
        dt.date | None
    )  # the Swedish calendar day of made_at (or the day alone, when the time is missing)
    made_by_name: str | None
    made_by_role: str | None
    circumstances: str | None
    conclusion: str | None

    def documented(self) -> list[str]:
        """What the documentation lacks, in Swedish."""
        missing = []
        if not (self.made_by_name and self.made_by_role):
            missing.append("namn och befattning")
        if self.made_at is None:
            missing.append("tidpunkt")
        if not self.circumstances:
            missing.append("faktiska omständigheter")
        if not self.conclusion:
            missing.append("ställningstagande")
        return missing


@dataclass(frozen=True, slots=True)
class PreliminaryFact:
    decided_on: dt.date
    outcome: PreliminaryOutcome
    prior_knowledge: str | None
    child_view: str | None
    child_view_missing_reason: str | None


@dataclass(frozen=True, slots=True)
class ExtensionFact:
    decided_on: dt.date
    until: dt.date
    reason: str | None


@dataclass(frozen=True, slots=True)
class InvestigationFact:
    started_on: dt.date
    concerned_told_on: dt.date | None = None
    family_invited_on: dt.date | None = None
    child_heard_on: dt.date | None = None
    child_not_heard_reason: str | None = None
    communicated_on: dt.date | None = None
    extension: ExtensionFact | None = None
    ended_on: dt.date | None = None
    outcome: InvestigationOutcome | None = None
    outcome_reason: str | None = None


@dataclass(frozen=True, slots=True)
class TransferFact:
    requested_on: dt.date
    answered_on: dt.date | None = None
    answer: TransferAnswer | None = None
    ivo_applied_on: dt.date | None = None


@dataclass(frozen=True)
class ConcernFacts:
    received_on: dt.date
    kind: ReportKind = ReportKind.REPORT
    reporter_kind: ReporterKind = ReporterKind.SCHOOL
    feedback_requested: bool = False
    concerns_violence: bool = False
    concerns_crime: bool = False
    protection: ProtectionFact | None = None
    preliminary: PreliminaryFact | None = None
    preliminary_extension: ExtensionFact | None = None
    investigation: InvestigationFact | None = None
    moved_on: dt.date | None = None  # the child's vistelsekommun changed
    transfer: TransferFact | None = None
    feedback_given_on: dt.date | None = None
    risk_assessed_on: dt.date | None = None
    police_report_decided_on: dt.date | None = None
    placement_decision_linked: bool = False
    decisions: Sequence[DecisionFact] = ()

    @property
    def is_report(self) -> bool:
        return self.kind is ReportKind.REPORT

    def preliminary_due(self) -> dt.date:
        """14 days from receipt, or the end of an extension decided in time with its reason."""
        due = add_days(self.received_on, 14)
        extension = self.preliminary_extension
        if extension and extension.reason and extension.decided_on <= due:
            return max(due, extension.until)
        return due

    def investigation_due(self) -> dt.date | None:
        """Four months from the start, or the end of an extension decided in time with its reason."""
        if self.investigation is None:
            return None
        due = add_months(self.investigation.started_on, 4)
        extension = self.investigation.extension
        if extension and extension.reason and extension.decided_on <= due:
            return max(due, extension.until)
        return due

    def closed(self) -> bool:
        """Nothing more to do in the case: not investigated, or the investigation ended."""
        if self.investigation is not None:
            return self.investigation.ended_on is not None
        return (
            self.preliminary is not None
            and self.preliminary.outcome is not PreliminaryOutcome.OPEN_INVESTIGATION
        )


@dataclass(frozen=True, slots=True)
class ConcernItem:
    code: str
    item: str  # distinguishes several items of one code (CH03's steps, CH05's decisions)
    title: str
    phase: Phase
    due_on: dt.date
    state: ConcernState
    detail: str = ""
    rolled_due_on: dt.date | None = None


def state_of(
    due: dt.date, today: dt.date, policy: ConcernPolicy, *, done_on: dt.date | None, complete: bool = True
) -> ConcernState:
    """How a step with a deadline stands on ``today``."""
    if done_on is not None:
        if not complete:
            return ConcernState.DEFICIENT
        return ConcernState.LATE if done_on > due else ConcernState.MET
    if today > due:
        return ConcernState.OVERDUE
    if (due - today).days <= policy.due_soon_days:
        return ConcernState.DUE_SOON
    return ConcernState.OPEN


ConcernFunction = Callable[[ConcernFacts, dt.date, ConcernPolicy], Iterable[ConcernItem]]
DOCSTRING_SECTIONS = ("Checks:", "Legal basis:", "Fails when:", "Passes when:")


@dataclass(frozen=True)
class ConcernRule:
    rule: Rule
    phase: Phase
    function: ConcernFunction
    docstring: str

    def item(
        self,
        due_on: dt.date,
        state: ConcernState,
        detail: str = "",
        *,
        item: str = "",
        statutory: bool = False,
        phase: Phase | None = None,
    ) -> ConcernItem:
        """An item of this rule, titled from the registry; a statutory period's last day also
        carries the day lag (1930:173) would move it to, where that differs."""
        rolled = deadline(due_on).rolled_if_different if statutory else None
        return ConcernItem(
            self.rule.code, item, self.rule.title, phase or self.phase, due_on, state, detail, rolled
        )


RULES: dict[str, ConcernRule] = {}


def concern_rule(
    code: str, legal_key: str, phase: Phase, severity: Severity = Severity.WARN
) -> Callable[[ConcernFunction], ConcernRule]:
    """Register a CH rule; its title is the first line of the function's docstring."""

    def add(function: ConcernFunction) -> ConcernRule:
        if not function.__name__.upper().startswith(code):
            raise ValueError(f"rule {code}'s function must be named after its code")
        doc = function.__doc__ or ""
        title = doc.strip().splitlines()[0] if doc.strip() else ""
        registered = ConcernRule(register(code, title, severity, legal_key), phase, function, doc)
        RULES[code] = registered
        return registered

    return add


def evaluate(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> list[ConcernItem]:
    """Every registered CH rule's items for one report, most urgent first, then by due date."""
    items = [i for rule in RULES.values() for i in rule.function(facts, today, policy)]
    return sorted(items, key=lambda i: (URGENCY[i.state], i.due_on, i.code, i.item))


def _day(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(SWEDEN).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if "T" in text:  # a moment: its calendar day in Sweden
        return dt.datetime.fromisoformat(text).astimezone(SWEDEN).date()
    return dt.date.fromisoformat(text)


def _moment(value: object) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _extension(data: Mapping[str, Any] | None) -> ExtensionFact | None:
    if not data:
        return None
    return ExtensionFact(_required(data, "decided_on"), _required(data, "until"), _text(data.get("reason")))


def _required(data: Mapping[str, Any], key: str) -> dt.date:
    day = _day(data.get(key))
    if day is None:
        raise ValueError(f"{key} is required")
    return day


def facts_from_mapping(data: Mapping[str, Any]) -> ConcernFacts:
    """A report's facts from plain data (a rule case, or the stored steps as JSON): dates as dates
    or ISO strings, each step a mapping of its fields."""
    protection = data.get("protection")
    preliminary = data.get("preliminary")
    investigation = data.get("investigation")
    transfer = data.get("transfer")
    return ConcernFacts(
        received_on=_required(data, "received_on"),
        kind=ReportKind(data.get("kind", ReportKind.REPORT)),
        reporter_kind=ReporterKind(data.get("reporter_kind", ReporterKind.SCHOOL)),
        feedback_requested=bool(data.get("feedback_requested", False)),
        concerns_violence=bool(data.get("concerns_violence", False)),
        concerns_crime=bool(data.get("concerns_crime", False)),
        protection=ProtectionFact(
            made_at=_moment(protection.get("made_at")),
            made_on=_day(protection.get("made_on") or protection.get("made_at")),
            made_by_name=_text(protection.get("made_by_name")),
            made_by_role=_text(protection.get("made_by_role")),
            circumstances=_text(protection.get("circumstances")),
            conclusion=_text(protection.get("conclusion")),
        )
        if protection
        else None,
        preliminary=PreliminaryFact(
            decided_on=_required(preliminary, "decided_on"),
            outcome=PreliminaryOutcome(preliminary["outcome"]),
            prior_knowledge=_text(preliminary.get("prior_knowledge")),
            child_view=_text(preliminary.get("child_view")),
            child_view_missing_reason=_text(preliminary.get("child_view_missing_reason")),
        )
        if preliminary
        else None,
        preliminary_extension=_extension(data.get("preliminary_extension")),
        investigation=InvestigationFact(
            started_on=_required(investigation, "started_on"),
            concerned_told_on=_day(investigation.get("concerned_told_on")),
            family_invited_on=_day(investigation.get("family_invited_on")),
            child_heard_on=_day(investigation.get("child_heard_on")),
            child_not_heard_reason=_text(investigation.get("child_not_heard_reason")),
            communicated_on=_day(investigation.get("communicated_on")),
            extension=_extension(investigation.get("extension")),
            ended_on=_day(investigation.get("ended_on")),
            outcome=InvestigationOutcome(investigation["outcome"]) if investigation.get("outcome") else None,
            outcome_reason=_text(investigation.get("outcome_reason")),
        )
        if investigation
        else None,
        moved_on=_day(data.get("moved_on")),
        transfer=TransferFact(
            requested_on=_required(transfer, "requested_on"),
            answered_on=_day(transfer.get("answered_on")),
            answer=TransferAnswer(transfer["answer"]) if transfer.get("answer") else None,
            ivo_applied_on=_day(transfer.get("ivo_applied_on")),
        )
        if transfer
        else None,
        feedback_given_on=_day(data.get("feedback_given_on")),
        risk_assessed_on=_day(data.get("risk_assessed_on")),
        police_report_decided_on=_day(data.get("police_report_decided_on")),
        placement_decision_linked=bool(data.get("placement_decision_linked", False)),
        decisions=tuple(
            DecisionFact(ConcernDecisionKind(d["kind"]), _required(d, "decided_on"), d.get("authorised"))
            for d in data.get("decisions", ())
        ),
    )
