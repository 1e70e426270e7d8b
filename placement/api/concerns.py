"""Reports of concern (orosanmälningar): registering a report and each step that follows it, the
watch list of the mottagning and utredning units, and the egenkontroll indicators (CH01–CH08)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field, model_validator

from followup.concern_indicators import MEASURE_LABELS, Measure, Targets, indicators
from followup.concern_review import Answer
from placement.api.routing import Context, EndpointRegistry, Handler
from placement.core.clock import today_in_sweden
from placement.core.concern_vocabulary import Phase
from placement.core.vocabulary import StaffRole
from placement.models import Input, Text
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories.concerns import (
    STEPS,
    Concern,
    ConcernIn,
    ConcernRepository,
    DecisionLinkIn,
    WatchEntry,
)

routes = EndpointRegistry()
API = "/api/v1"
TAG = "orosanmälningar"
INDICATOR_READERS = frozenset({StaffRole.TEAMLEDARE, StaffRole.GRANSKARE})


@routes.route(
    "POST",
    f"{API}/concerns",
    name="create_concern",
    summary="Registrera en anmälan om oro för ett barn",
    tag=TAG,
    body=ConcernIn,
    response=Concern,
    status=201,
    roles=CHILD_WRITERS,
)
async def create_concern(ctx: Context, *, body: ConcernIn) -> BaseModel:
    """A report about a child within your reach; its deadlines (CH01–CH08) are computed at once.
    ``received_at`` carries its zone; the deadlines count from its calendar day in Sweden."""
    return await ConcernRepository(ctx.conn, actor=ctx.actor).create(concern=body)


@routes.route(
    "GET",
    f"{API}/concerns/{{concern_id}}",
    name="get_concern",
    summary="En anmälan med dess steg och tidsfrister",
    tag=TAG,
    response=Concern,
    roles=CHILD_READERS,
)
async def get_concern(ctx: Context, *, concern_id: uuid.UUID) -> BaseModel:
    return await ConcernRepository(ctx.conn, actor=ctx.actor).get(concern_id=concern_id)


class ReviewAnswerOut(BaseModel):
    section: str
    question: str
    answer: Answer


class ReviewForm(BaseModel):
    concern_id: uuid.UUID
    child_id: uuid.UUID
    answers: list[ReviewAnswerOut] = Field(description="The auditors' questions, in their order.")


@routes.route(
    "GET",
    f"{API}/concerns/{{concern_id}}/review",
    name="concern_review_form",
    summary="Aktgranskning: revisorernas stickprovsfrågor besvarade ur anmälan",
    tag=TAG,
    response=ReviewForm,
    roles=CHILD_READERS,
)
async def concern_review_form(ctx: Context, *, concern_id: uuid.UUID) -> BaseModel:
    """Each of the auditors' sample questions (ja, nej, ej aktuellt) as the report's steps answer it;
    what only reading the file can answer is left to the reviewer."""
    child_id, answers = await ConcernRepository(ctx.conn, actor=ctx.actor).review(concern_id=concern_id)
    return ReviewForm(
        concern_id=concern_id,
        child_id=child_id,
        answers=[ReviewAnswerOut(section=a.section, question=a.question, answer=a.answer) for a in answers],
    )


class ConcernList(BaseModel):
    items: list[Concern] = Field(description="Newest first.")


@routes.route(
    "GET",
    f"{API}/children/{{child_id}}/concerns",
    name="child_concerns",
    summary="Barnets anmälningar",
    tag=TAG,
    response=ConcernList,
    roles=CHILD_READERS,
)
async def child_concerns(ctx: Context, *, child_id: uuid.UUID) -> BaseModel:
    return ConcernList(items=await ConcernRepository(ctx.conn, actor=ctx.actor).of_child(child_id=child_id))


# Each step: its path under the report, and what it is called.
STEP_ROUTES: dict[str, tuple[str, str]] = {
    "protection": ("protection-assessment", "Registrera omedelbar skyddsbedömning (CH01)"),
    "preliminary": ("preliminary-assessment", "Registrera förhandsbedömningens beslut (CH02)"),
    "preliminary_extension": (
        "preliminary-assessment/extension",
        "Förläng förhandsbedömningen med synnerliga skäl (CH02)",
    ),
    "investigation_start": ("investigation", "Registrera att utredningen har inletts (CH03)"),
    "investigation_progress": (
        "investigation/progress",
        "Registrera steg i utredningen: underrättelse, planering, barnet hört, kommunicering (CH03)",
    ),
    "investigation_extension": ("investigation/extension", "Förläng utredningstiden (CH03)"),
    "investigation_end": ("investigation/end", "Avsluta utredningen med beslut (CH03, CH08)"),
    "moved": ("moves", "Registrera att barnet har flyttat till en annan kommun (CH04)"),
    "transfer": ("transfer-request", "Begäran om överflyttning, svaret och ansökan till IVO (CH04)"),
    "feedback": ("reporter-feedback", "Registrera återkoppling till anmälaren (CH06)"),
    "risk_assessment": ("risk-assessment", "Registrera bedömning av risk för ytterligare våld (CH07)"),
    "police_report": ("police-report-decision", "Registrera ställningstagande till polisanmälan (CH07)"),
}


def _step_handler(kind: str) -> Handler:
    async def record(ctx: Context, *, concern_id: uuid.UUID, body: Input) -> BaseModel:
        return await ConcernRepository(ctx.conn, actor=ctx.actor).record_step(
            concern_id=concern_id, kind=kind, step=body
        )

    record.__doc__ = (
        "Steps are kept in order; recording a step of the same kind again corrects it (the history "
        "keeps both). A decision names its decision-maker (`decided_by`), checked against the "
        "delegation order as it stands now (CH05). Dates before the report came in are a 422; a step "
        "that does not fit where the case stands (an investigation step before it started or after "
        "it ended) is a 409."
    )
    return record


for _kind, (_path, _summary) in STEP_ROUTES.items():
    routes.route(
        "POST",
        f"{API}/concerns/{{concern_id}}/{_path}",
        name=f"record_concern_{_kind}",
        summary=_summary,
        tag=TAG,
        body=STEPS[_kind][0],
        response=Concern,
        status=201,
        roles=CHILD_WRITERS,
    )(_step_handler(_kind))


@routes.route(
    "POST",
    f"{API}/concerns/{{concern_id}}/placement-decision",
    name="link_concern_decision",
    summary="Koppla ett placeringsbeslut till utredningen som ledde till det (CH08)",
    tag=TAG,
    body=DecisionLinkIn,
    response=Concern,
    roles=CHILD_WRITERS,
)
async def link_concern_decision(ctx: Context, *, concern_id: uuid.UUID, body: DecisionLinkIn) -> BaseModel:
    """The decision must be one of the same child's placement decisions (422 otherwise)."""
    return await ConcernRepository(ctx.conn, actor=ctx.actor).link_decision(
        concern_id=concern_id, decision_id=body.decision_id
    )


