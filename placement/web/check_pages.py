"""The pages of placement support: Ny kontroll (run the check before a placement), Kontrollresultat
(every rule, the findings by severity, acknowledging, overriding, the decision) and the run's
evidence document as PDF.

Each is a presentation over the functions the API's check endpoints use (placement/check_runs.py,
placement/api/checks.py), in one transaction scoped to the person's municipality, with the same
audit rows: a run is stored, resolved and verified by the same code, never written twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from placement import audit
from placement.api.state import SETTINGS
from placement.audit import Access, AuditAction
from placement.check_runs import (
    NEEDS_CHECK,
    CheckRequest,
    CheckRun,
    StoredFinding,
    gather,
    read_run,
    resolve,
    store_run,
    versions_beside,
)
from placement.check_runs import record_decision as gate_and_record
from placement.core.clock import SWEDEN, today_in_sweden
from placement.core.rulebook import Severity, all_rules
from placement.core.supplier_vocabulary import Need
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm, StaffRole
from placement.errors import Forbidden, NotFound, PlacementError, ValidationFailed
from placement.models import DecisionIn, PlacementIn
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories import check_runs as check_sql
from placement.repositories import placement_support
from placement.repositories.children import ChildRepository
from placement.repositories.placements import PlacementRepository
from placement.web import filters, queries
from placement.web.base import WEB_TEMPLATES, PageContext, page
from placement.web.forms import FormState, as_uuid, validated

CHECKERS = frozenset({StaffRole.PLACERINGSSTOD, StaffRole.TEAMLEDARE})

SEVERITY_WORDS = {Severity.BLOCK: "Hinder", Severity.WARN: "Varning", Severity.INFO: "Information"}
SEVERITY_BADGES = {
    Severity.BLOCK: "badge--error",
    Severity.WARN: "badge--warning",
    Severity.INFO: "badge--info",
}
SEVERITY_HEADINGS = {
    Severity.BLOCK: "Hinder: beslutet får inte fattas förrän de är åtgärdade eller åsidosatta",
    Severity.WARN: "Varningar: ska kvitteras före beslutet",
    Severity.INFO: "Information",
}
# The fields of Ny kontroll, in the order the page shows them: the error summary follows it.
FIELDS = [
    "child",
    "form",
    "legal_basis",
    "start_date",
    "unit_code",
    "foster_home_id",
    "primary_need",
    "other_needs",
    "handlaggare_id",
    "decision_maker_id",
    "decision_kind",
]
# What a field left unchosen is told (the model's own message would list the codes).
CHOOSE = {
    "form": "Välj placeringsform",
    "legal_basis": "Välj grunden för vården",
    "start_date": "Ange startdatum",
}
DECISION_FIELDS = ["decided_on", "namnd_meeting_on", "namnd_paragraph", "valid_from", "valid_to"]


words = filters.term


def add_routes(app: web.Application) -> None:
    app.router.add_get("/kontroller/ny", new_check, name="web_new_check")
    app.router.add_post("/kontroller/ny", run_check, name="web_run_check")
    app.router.add_get("/kontroller/{check_id}", check_result, name="web_check")
    app.router.add_get("/kontroller/{check_id}/bevis.pdf", evidence_pdf, name="web_check_pdf")
    app.router.add_get("/kontroller/{check_id}/fynd/{index}", resolution_form, name="web_resolution_form")
    app.router.add_post("/kontroller/{check_id}/fynd/{index}", resolve_finding, name="web_resolve")
    app.router.add_post("/kontroller/{check_id}/beslut", record_decision, name="web_decision")
    app.router.add_post("/kontroller/{check_id}/igen", run_again, name="web_run_again")


# ---------------------------------------------------------------- Ny kontroll


async def _choices(ctx: PageContext) -> dict[str, Any]:
    actor = ctx.principal.actor
    return {
        "forms": [(f.value, words(f)) for f in PlacementForm],
        "bases": [(b.value, words(b)) for b in LegalBasis],
        "needs": [(n.value, words(n)) for n in Need],
        "kinds": [(k.value, words(k)) for k in DecisionKind if k in NEEDS_CHECK],
        "staff": await placement_support.staff_choices(ctx.conn, actor),
        "foster_homes": await placement_support.foster_home_choices(ctx.conn, actor),
    }


async def _new_page(
    ctx: PageContext, form: FormState, matches: list[placement_support.ChildChoice] | None = None
) -> web.Response:
    return ctx.render(
        "check_new.html",
        status=422 if form.failed else 200,
        form=form,
        fields=FIELDS,
        matches=matches or [],
        **await _choices(ctx),
    )


@page(CHECKERS)
async def new_check(ctx: PageContext) -> web.StreamResponse:
    """Ny kontroll: the form, with a home already chosen when the person came from Hitta hem."""
    query = ctx.request.query
    values = {
        "start_date": today_in_sweden().isoformat(),
        "decision_kind": DecisionKind.PLACEMENT_SOL.value,
        "handlaggare_id": str(ctx.principal.staff_id or ""),
    }
    if query.get("enhet"):
        values["unit_code"] = query["enhet"]
    if query.get("familjehem"):
        values["foster_home_id"] = query["familjehem"]
    if query.get("form") in {f.value for f in PlacementForm}:
        values["form"] = query["form"]
    return await _new_page(ctx, FormState(values))


def _optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


async def _request_from(
    ctx: PageContext, values: dict[str, str], other_needs: list[str], errors: dict[str, str]
) -> tuple[CheckRequest | None, list[placement_support.ChildChoice]]:
    """The form as the API's CheckRequest; the child found by id (a chosen match) or by the
    name or personnummer typed (one match only)."""
    matches: list[placement_support.ChildChoice] = []
    child_id = as_uuid(values.get("child_id", ""))
    typed = values.get("child", "").strip()
    if child_id is None:
        if not typed:
            errors["child"] = "Ange barnets namn eller personnummer"
        else:
            matches = await placement_support.find_children(ctx.conn, ctx.principal.actor, typed)
            if not matches:
                errors["child"] = "Inget barn som du har behörighet till matchar det du skrev"
            elif len(matches) == 1:
                child_id = matches[0].id
                values["child_id"] = str(child_id)
                matches = []
            else:
                errors["child"] = (
                    f"{len(matches)} barn matchar: välj ett av dem nedan eller skriv personnumret"
                )
    data: dict[str, Any] = {
        "child_id": child_id or uuid.UUID(int=0),
        "form": values.get("form") or None,
        "legal_basis": values.get("legal_basis") or None,
        "start_date": values.get("start_date", "").strip() or None,
        "unit_code": _optional(values.get("unit_code")),
        "foster_home_id": _optional(values.get("foster_home_id")),
        "primary_need": _optional(values.get("primary_need")),
        "other_needs": other_needs,
        "needs_assessment_documented": values.get("needs_assessment_documented") == "ja",
        "handlaggare_id": _optional(values.get("handlaggare_id")),
        "decision_maker_id": _optional(values.get("decision_maker_id")),
        "decision_kind": values.get("decision_kind") or DecisionKind.PLACEMENT_SOL.value,
        "decided_by_namnd": values.get("decided_by_namnd") == "ja",
    }
    for name, message in CHOOSE.items():
        if not values.get(name):
            errors.setdefault(name, message)
    request = validated(CheckRequest, data, errors, {"child_id": "child"})
    form = values.get("form")
    if form in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM) and not data["foster_home_id"]:
        errors.setdefault("foster_home_id", "Välj familjehemmet eller jourhemmet")
    elif form and form not in (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM) and not data["unit_code"]:
        errors.setdefault("unit_code", "Ange enhetens kod i IVO-registret")
    if not data["decision_maker_id"] and not data["decided_by_namnd"]:
        errors.setdefault("decision_maker_id", "Välj vem som fattar beslutet, eller att nämnden beslutar")
    if errors:
        return None, matches
    return request, matches


async def _store(ctx: PageContext, request: CheckRequest) -> CheckRun:
    """Run and store the check as the API does (run_placement_check)."""
    secret = ctx.request.app[SETTINGS].identity_key
    key = secret.get_secret_value().encode() if secret is not None else None
    facts = await gather(ctx.conn, ctx.principal, request, today_in_sweden(), identity_key=key)
    beside = await versions_beside(ctx.conn, ctx.principal.municipality_id, request)
    stored = await store_run(ctx.conn, ctx.principal, request, facts, beside)
    await audit.record(
        ctx.conn,
        ctx.principal.actor,
        AuditAction.CREATE,
        [Access("placement_check", stored.id, request.child_id)],
    )
    return stored


@page(CHECKERS)
async def run_check(ctx: PageContext) -> web.StreamResponse:
    """Kör kontrollen: the same form again with the values kept and a message per field when
    something is wrong; otherwise the run is stored and the browser goes to its result."""
    posted = await ctx.request.post()
    values = {k: v for k, v in posted.items() if isinstance(v, str) and k != "other_needs"}
    other_needs = [v for v in posted.getall("other_needs", []) if isinstance(v, str)]
    errors: dict[str, str] = {}
    request, matches = await _request_from(ctx, values, other_needs, errors)
    form = FormState({**values, "other_needs": ",".join(other_needs)}, errors)
    if request is None:
        return await _new_page(ctx, form, matches)
    try:
        stored = await _store(ctx, request)
    except ValidationFailed as error:
        for problem in error.errors:
            errors.setdefault(
                problem["field"].removeprefix("body.").replace("child_id", "child"), problem["message"]
            )
        return await _new_page(ctx, form)
    except NotFound as error:
        errors["child"] = error.detail
        return await _new_page(ctx, form)
    raise web.HTTPSeeOther(ctx.request.app.router["web_check"].url_for(check_id=str(stored.id)))


# ---------------------------------------------------------------- Kontrollresultat


def _check_id(ctx: PageContext) -> uuid.UUID:
    found = as_uuid(ctx.request.match_info["check_id"])
    if found is None:
        raise NotFound("Kontrollen finns inte")
    return found


@dataclass(frozen=True)
class RuleRow:
    """One rule as the result shows it: its findings, or that it passed."""

    code: str
    title: str
    legal: str
    findings: list[StoredFinding]


@dataclass(frozen=True)
class Evidence:
    """What a page and the PDF show of a run: the run, the child, names, rules, register dates."""

    run: CheckRun
    child: Any
    rules: list[RuleRow]
    groups: list[tuple[Severity, list[StoredFinding]]]
    names: dict[uuid.UUID, str]
    snapshot_on: dt.datetime | None
    request: dict[str, Any]
    open_count: int
    people: dict[str, str]

    def who(self, actor_name: str | None) -> str:
        """The person behind an actor name, by name and role where known."""
        return self.people.get(actor_name or "", actor_name or "")

    @property
    def decidable(self) -> bool:
        return self.open_count == 0 and self.run.decision_kind in NEEDS_CHECK


async def _evidence(ctx: PageContext, check_id: uuid.UUID) -> Evidence:
    actor = ctx.principal.actor
    found = await read_run(ctx.conn, ctx.principal.municipality_id, check_id, within=actor.reads)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    await audit.record(
        ctx.conn, actor, AuditAction.READ, [Access("placement_check", check_id, found.child_id)]
    )
    rules = [r for r in all_rules() if r.family == "PP"]
    by_code: dict[str, list[StoredFinding]] = {}
    for f in found.findings:
        by_code.setdefault(f.code, []).append(f)
    rows = [RuleRow(r.code, r.title, r.legal.cite(), by_code.get(r.code, [])) for r in rules]
    groups = [
        (severity, [f for f in found.findings if f.severity is severity])
        for severity in (Severity.BLOCK, Severity.WARN, Severity.INFO)
    ]
    staff = {s for s in (found.handlaggare_id, found.decision_maker_id) if s is not None}
    staff |= {f.resolved_by_staff_id for f in found.findings if f.resolved_by_staff_id is not None}
    names = await queries.staff_names(ctx.conn, actor, staff)
    people = await placement_support.people_of_actors(
        ctx.conn, actor, {found.run_by} | {f.resolved_by for f in found.findings if f.resolved_by}
    )
    unit = found.facts.get("unit") or {}
    snapshot_id = unit.get("snapshot_id") if isinstance(unit, dict) else None
    dates = await placement_support.snapshot_dates(ctx.conn, {snapshot_id} if snapshot_id else set())
    request = found.facts.get("proposed") or {}
    open_count = sum(1 for f in found.findings if f.severity is not Severity.INFO and f.resolution is None)
    return Evidence(
        found,
        child,
        rows,
        [g for g in groups if g[1]],
        names,
        dates.get(snapshot_id or 0),
        request,
        open_count,
        people,
    )


def _home_name(evidence: Evidence) -> str:
    facts = evidence.run.facts
    unit = (facts.get("unit") or {}).get("unit") or {}
    if unit.get("name"):
        return str(unit["name"])
    home = facts.get("foster_home") or {}
    return str(home.get("name") or evidence.run.unit_code or "Familjehemmet")


async def _result_page(
    ctx: PageContext,
    check_id: uuid.UUID,
    *,
    decision: FormState | None = None,
    refused: str = "",
    refused_status: int = 409,
) -> web.Response:
    evidence = await _evidence(ctx, check_id)
    today = today_in_sweden()
    decision = decision or FormState(
        {
            "decided_on": today.isoformat(),
            "valid_from": str(evidence.request.get("start_date") or today.isoformat()),
        }
    )
    return ctx.render(
        "check_result.html",
        status=refused_status if refused else 422 if decision.failed else 200,
        e=evidence,
        run=evidence.run,
        words=words,
        severity_words=SEVERITY_WORDS,
        severity_badges=SEVERITY_BADGES,
        severity_headings=SEVERITY_HEADINGS,
        decision=decision,
        decision_fields=DECISION_FIELDS,
        refused=refused,
        home_name=_home_name(evidence),
        run_at=evidence.run.run_at.astimezone(SWEDEN),
        may_write=ctx.principal.may(CHILD_WRITERS),
        notice=ctx.request.query.get("klart", ""),
        me=ctx.principal.staff_id,
    )


@page(CHILD_READERS)
async def check_result(ctx: PageContext) -> web.StreamResponse:
    """Kontrollresultat: every rule that ran, passed ones too; findings by severity; what to do."""
    return await _result_page(ctx, _check_id(ctx))


def _index(ctx: PageContext, run: CheckRun) -> StoredFinding:
    try:
        index = int(ctx.request.match_info["index"])
    except ValueError:
        raise NotFound("Kontrollen har inget sådant fynd") from None
    if not 0 <= index < len(run.findings):
        raise NotFound("Kontrollen har inget sådant fynd")
    return run.findings[index]


async def _resolution_page(
    ctx: PageContext, check_id: uuid.UUID, form: FormState, *, confirm: bool
) -> web.Response:
    evidence = await _evidence(ctx, check_id)
    finding = _index(ctx, evidence.run)
    if finding.resolution is not None:
        raise web.HTTPSeeOther(ctx.request.app.router["web_check"].url_for(check_id=str(check_id)))
    return ctx.render(
        "check_resolve.html",
        status=422 if form.failed else 200,
        e=evidence,
        run=evidence.run,
        finding=finding,
        override=finding.severity is Severity.BLOCK,
        severity_words=SEVERITY_WORDS,
        severity_badges=SEVERITY_BADGES,
        form=form,
        confirm=confirm,
    )


@page(CHILD_WRITERS)
async def resolution_form(ctx: PageContext) -> web.StreamResponse:
    """Kvittera a warning or åsidosätt a hinder: first the reason."""
    return await _resolution_page(ctx, _check_id(ctx), FormState(), confirm=False)


@page(CHILD_WRITERS)
async def resolve_finding(ctx: PageContext) -> web.StreamResponse:
    """In two steps, the reason and then a confirmation saying what will happen; recorded by the
    API's own ``resolve`` (who may, who is concerned, never changed after)."""
    check_id = _check_id(ctx)
    values = await ctx.form()
    reason = values.get("reason", "").strip()
    if len(reason) < 3:
        errors = {"reason": "Skriv skälet (minst tre tecken)"}
        return await _resolution_page(ctx, check_id, FormState(values, errors), confirm=False)
    if len(reason) > 2000:
        errors = {"reason": "Skälet får vara högst 2 000 tecken"}
        return await _resolution_page(ctx, check_id, FormState(values, errors), confirm=False)
    if values.get("step") != "confirm":
        return await _resolution_page(ctx, check_id, FormState(values), confirm=True)
    actor = ctx.principal.actor
    found = await read_run(ctx.conn, ctx.principal.municipality_id, check_id, within=actor.writes)
    finding = _index(ctx, found)
    action = "override" if finding.severity is Severity.BLOCK else "acknowledge"
    try:
        await resolve(ctx.conn, ctx.principal, found, finding.index, action=action, reason=reason)
    except Forbidden as error:
        errors = {"reason": error.detail}
        return await _resolution_page(ctx, check_id, FormState(values, errors), confirm=False)
    await audit.record(
        ctx.conn, actor, AuditAction.UPDATE, [Access("placement_check", check_id, found.child_id)]
    )
    done = "asidosatt" if action == "override" else "kvitterad"
    url = ctx.request.app.router["web_check"].url_for(check_id=str(check_id)).with_query(klart=done)
    raise web.HTTPSeeOther(url)


