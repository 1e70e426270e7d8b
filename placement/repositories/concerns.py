"""Reports of concern (orosanmälningar) and their steps. A child's report is the most sensitive data
the service holds: every read and write is in the audit log, in the same transaction, and a
report is within a person's reach exactly when its child is.

Steps are append-only (concern_step): a later step of the same kind replaces an earlier one in the
facts the rules read, and the history keeps both. A decision step (förhandsbedömning, an
extension, the investigation's end) names its decision-maker, and whether the delegation order
authorised them is stored with it, as the order stood then (CH05).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any, Self

from pydantic import AwareDatetime, BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from followup.concern_indicators import IndicatorRow
from followup.concern_model import (
    ACTIONABLE,
    STATE_LABELS,
    URGENCY,
    ConcernFacts,
    ConcernItem,
    ConcernPolicy,
    ConcernState,
    evaluate,
    facts_from_mapping,
)
from followup.concern_review import ReviewAnswer, review
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.clock import SWEDEN, today_in_sweden
from placement.core.concern_vocabulary import (
    ConcernDecisionKind,
    InvestigationOutcome,
    Phase,
    PreliminaryOutcome,
    ReporterKind,
    ReportKind,
    TransferAnswer,
)
from placement.core.identifiers import Kommunkod
from placement.core.vocabulary import Sex
from placement.database.pool import Connection
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.models import DoneDate, Input, LongText, PlannableDate, Text
from placement.repositories import one

# --- what comes in -------------------------------------------------------------------------------


def _not_future(moment: dt.datetime) -> dt.datetime:
    if moment > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
        raise PydanticCustomError("future_time", "Tidpunkten ligger i framtiden; registrera det som har hänt")
    if moment.astimezone(SWEDEN).date() < dt.date(1900, 1, 1):
        raise PydanticCustomError("date_too_early", "Datumet ligger orimligt långt bak i tiden (före 1900)")
    return moment


class ConcernIn(Input):
    child_id: uuid.UUID
    received_at: AwareDatetime = Field(description="When the report reached the nämnd (date, time and zone).")
    kind: ReportKind = Field(
        default=ReportKind.REPORT,
        description="report: an anmälan; other_information: information that reached the nämnd otherwise "
        "(no skyddsbedömning or 14-day förhandsbedömning is asked of it).",
    )
    reporter_kind: ReporterKind
    feedback_requested: bool = Field(default=False, description="The reporter asked to be told (CH06).")
    reason: LongText = Field(description="What the report is about.")
    concerns_violence: bool = False
    concerns_crime: bool = Field(default=False, description="A suspected crime against the child (CH07).")
    org_unit: Text | None = Field(default=None, description="The unit handling it, e.g. the mottagning.")

    @model_validator(mode="after")
    def _received_in_the_past(self) -> Self:
        _not_future(self.received_at)
        return self


class _Decision(Input):
    decided_by: uuid.UUID = Field(
        description="The staff member who took the decision (checked against the delegation order)."
    )


class ProtectionIn(Input):
    """Omedelbar skyddsbedömning (CH01)."""

    made_at: AwareDatetime
    made_by_name: Text
    made_by_role: Text = Field(description="Befattning, e.g. socialsekreterare.")
    circumstances: LongText = Field(description="The facts the assessment rests on.")
    conclusion: LongText
    immediate_protection_needed: bool = False

    @model_validator(mode="after")
    def _made_in_the_past(self) -> Self:
        _not_future(self.made_at)
        return self


class PreliminaryIn(_Decision):
    """Förhandsbedömning: the decision to open an investigation or not (CH02)."""

    decided_on: DoneDate
    outcome: PreliminaryOutcome
    prior_knowledge: LongText = Field(description="What the nämnd knew before and how it was considered.")
    child_view: LongText | None = None
    child_view_missing_reason: LongText | None = Field(
        default=None, description="Why the child's view was not obtained."
    )

    @model_validator(mode="after")
    def _child_view_or_why_not(self) -> Self:
        if self.child_view is None and self.child_view_missing_reason is None:
            raise PydanticCustomError(
                "child_view_missing", "Ange barnets inställning eller varför den inte har inhämtats"
            )
        return self


class ExtensionIn(_Decision):
    """An extension decision: the förhandsbedömning's (synnerliga skäl) or the investigation's."""

    decided_on: DoneDate
    until: PlannableDate
    reason: LongText = Field(description="The documented reason (for a förhandsbedömning: synnerliga skäl).")

    @model_validator(mode="after")
    def _until_after_decision(self) -> Self:
        if self.until <= self.decided_on:
            raise PydanticCustomError("date_order", "Förlängningen måste gälla till ett datum efter beslutet")
        return self


class InvestigationStartIn(Input):
    started_on: DoneDate
    org_unit: Text | None = Field(default=None, description="The utredning unit that takes the case over.")


class InvestigationProgressIn(Input):
    """Steps of the investigation (CH03); give those that happened, each once (a later one corrects)."""

    concerned_told_on: DoneDate | None = Field(default=None, description="Those concerned told it started.")
    family_invited_on: DoneDate | None = Field(default=None, description="The family invited to plan it.")
    child_heard_on: DoneDate | None = None
    child_not_heard_reason: LongText | None = None
    communicated_on: DoneDate | None = Field(default=None, description="Kommunicering before the decision.")

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise PydanticCustomError("nothing_given", "Ange minst ett steg i utredningen")
        return self


class InvestigationEndIn(_Decision):
    ended_on: DoneDate
    outcome: InvestigationOutcome
    outcome_reason: LongText = Field(description="The nämnd's assessment of the need and its reasons.")


class MovedIn(Input):
    moved_on: DoneDate
    to_kommunkod: Kommunkod | None = Field(default=None, description="The new vistelsekommun.")


class TransferIn(Input):
    """A request that another municipality take the case over (29 kap. 10–12 §§ SoL); record it
    again with the answer and any application to IVO."""

    requested_on: DoneDate
    to_kommunkod: Kommunkod
    answered_on: DoneDate | None = None
    answer: TransferAnswer | None = None
    ivo_applied_on: DoneDate | None = None

    @model_validator(mode="after")
    def _answer_with_its_date(self) -> Self:
        if (self.answer is None) != (self.answered_on is None):
            raise PydanticCustomError("answer_date", "Ange både svaret och datumet för svaret")
        for later in (self.answered_on, self.ivo_applied_on):
            if later is not None and later < self.requested_on:
                raise PydanticCustomError("date_order", "Svar och ansökan kan inte ligga före begäran")
        return self


class FeedbackIn(Input):
    given_on: DoneDate


class RiskAssessmentIn(Input):
    assessed_on: DoneDate
    summary: LongText = Field(description="The assessment of the risk of further violence.")


class PoliceReportIn(Input):
    decided_on: DoneDate
    reported: bool = Field(description="Whether the nämnd reported it to the police.")
    reason: LongText


class DecisionLinkIn(Input):
    decision_id: uuid.UUID = Field(description="A placement decision of the same child.")


# Each step: its stored kind, its model, the decision kind it is (if any) and its date field.
STEPS: dict[str, tuple[type[Input], ConcernDecisionKind | None, str]] = {
    "protection": (ProtectionIn, None, "made_at"),
    "preliminary": (PreliminaryIn, ConcernDecisionKind.PRELIMINARY, "decided_on"),
    "preliminary_extension": (ExtensionIn, ConcernDecisionKind.PRELIMINARY_EXTENSION, "decided_on"),
    "investigation_start": (InvestigationStartIn, None, "started_on"),
    "investigation_progress": (InvestigationProgressIn, None, ""),
    "investigation_extension": (ExtensionIn, ConcernDecisionKind.INVESTIGATION_EXTENSION, "decided_on"),
    "investigation_end": (InvestigationEndIn, ConcernDecisionKind.INVESTIGATION_OUTCOME, "ended_on"),
    "moved": (MovedIn, None, "moved_on"),
    "transfer": (TransferIn, None, "requested_on"),
    "feedback": (FeedbackIn, None, "given_on"),
    "risk_assessment": (RiskAssessmentIn, None, "assessed_on"),
    "police_report": (PoliceReportIn, None, "decided_on"),
}
INVESTIGATION_STEPS = frozenset(
    {"investigation_progress", "investigation_extension", "investigation_end", "moved", "transfer"}
)


# --- what goes out -------------------------------------------------------------------------------


class ConcernItemOut(BaseModel):
    code: str
    item: str
    title: str
    phase: Phase
    due_on: dt.date
    rolled_due_on: dt.date | None = Field(description="Where lag (1930:173) would move the last day.")
    state: ConcernState
    state_label: str
    detail: str


class StepOut(BaseModel):
    id: uuid.UUID
    kind: str
    details: dict[str, Any]
    decided_by: uuid.UUID | None
    authorised: bool | None
    recorded_by: str
    recorded_at: dt.datetime


class Concern(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    received_at: dt.datetime
    received_on: dt.date
    kind: ReportKind
    reporter_kind: ReporterKind
    feedback_requested: bool
    reason: str
    concerns_violence: bool
    concerns_crime: bool
    reception_unit: str | None = Field(description="The unit that received the report.")
    org_unit: str | None = Field(description="The unit handling it now.")
    registered_by: str
    closed: bool = False
    deadlines: list[ConcernItemOut] = Field(
        default_factory=list, description="What each rule CH01-CH08 asks of the report, most urgent first."
    )
    steps: list[StepOut] = Field(default_factory=list)


class WatchEntry(BaseModel):
    concern_id: uuid.UUID
    child_id: uuid.UUID
    child_name: str
    received_on: dt.date
    org_unit: str | None
    item: ConcernItemOut


_REPORT_COLUMNS = """r.id, r.child_id, r.received_at, r.received_on, r.kind, r.reporter_kind,
    r.feedback_requested, r.reason, r.concerns_violence, r.concerns_crime, r.reception_unit, r.org_unit,
    r.registered_by"""
_STEP_COLUMNS = "id, report_id, kind, details, decided_by, authorised, recorded_by, recorded_at"


def _access(report_id: uuid.UUID, child_id: uuid.UUID) -> Access:
    return Access("concern_report", report_id, child_id)


def _item_out(item: ConcernItem) -> ConcernItemOut:
    return ConcernItemOut(
        code=item.code,
        item=item.item,
        title=item.title,
        phase=item.phase,
        due_on=item.due_on,
        rolled_due_on=item.rolled_due_on,
        state=item.state,
        state_label=STATE_LABELS[item.state],
        detail=item.detail,
    )


def _details(row: Any) -> dict[str, Any]:
    return dict(row["details"])


def facts_of(report: Any, steps: Sequence[Any], *, linked: bool) -> ConcernFacts:
    """The facts the rules read: the report and its steps in the order they were recorded."""
    data: dict[str, Any] = {
        "received_on": report["received_on"],
        "kind": report["kind"],
        "reporter_kind": report["reporter_kind"],
        "feedback_requested": report["feedback_requested"],
        "concerns_violence": report["concerns_violence"],
        "concerns_crime": report["concerns_crime"],
        "placement_decision_linked": linked,
    }
    decisions: dict[str, dict[str, Any]] = {}
    investigation: dict[str, Any] = {}
    for step in steps:
        kind, details = step["kind"], _details(step)
        decision_kind = STEPS[kind][1]
        if decision_kind is not None:
            date_field = STEPS[kind][2]
            decisions[decision_kind.value] = {
                "kind": decision_kind.value,
                "decided_on": details[date_field],
                "authorised": step["authorised"],
            }
        if kind in ("protection", "preliminary", "preliminary_extension"):
            data[kind] = details
        elif kind == "investigation_start":
            investigation["started_on"] = details["started_on"]
        elif kind == "investigation_progress":
            investigation.update({k: v for k, v in details.items() if v is not None})
        elif kind == "investigation_extension":
            investigation["extension"] = details
        elif kind == "investigation_end":
            investigation.update(details)
        elif kind == "moved":
            data["moved_on"] = details["moved_on"]
        elif kind == "transfer":
            data["transfer"] = details
        elif kind == "feedback":
            data["feedback_given_on"] = details["given_on"]
        elif kind == "risk_assessment":
            data["risk_assessed_on"] = details["assessed_on"]
        elif kind == "police_report":
            data["police_report_decided_on"] = details["decided_on"]
    if "started_on" in investigation:
        data["investigation"] = investigation
    data["decisions"] = list(decisions.values())
    return facts_from_mapping(data)


def _closed_on(facts: ConcernFacts) -> dt.date | None:
    """The day the case closed: the investigation's end, or a decision not to open one."""
    if facts.investigation is not None:
        return facts.investigation.ended_on
    if facts.closed() and facts.preliminary is not None:
        return facts.preliminary.decided_on
    return None