class ConcernWatchQuery(Input):
    phase: Phase | None = Field(
        default=None,
        description="mottagning: skyddsbedömning, förhandsbedömning, återkoppling; utredning: the rest.",
    )
    org_unit: Text | None = Field(default=None, description="Only reports handled by this unit.")
    limit: int = Field(default=200, ge=1, le=1000)


class ConcernWatchList(BaseModel):
    items: list[WatchEntry] = Field(description="Overdue first, then deficient, due soon, open; by due date.")


@routes.route(
    "GET",
    f"{API}/concern-watch-list",
    name="concern_watch_list",
    summary="Bevakningslista för mottagning och utredning",
    tag=TAG,
    query=ConcernWatchQuery,
    response=ConcernWatchList,
    roles=CHILD_READERS,
)
async def concern_watch_list(ctx: Context, *, query: ConcernWatchQuery) -> BaseModel:
    """What asks for work now in the reports within your reach: each step not yet taken, or taken
    without what must be documented; reports closed more than 30 days ago drop off."""
    items = await ConcernRepository(ctx.conn, actor=ctx.actor).watch(
        phase=query.phase, org_unit=query.org_unit, limit=query.limit
    )
    return ConcernWatchList(items=items)


class IndicatorQuery(Input):
    received_from: dt.date = Field(description="The first day of the period (reports received from).")
    received_to: dt.date = Field(description="The last day of the period.")
    as_of: dt.date | None = Field(
        default=None, description="The day the outcomes are read on; today if left out."
    )

    @model_validator(mode="after")
    def _period(self) -> IndicatorQuery:
        from pydantic_core import PydanticCustomError

        if self.received_to < self.received_from:
            raise PydanticCustomError("date_order", "Periodens slut ligger före dess början")
        if (self.received_to - self.received_from).days > 366 * 2:
            raise PydanticCustomError("period_too_long", "Perioden får vara högst två år")
        return self


class IndicatorOut(BaseModel):
    measure: Measure
    measure_label: str
    org_unit: str = Field(description="A unit, or 'alla'.")
    sex: str = Field(description="female, male, unspecified, or 'alla'.")
    age_band: str = Field(description="Age at receipt: 0-5, 6-12, 13-17, 18-, or 'alla'.")
    in_time: int
    total: int
    percent: float | None
    target_percent: float
    meets_target: bool | None


class IndicatorList(BaseModel):
    as_of: dt.date
    items: list[IndicatorOut]


@routes.route(
    "GET",
    f"{API}/concern-indicators",
    name="concern_indicators",
    summary="Egenkontroll: skyddsbedömningar, förhandsbedömningar och utredningar i tid",
    tag=TAG,
    query=IndicatorQuery,
    response=IndicatorList,
    roles=INDICATOR_READERS,
)
async def concern_indicators(ctx: Context, *, query: IndicatorQuery) -> BaseModel:
    """Shares per unit, by sex and age band, with the numbers behind each, against the nämnd's
    targets (policy ``concerns``). Counts only: no child is named. See followup/concern_indicators.py
    for what counts as in time."""
    repository = ConcernRepository(ctx.conn, actor=ctx.actor)
    values = await repository.policy()
    targets = Targets(
        protection=values.get("target_protection_percent", 100),
        preliminary=values.get("target_preliminary_percent", 70),
        investigation=values.get("target_investigation_percent", 75),
    )
    as_of = query.as_of or today_in_sweden()
    rows = await repository.indicator_rows(received_from=query.received_from, received_to=query.received_to)
    cells = indicators(rows, as_of=as_of, policy=await repository.rule_policy(), targets=targets)
    return IndicatorList(
        as_of=as_of,
        items=[
            IndicatorOut(
                measure=c.measure,
                measure_label=MEASURE_LABELS[c.measure],
                org_unit=c.org_unit,
                sex=c.sex,
                age_band=c.age_band,
                in_time=c.in_time,
                total=c.total,
                percent=c.percent,
                target_percent=c.target_percent,
                meets_target=c.meets_target,
            )
            for c in cells
        ],
    )