@page(CHILD_WRITERS)
async def record_decision(ctx: PageContext) -> web.StreamResponse:
    """The placement and its decision, recorded on this run, in one step: the placement as the run
    proposed it, the decision through the same gate as the API's (``record_decision``: the run
    verified again, the delegation judgement). A decision the run named the nämnd for is recorded
    as the nämnd's, with the meeting's date and paragraph. A refusal rolls both back and is shown in
    Swedish, a 409 with a way to run the check again."""
    check_id = _check_id(ctx)
    values = await ctx.form()
    evidence = await _evidence(ctx, check_id)
    run = evidence.run
    errors: dict[str, str] = {}
    request = dict(evidence.request)
    by_namnd = bool(run.facts.get("decided_by_namnd"))
    if run.decision_maker_id is None and not by_namnd:
        raise ValidationFailed.on(
            "decided_by",
            "Kontrollen namnger ingen beslutsfattare; kör kontrollen igen med den som beslutar",
            "missing",
        )
    placement_in = validated(
        PlacementIn,
        {
            "child_id": run.child_id,
            "form": run.form,
            "legal_basis": request.get("legal_basis"),
            "home_name": _home_name(evidence),
            "unit_code": run.unit_code,
            "foster_home_id": run.foster_home_id,
            "start_date": values.get("valid_from") or None,
            "planned_end_date": request.get("planned_end_date"),
        },
        errors,
        {"start_date": "valid_from", "planned_end_date": "valid_to"},
    )
    decision_in = validated(
        DecisionIn,
        {
            "kind": run.decision_kind,
            "decided_on": values.get("decided_on") or None,
            "decided_by": None if by_namnd else run.decision_maker_id,
            "decided_by_namnd": by_namnd,
            "namnd_meeting_on": (values.get("namnd_meeting_on") or None) if by_namnd else None,
            "namnd_paragraph": (values.get("namnd_paragraph", "").strip() or None) if by_namnd else None,
            "valid_from": values.get("valid_from") or None,
            "valid_to": values.get("valid_to") or None,
            "check_id": run.id,
        },
        errors,
        {},
    )
    if errors or placement_in is None or decision_in is None:
        return await _result_page(ctx, check_id, decision=FormState(values, errors))
    secret = ctx.request.app[SETTINGS].identity_key
    key = secret.get_secret_value().encode() if secret is not None else None
    try:
        async with ctx.conn.transaction():  # a savepoint: a refused decision leaves no placement
            placements = PlacementRepository(ctx.conn, actor=ctx.principal.actor)
            created = await placements.create(placement=placement_in)
            await gate_and_record(
                ctx.conn, ctx.principal, created, decision_in, today_in_sweden(), identity_key=key
            )
    except PlacementError as error:
        if error.status == 409:
            return await _result_page(ctx, check_id, decision=FormState(values), refused=error.detail)
        if isinstance(error, ValidationFailed):
            on_the_form = [p for p in error.errors if p["field"].removeprefix("body.") in DECISION_FIELDS]
            if len(on_the_form) < len(error.errors):
                # Who decides is the run's, not the form's (no delegation, a kind reserved for the
                # nämnd): the remedy is a new run naming the right decision-maker.
                refusal = " ".join(p["message"] for p in error.errors if p not in on_the_form)
                return await _result_page(
                    ctx, check_id, decision=FormState(values), refused=refusal, refused_status=422
                )
            for problem in on_the_form:
                errors.setdefault(problem["field"].removeprefix("body."), problem["message"])
            return await _result_page(ctx, check_id, decision=FormState(values, errors))
        raise
    url = (
        ctx.request.app.router["web_placement"]
        .url_for(placement_id=str(created.id))
        .with_query(klart="beslut")
    )
    raise web.HTTPSeeOther(url)