# --- the repository ------------------------------------------------------------------------------


class ConcernRepository:
    def __init__(self, conn: Connection, *, actor: Actor) -> None:
        self.conn = conn
        self.actor = actor

    async def policy(self) -> dict[str, Any]:
        value = await self.conn.fetchval("SELECT policy_value($1, 'concerns')", self.actor.municipality_id)
        return dict(value or {})

    async def rule_policy(self) -> ConcernPolicy:
        values = await self.policy()
        fields = ConcernPolicy.__dataclass_fields__
        return ConcernPolicy(**{k: v for k, v in values.items() if k in fields})

    async def create(self, *, concern: ConcernIn) -> Concern:
        """A new report about a child within the writer's reach (404 otherwise, as for children)."""
        reached = await self.conn.fetchval(
            """SELECT child_in_reach($1, id, $3, $4, $5) FROM child WHERE municipality_id = $1 AND id = $2""",
            self.actor.municipality_id,
            concern.child_id,
            *self.actor.writes.sql_args(),
        )
        if not reached:
            raise ValidationFailed.on("body.child_id", "Barnet finns inte", "child_not_found")
        row = await self.conn.fetchrow(
            f"""
            INSERT INTO concern_report AS r
                (municipality_id, child_id, received_at, received_on, kind, reporter_kind,
                 feedback_requested, reason, concerns_violence, concerns_crime, reception_unit, org_unit,
                 registered_by)
            VALUES ($1, $2, $3, ($3 AT TIME ZONE 'Europe/Stockholm')::date, $4, $5, $6, $7, $8, $9, $10, $10,
                    $11)
            RETURNING {_REPORT_COLUMNS}
            """,  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            concern.child_id,
            concern.received_at,
            concern.kind,
            concern.reporter_kind,
            concern.feedback_requested,
            concern.reason,
            concern.concerns_violence,
            concern.concerns_crime,
            concern.org_unit,
            self.actor.name,
        )
        created = one(row)
        await audit.record(
            self.conn, self.actor, AuditAction.CREATE, [_access(created["id"], created["child_id"])]
        )
        return await self._assembled(created, [], linked=False)

    async def child_by_personnummer(self, *, personnummer: str) -> uuid.UUID | None:
        """The child with this personnummer within the writer's reach, logged as a lookup; None
        where there is none (or it is out of reach: the same answer, as for children)."""
        child_id: uuid.UUID | None = await self.conn.fetchval(
            """SELECT id FROM child WHERE municipality_id = $1 AND personnummer = $2
                 AND child_in_reach($1, id, $3, $4, $5)""",
            self.actor.municipality_id,
            personnummer,
            *self.actor.writes.sql_args(),
        )
        if child_id is not None:
            await audit.record(
                self.conn, self.actor, AuditAction.LOOKUP, [Access("child", child_id, child_id)]
            )
        return child_id

    async def _report(self, concern_id: uuid.UUID, *, write: bool) -> dict[str, Any]:
        reach = self.actor.writes if write else self.actor.reads
        row = await self.conn.fetchrow(
            f"""SELECT {_REPORT_COLUMNS}, r.closed_on FROM concern_report r
                 WHERE r.municipality_id = $1 AND r.id = $2 AND child_in_reach($1, r.child_id, $3, $4, $5)
                 {"FOR UPDATE" if write else ""}""",  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            concern_id,
            *reach.sql_args(),
        )
        if row is None:
            raise NotFound("Anmälan finns inte")
        return dict(row)

    async def _steps(self, concern_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
        rows = await self.conn.fetch(
            f"""SELECT {_STEP_COLUMNS} FROM concern_step
                 WHERE municipality_id = $1 AND report_id = ANY($2::uuid[])
                 ORDER BY recorded_at, id""",  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            list(concern_ids),
        )
        found: dict[uuid.UUID, list[dict[str, Any]]] = {i: [] for i in concern_ids}
        for r in rows:
            found[r["report_id"]].append(dict(r))
        return found

    async def _linked(self, concern_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self.conn.fetch(
            """SELECT DISTINCT concern_report_id FROM decision
                WHERE municipality_id = $1 AND concern_report_id = ANY($2::uuid[])""",
            self.actor.municipality_id,
            list(concern_ids),
        )
        return {r["concern_report_id"] for r in rows}

    async def _assembled(
        self,
        report: dict[str, Any],
        steps: list[dict[str, Any]],
        *,
        linked: bool,
        policy: ConcernPolicy | None = None,
    ) -> Concern:
        facts = facts_of(report, steps, linked=linked)
        items = evaluate(facts, today_in_sweden(), policy or await self.rule_policy())
        return Concern(
            **report,
            closed=facts.closed(),
            deadlines=[_item_out(i) for i in items],
            steps=[StepOut(**{**s, "details": _details(s)}) for s in steps],
        )

    async def get(self, *, concern_id: uuid.UUID) -> Concern:
        report = await self._report(concern_id, write=False)
        steps = (await self._steps([concern_id]))[concern_id]
        linked = concern_id in await self._linked([concern_id])
        await audit.record(self.conn, self.actor, AuditAction.READ, [_access(concern_id, report["child_id"])])
        return await self._assembled(report, steps, linked=linked)

    async def review(self, *, concern_id: uuid.UUID) -> tuple[uuid.UUID, list[ReviewAnswer]]:
        """The aktgranskning form of one report, answered from its facts (a read of the child's data)."""
        report = await self._report(concern_id, write=False)
        steps = (await self._steps([concern_id]))[concern_id]
        linked = concern_id in await self._linked([concern_id])
        await audit.record(self.conn, self.actor, AuditAction.READ, [_access(concern_id, report["child_id"])])
        facts = facts_of(report, steps, linked=linked)
        return report["child_id"], review(facts, today_in_sweden(), await self.rule_policy())

    async def of_child(self, *, child_id: uuid.UUID) -> list[Concern]:
        """The child's reports, newest first; a child outside reach is not found (404)."""
        reached = await self.conn.fetchval(
            "SELECT child_in_reach($1, id, $3, $4, $5) FROM child WHERE municipality_id = $1 AND id = $2",
            self.actor.municipality_id,
            child_id,
            *self.actor.reads.sql_args(),
        )
        if not reached:
            raise NotFound("Barnet finns inte")
        rows = await self.conn.fetch(
            f"""SELECT {_REPORT_COLUMNS} FROM concern_report r
                 WHERE r.municipality_id = $1 AND r.child_id = $2
                   AND child_in_reach($1, r.child_id, $3, $4, $5)
                 ORDER BY r.received_at DESC, r.id""",  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            child_id,
            *self.actor.reads.sql_args(),
        )
        ids = [r["id"] for r in rows]
        steps, linked, policy = await self._steps(ids), await self._linked(ids), await self.rule_policy()
        await audit.record(
            self.conn, self.actor, AuditAction.READ, [_access(r["id"], r["child_id"]) for r in rows]
        )
        return [
            await self._assembled(dict(r), steps[r["id"]], linked=r["id"] in linked, policy=policy)
            for r in rows
        ]

    async def record_step(self, *, concern_id: uuid.UUID, kind: str, step: Input) -> Concern:
        """Record one step; the report's items are computed again at once. Refused (409) where the
        step does not fit where the case stands; dates before the report was received are a 422."""
        report = await self._report(concern_id, write=True)
        steps = (await self._steps([concern_id]))[concern_id]
        facts = facts_of(report, steps, linked=False)
        self._fits(kind, step, facts)
        decision_kind = STEPS[kind][1]
        decided_by = getattr(step, "decided_by", None)
        details = step.model_dump(
            mode="json", exclude={"decided_by"}, exclude_unset=kind == "investigation_progress"
        )
        row = await self.conn.fetchrow(
            f"""
            INSERT INTO concern_step
                (municipality_id, report_id, kind, details, decided_by, authorised, recorded_by)
            SELECT $1, $2, $3, $4::jsonb, $5::uuid,
                   CASE WHEN $6::text IS NULL THEN NULL ELSE delegation_authorises($1, $6, $5) END, $7
            RETURNING {_STEP_COLUMNS}
            """,
            self.actor.municipality_id,
            concern_id,
            kind,
            details,
            decided_by,
            decision_kind.value if decision_kind else None,
            self.actor.name,
        )
        steps.append(one(row))
        after = facts_of(report, steps, linked=False)
        closed_on = _closed_on(after)
        org_unit = getattr(step, "org_unit", None) or report["org_unit"]
        if closed_on != report.get("closed_on") or org_unit != report["org_unit"]:
            await self.conn.execute(
                """UPDATE concern_report SET closed_on = $3, org_unit = $4
                    WHERE municipality_id = $1 AND id = $2""",
                self.actor.municipality_id,
                concern_id,
                closed_on,
                org_unit,
            )
            report = {**report, "org_unit": org_unit}
        await audit.record(
            self.conn, self.actor, AuditAction.UPDATE, [_access(concern_id, report["child_id"])]
        )
        linked = concern_id in await self._linked([concern_id])
        return await self._assembled(report, steps, linked=linked)

    def _fits(self, kind: str, step: Input, facts: ConcernFacts) -> None:
        for name in type(step).model_fields:
            value = getattr(step, name)
            day = value.astimezone(SWEDEN).date() if isinstance(value, dt.datetime) else value
            if isinstance(day, dt.date) and name != "until" and day < facts.received_on:
                raise ValidationFailed.on(
                    f"body.{name}", "Datumet ligger före anmälan kom in", "before_report"
                )
        investigation = facts.investigation
        if kind in INVESTIGATION_STEPS and investigation is None:
            raise Conflict("Utredningen har inte inletts; registrera först att den startade")
        if (
            investigation is not None
            and investigation.ended_on is not None
            and kind.startswith("investigation")
        ):
            raise Conflict("Utredningen är avslutad")
        if kind == "investigation_start":
            if facts.preliminary is None or facts.preliminary.outcome is PreliminaryOutcome.NOT_OPEN:
                raise Conflict("En utredning inleds efter ett beslut att inleda den (förhandsbedömningen)")
            if investigation is not None:
                raise Conflict("Utredningen har redan inletts")
        if (
            isinstance(step, InvestigationEndIn)
            and investigation is not None
            and step.ended_on < investigation.started_on
        ):
            raise ValidationFailed.on(
                "body.ended_on", "Utredningen kan inte avslutas före sin start", "date_order"
            )
        if kind == "feedback" and facts.preliminary is None:
            raise Conflict("Återkoppling gäller beslutet om utredning; registrera förhandsbedömningen först")

    async def link_decision(self, *, concern_id: uuid.UUID, decision_id: uuid.UUID) -> Concern:
        """A placement decision of the same child names the investigation that led to it (CH08)."""
        report = await self._report(concern_id, write=True)
        updated = await self.conn.fetchval(
            """UPDATE decision d SET concern_report_id = $3
                 FROM placement p
                WHERE d.municipality_id = $1 AND d.id = $2
                  AND p.municipality_id = d.municipality_id AND p.id = d.placement_id AND p.child_id = $4
               RETURNING d.id""",
            self.actor.municipality_id,
            decision_id,
            concern_id,
            report["child_id"],
        )
        if updated is None:
            raise ValidationFailed.on(
                "body.decision_id", "Beslutet finns inte för det här barnet", "decision_not_found"
            )
        await audit.record(
            self.conn, self.actor, AuditAction.UPDATE, [_access(concern_id, report["child_id"])]
        )
        steps = (await self._steps([concern_id]))[concern_id]
        return await self._assembled(report, steps, linked=True)

    async def watch(
        self, *, phase: Phase | None, org_unit: str | None, limit: int, today: dt.date | None = None
    ) -> list[WatchEntry]:
        """What asks for work now: the actionable items of open reports (and of reports closed in
        the last 30 days, whose feedback may still be due) within reach; overdue first."""
        today = today or today_in_sweden()
        rows = await self.conn.fetch(
            f"""
            SELECT {_REPORT_COLUMNS}, c.name AS child_name
              FROM concern_report r
              JOIN child c ON c.municipality_id = r.municipality_id AND c.id = r.child_id
             WHERE r.municipality_id = $1 AND child_in_reach($1, r.child_id, $2, $3, $4)
               AND ($5::text IS NULL OR r.org_unit = $5)
               AND (r.closed_on IS NULL OR r.closed_on >= $6::date - 30)
            """,  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            *self.actor.reads.sql_args(),
            org_unit,
            today,
        )
        ids = [r["id"] for r in rows]
        steps, linked, policy = await self._steps(ids), await self._linked(ids), await self.rule_policy()
        due: list[tuple[ConcernItem, Any]] = []
        for r in rows:
            facts = facts_of(r, steps[r["id"]], linked=r["id"] in linked)
            due.extend(
                (item, r)
                for item in evaluate(facts, today, policy)
                if item.state in ACTIONABLE and (phase is None or item.phase is phase)
            )
        due.sort(key=lambda e: (URGENCY[e[0].state], e[0].due_on, e[1]["received_on"], e[0].code, e[0].item))
        shown = [
            WatchEntry(
                concern_id=r["id"],
                child_id=r["child_id"],
                child_name=r["child_name"],
                received_on=r["received_on"],
                org_unit=r["org_unit"],
                item=_item_out(item),
            )
            for item, r in due[:limit]
        ]
        seen = {(e.concern_id, e.child_id) for e in shown}
        await audit.record(self.conn, self.actor, AuditAction.READ, [_access(c, child) for c, child in seen])
        return shown

    async def indicator_rows(self, *, received_from: dt.date, received_to: dt.date) -> list[IndicatorRow]:
        """Every report received in the period with its child's sex and age and its facts (no names);
        each report's steps come in one JSON array, in the order they were recorded."""
        rows = await self.conn.fetch(
            f"""
            SELECT {_REPORT_COLUMNS}, c.sex, c.birth_date,
                   coalesce((SELECT json_agg(json_build_object('kind', s.kind, 'details', s.details,
                                                               'authorised', s.authorised)
                                             ORDER BY s.recorded_at, s.id)
                               FROM concern_step s
                              WHERE s.municipality_id = r.municipality_id AND s.report_id = r.id),
                            '[]')::text AS steps
              FROM concern_report r
              JOIN child c ON c.municipality_id = r.municipality_id AND c.id = r.child_id
             WHERE r.municipality_id = $1 AND r.received_on BETWEEN $2 AND $3
            """,  # noqa: S608 - module constant column lists, never input
            self.actor.municipality_id,
            received_from,
            received_to,
        )
        return [
            IndicatorRow(
                facts=facts_of(r, json.loads(r["steps"]), linked=False),
                reception_unit=r["reception_unit"],
                org_unit=r["org_unit"],
                sex=Sex(r["sex"]),
                birth_date=r["birth_date"],
            )
            for r in rows
        ]