@page(CHECKERS)
async def run_again(ctx: PageContext) -> web.StreamResponse:
    """Kör kontrollen igen: the same request over today's facts, as a new run."""
    check_id = _check_id(ctx)
    actor = ctx.principal.actor
    await read_run(ctx.conn, ctx.principal.municipality_id, check_id, within=actor.writes)
    row = await check_sql.run_row(ctx.conn, ctx.principal.municipality_id, check_id, within=actor.writes)
    if row is None:
        raise NotFound("Kontrollen finns inte")
    request = CheckRequest.model_validate(row["request"])
    stored = await _store(
        ctx, request.model_copy(update={"start_date": max(request.start_date, today_in_sweden())})
    )
    raise web.HTTPSeeOther(ctx.request.app.router["web_check"].url_for(check_id=str(stored.id)))


# ---------------------------------------------------------------- the evidence document


@page(CHILD_READERS)
async def evidence_pdf(ctx: PageContext) -> web.StreamResponse:
    """The run as a printable evidence document (PDF, WeasyPrint) to attach to the beslut: every
    rule, the findings and their handling, the register excerpts relied on, who ran it and when."""
    from weasyprint import HTML  # imported here: loading pango takes a moment, only for the PDF

    evidence = await _evidence(ctx, _check_id(ctx))
    html = (
        ctx.request.app[WEB_TEMPLATES]
        .get_template("check_evidence.html")
        .render(
            e=evidence,
            run=evidence.run,
            words=words,
            severity_words=SEVERITY_WORDS,
            home_name=_home_name(evidence),
            run_at=evidence.run.run_at.astimezone(SWEDEN),
            printed_by=ctx.session.display_name,
            printed_at=dt.datetime.now(SWEDEN),
        )
    )
    pdf = HTML(string=html).write_pdf()
    name = f"kontroll-{evidence.run.run_at.astimezone(SWEDEN).date().isoformat()}.pdf"
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
