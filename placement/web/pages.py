"""The pages of a social worker's and a unit lead's day: Mina barn, Barnets placering, Enhetens läge.

Each page is a presentation over the repositories the API uses (placement/repositories/), in one
transaction scoped to the person's municipality, with the same reach and the same audit rows.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from followup.obligations import EventKind, State
from placement.core.clock import today_in_sweden
from placement.core.rulebook import all_rules
from placement.core.vocabulary import EndReason, StaffRole, label
from placement.errors import Conflict, NotFound, PlacementError, ValidationFailed
from placement.models import PlacementEndIn
from placement.principal import CHILD_READERS, CHILD_WRITERS
from placement.repositories import placement_support
from placement.repositories.children import ChildRepository
from placement.repositories.followup import EventIn, FollowUpRepository, WaiverIn
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.web import drafts, filters, queries
from placement.web.base import MENU, SESSION, PageContext, page, render
from placement.web.forms import (
    EVENT_BUTTONS,
    EVENT_KINDS,
    FormState,
    as_uuid,
    event_details,
    parse_date,
    query_int,
    validated,
)

WAIVERS = frozenset({StaffRole.TEAMLEDARE})
UNIT_LEADS = frozenset({StaffRole.TEAMLEDARE})
FILTER_STATES = (State.OVERDUE, State.DUE_SOON, State.OPEN)
FU_CODES = [f"FU{n:02d}" for n in range(1, 17)]
# The highest page number a list answers (50 a page: far more children than any municipality has).
MAX_PAGE = 10_000


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", start, name="web_start")
    app.router.add_get("/tillganglighet", accessibility, name="web_accessibility")
    app.router.add_get("/mina-barn", worklist, name="web_worklist")
    app.router.add_get("/mina-barn.csv", worklist_export, name="web_worklist_export")
    app.router.add_get("/enhetens-lage", unit, name="web_unit")
    app.router.add_get("/placeringar/{placement_id}", placement, name="web_placement")
    app.router.add_get("/placeringar/{placement_id}/registrera/{kind}", event_form, name="web_event_form")
    app.router.add_post(
        "/placeringar/{placement_id}/registrera/{kind}", record_event, name="web_record_event"
    )
    app.router.add_get("/placeringar/{placement_id}/avsluta", end_form, name="web_end_form")
    app.router.add_post("/placeringar/{placement_id}/avsluta", end_placement, name="web_end_placement")
    app.router.add_get("/placeringar/{placement_id}/efterge", waive_form, name="web_waive_form")
    app.router.add_post("/placeringar/{placement_id}/efterge", waive, name="web_waive")


async def start(request: web.Request) -> web.StreamResponse:
    """Signed in: the first page of the person's menu; otherwise the sign-in page."""
    session = request.get(SESSION)
    if session is None:
        raise web.HTTPSeeOther(request.app.router["web_sign_in"].url_for())
    for item in MENU:
        if session.roles & item.roles:
            raise web.HTTPSeeOther(request.app.router[item.route].url_for())
    return render(request, "start.html")


async def accessibility(request: web.Request) -> web.StreamResponse:
    return render(request, "accessibility.html")


def _placement_id(ctx: PageContext) -> uuid.UUID:
    try:
        return uuid.UUID(ctx.request.match_info["placement_id"])
    except ValueError:
        raise NotFound("Placeringen finns inte") from None


@dataclass(frozen=True)
class WorklistChoice:
    """What the person chose on Mina barn (from the query string), checked."""

    chosen: str  # "mina", "alla" or a social worker's id
    responsible: uuid.UUID | None
    state: State | None
    code: str | None
    order: str
    page: int
    workers: list[tuple[uuid.UUID, str]]
    unit_lead: bool
    social_worker: bool

    @property
    def unlinked(self) -> bool:
        """Signed in, but no staff member has this e-mail: nobody's own children are known."""
        return self.chosen == "mina" and self.responsible is None


async def _worklist_choice(ctx: PageContext) -> WorklistChoice:
    query = ctx.request.query
    unit_lead = StaffRole.TEAMLEDARE in ctx.principal.roles
    social_worker = StaffRole.SOCIALSEKRETERARE in ctx.principal.roles
    workers = (
        await queries.unit_workers(ctx.conn, ctx.principal.actor, org_unit=ctx.principal.org_unit)
        if unit_lead
        else []
    )
    chosen = query.get("handlaggare", "")
    responsible: uuid.UUID | None = None
    if chosen == "mina" or (not chosen and social_worker and not unit_lead):
        responsible, chosen = ctx.principal.staff_id, "mina"
    elif chosen and chosen != "alla":
        responsible = next((w for w, _ in workers if str(w) == chosen), None)
        if responsible is None:
            chosen = "alla"
    page_no = query_int(query, "sida", default=1, low=1, high=MAX_PAGE, what="Sidnumret")
    return WorklistChoice(
        chosen=chosen or "alla",
        responsible=responsible,
        state=next((s for s in FILTER_STATES if s.value == query.get("status")), None),
        code=query.get("kod") if query.get("kod") in FU_CODES else None,
        order=query.get("ordning", "") if query.get("ordning") in queries.ORDERS else "bradskande",
        page=page_no,
        workers=workers,
        unit_lead=unit_lead,
        social_worker=social_worker,
    )


async def _worklist_rows(ctx: PageContext, choice: WorklistChoice, *, page_size: int) -> queries.Worklist:
    if choice.unlinked:
        return queries.Worklist(rows=[], total=0)
    return await queries.worklist(
        ctx.conn,
        ctx.principal.actor,
        today=today_in_sweden(),
        responsible=choice.responsible,
        state=choice.state,
        code=choice.code,
        page=choice.page,
        order=choice.order,
        page_size=page_size,
    )


@page(CHILD_READERS)
async def worklist(ctx: PageContext) -> web.StreamResponse:
    """Mina barn: each placed child with the next obligation, most urgent first."""
    choice = await _worklist_choice(ctx)
    found = await _worklist_rows(ctx, choice, page_size=queries.PAGE_SIZE)
    query = ctx.request.query
    return ctx.render(
        "worklist.html",
        rows=found.rows,
        total=found.total,
        page_no=choice.page,
        pages=max((found.total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE, 1),
        today=today_in_sweden(),
        workers=choice.workers,
        chosen=choice.chosen,
        social_worker=choice.social_worker,
        unit_lead=choice.unit_lead,
        states=FILTER_STATES,
        state=choice.state,
        codes=[(c, _titles().get(c, c)) for c in FU_CODES],
        code=choice.code,
        order=choice.order,
        request_query=lambda n: urlencode({**query, "sida": n}),
        export_query=urlencode({k: v for k, v in query.items() if k != "sida"}),
        unlinked=choice.unlinked,
    )


EXPORT_LIMIT = 5000


def _cell(value: object) -> object:
    """A value Excel shows as text: one that begins like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@page(CHILD_READERS)
async def worklist_export(ctx: PageContext) -> web.StreamResponse:
    """Mina barn as a CSV file for Excel (semicolons, UTF-8 with BOM), the same choice, every row
    (up to 5,000); each child in it is a read in the audit log, as on the page."""
    choice = await _worklist_choice(ctx)
    found = await _worklist_rows(ctx, dataclasses.replace(choice, page=1), page_size=EXPORT_LIMIT)
    today = today_in_sweden()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Barn",
            "Ålder",
            "Hem",
            "Placeringsform",
            "Grund",
            "Ansvarig",
            "Nästa skyldighet",
            "Kod",
            "Senast",
            "Läge",
            "Försenade",
            "Snart",
            "Senast, nästa vardag (lag 1930:173)",
        ]
    )
    for r in found.rows:
        writer.writerow(
            _cell(value)
            for value in [
                r.child_name,
                filters.age(r.birth_date, today),
                f"{r.home_name}, {r.home_municipality}",
                filters.sentence(label(r.form)),
                filters.sentence(label(r.legal_basis)),
                r.responsible_name or "",
                r.title or "",
                r.code or "",
                filters.day(r.due_on),
                filters.state_words(r.state, r.due_on, today),
                r.overdue,
                r.due_soon,
                filters.day(r.rolled_due_on),
            ]
        )
    return web.Response(
        body=out.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="barn-{today.isoformat()}.csv"'},
    )


def _titles() -> dict[str, str]:
    return {r.code: r.title for r in all_rules() if r.family == "FU"}


def _legal() -> dict[str, str]:
    return {r.code: r.legal.cite() for r in all_rules() if r.family == "FU"}


async def _placement_page(ctx: PageContext, placement_id: uuid.UUID) -> web.Response:
    actor = ctx.principal.actor
    placements = PlacementRepository(ctx.conn, actor=actor)
    found = await placements.get(placement_id=placement_id)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    followup = FollowUpRepository(ctx.conn, actor=actor)
    obligations = await followup.obligations(placement_id=placement_id)
    events = await followup.events(placement_id=placement_id)
    decisions = await placements.decisions(placement_id=placement_id)
    workers = await SocialWorkerRepository(ctx.conn, actor=actor).history(child_id=found.child_id)
    names = await queries.staff_names(
        ctx.conn,
        actor,
        {e.staff_id for e in events if e.staff_id} | {d.decided_by for d in decisions if d.decided_by},
    )
    recorders = await placement_support.people_of_actors(ctx.conn, actor, {e.recorded_by for e in events})
    may_write = ctx.principal.may(CHILD_WRITERS)
    return ctx.render(
        "placement.html",
        recorders=recorders,
        placement=found,
        home_municipality=await queries.home_municipality(ctx.conn, actor, kommunkod=found.home_kommunkod),
        moved=any(o.rolled_due_on for o in obligations),
        child=child,
        obligations=obligations,
        events=list(reversed(events)),
        replaced={e.corrects for e in events if e.corrects},
        decisions=list(reversed(decisions)),
        workers=workers,
        names=names,
        legal=_legal(),
        event_kinds=EVENT_KINDS,
        may_write=may_write,
        may_waive=ctx.principal.may(WAIVERS),
        today=today_in_sweden(),
        label=label,
        notice=ctx.request.query.get("klart", ""),
    )


@page(CHILD_READERS)
async def placement(ctx: PageContext) -> web.StreamResponse:
    """Barnets placering: obligations with due dates and their basis; events, decisions, workers."""
    return await _placement_page(ctx, _placement_id(ctx))


def _kind(ctx: PageContext) -> EventKind:
    try:
        return EventKind(ctx.request.match_info["kind"])
    except ValueError:
        raise NotFound("Det finns ingen sådan händelse att registrera") from None


async def _event_page(
    ctx: PageContext, kind: EventKind, form: FormState, *, restored: drafts.Restored | None = None
) -> web.Response:
    placement_id = _placement_id(ctx)
    actor = ctx.principal.actor
    found = await PlacementRepository(ctx.conn, actor=actor).for_writing(placement_id=placement_id)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    return ctx.render(
        "event_form.html",
        status=422 if form.failed else 200,
        placement=found,
        child=child,
        kind=kind,
        heading=EVENT_KINDS[kind],
        button=EVENT_BUTTONS.get(kind, "Registrera händelsen"),
        form=form,
        today=today_in_sweden(),
        restored=restored,
    )


@page(CHILD_WRITERS)
async def event_form(ctx: PageContext) -> web.StreamResponse:
    """The form for one kind of event; with ``?rattar=<event>``, filled in from that event, to
    record its correction (a new event that replaces it: events are never edited)."""
    kind = _kind(ctx)
    values = {"occurred_on": today_in_sweden().isoformat()}
    corrected = as_uuid(ctx.request.query.get("rattar", ""))
    if corrected is not None:
        events = await FollowUpRepository(ctx.conn, actor=ctx.principal.actor).events(
            placement_id=_placement_id(ctx)
        )
        event = next((e for e in events if e.id == corrected and e.kind is kind), None)
        if event is None:
            raise NotFound("Händelsen som ska rättas finns inte för placeringen")
        values = {"occurred_on": event.occurred_on.isoformat(), "corrects": str(event.id)}
        values.update({k: _yes_no(v) for k, v in event.details.items() if isinstance(v, bool)})
        if isinstance(event.details.get("ref"), str):
            values["ref"] = event.details["ref"]
    restored = await drafts.restore(ctx)
    if restored is not None and restored.values is not None:
        values = restored.values
    return await _event_page(ctx, kind, FormState(values=values), restored=restored)


def _yes_no(value: bool) -> str:
    return "ja" if value else "nej"


@page(CHILD_WRITERS)
async def record_event(ctx: PageContext) -> web.StreamResponse:
    """Record one event as the API does (FollowUpRepository.record_event); the obligations are
    recomputed at once. Bad input: the same form again, values kept, a message per field."""
    kind = _kind(ctx)
    placement_id = _placement_id(ctx)
    values = await ctx.form()
    errors: dict[str, str] = {}
    occurred = parse_date(values, "occurred_on", errors, label="datum")
    details = event_details(kind, values, errors)
    # The API's model checks the date too (today at the latest), whatever else is wrong.
    event = validated(
        EventIn,
        {
            "kind": kind,
            "occurred_on": occurred,
            "staff_id": ctx.principal.staff_id,
            "details": details,
            "corrects": as_uuid(values.get("corrects", "")),
        },
        errors,
        {"occurred_on": "occurred_on", "details": "occurred_on"},
    )
    if event is None or errors:
        return await _event_page(ctx, kind, FormState(values, errors))
    try:  # the repository's own rules (the date against the placement, what may be corrected)
        await FollowUpRepository(ctx.conn, actor=ctx.principal.actor).record_event(
            placement_id=placement_id, event=event
        )
    except ValidationFailed as error:
        for problem in error.errors:
            field = problem["field"].removeprefix("body.").split(".")[0]
            errors.setdefault(field if field in ("occurred_on", "ref") else "occurred_on", problem["message"])
        return await _event_page(ctx, kind, FormState(values, errors))
    except Conflict as error:  # e.g. the event was corrected meanwhile
        errors["occurred_on"] = error.detail
        return await _event_page(ctx, kind, FormState(values, errors))
    raise _back(ctx, placement_id, "handelse")


def _back(ctx: PageContext, placement_id: uuid.UUID, done: str) -> web.HTTPSeeOther:
    url = ctx.request.app.router["web_placement"].url_for(placement_id=str(placement_id))
    return web.HTTPSeeOther(url.with_query(klart=done))


async def _end_page(
    ctx: PageContext, form: FormState, *, confirm: bool = False, restored: drafts.Restored | None = None
) -> web.Response:
    placement_id = _placement_id(ctx)
    actor = ctx.principal.actor
    found = await PlacementRepository(ctx.conn, actor=actor).for_writing(placement_id=placement_id)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    return ctx.render(
        "end_form.html",
        status=422 if form.failed else 200,
        placement=found,
        child=child,
        form=form,
        reasons=[(r.value, label(r)) for r in EndReason],
        reason_label=dict((r.value, label(r)) for r in EndReason),
        confirm=confirm,
        restored=restored,
    )


@page(CHILD_WRITERS)
async def end_form(ctx: PageContext) -> web.StreamResponse:
    restored = await drafts.restore(ctx)
    values = restored.values if restored is not None and restored.values is not None else {}
    return await _end_page(ctx, FormState(values=values), restored=restored)


@page(CHILD_WRITERS)
async def end_placement(ctx: PageContext) -> web.StreamResponse:
    placement_id = _placement_id(ctx)
    values = await ctx.form()
    errors: dict[str, str] = {}
    end_date = parse_date(values, "end_date", errors, label="slutdatum")
    if values.get("end_reason") not in {r.value for r in EndReason}:
        errors["end_reason"] = "Välj varför placeringen avslutas"
    if errors:
        return await _end_page(ctx, FormState(values, errors))
    ending = validated(
        PlacementEndIn,
        {
            "end_date": end_date,
            "end_reason": values["end_reason"],
            "end_reason_note": values.get("note") or None,
        },
        errors,
        {"end_reason_note": "note"},
    )
    if ending is None:
        return await _end_page(ctx, FormState(values, errors))
    if values.get("step") != "confirm":  # ending is legally significant: say what will happen first
        return await _end_page(ctx, FormState(values), confirm=True)
    try:
        await PlacementRepository(ctx.conn, actor=ctx.principal.actor).end(
            placement_id=placement_id, ending=ending
        )
    except ValidationFailed as error:
        errors["end_date"] = error.errors[0]["message"]
        return await _end_page(ctx, FormState(values, errors))
    except PlacementError as error:
        if error.status != 409:
            raise
        errors["end_date"] = error.detail
        return await _end_page(ctx, FormState(values, errors))
    raise _back(ctx, placement_id, "avslutad")


async def _waive_page(
    ctx: PageContext,
    waiving: dict[str, str],
    form: FormState,
    *,
    confirm: bool,
    restored: drafts.Restored | None = None,
) -> web.Response:
    placement_id = _placement_id(ctx)
    actor = ctx.principal.actor
    found = await PlacementRepository(ctx.conn, actor=actor).for_writing(placement_id=placement_id)
    child = await ChildRepository(ctx.conn, actor=actor).get(child_id=found.child_id)
    current = await FollowUpRepository(ctx.conn, actor=actor).obligations(placement_id=placement_id)
    obligation = next(
        (
            o
            for o in current
            if o.code == waiving["code"]
            and o.item == waiving["item"]
            and o.due_on.isoformat() == waiving["due_on"]
            and o.state not in (State.MET, State.WAIVED)
        ),
        None,
    )
    if obligation is None:
        raise NotFound("Det finns ingen sådan skyldighet att efterge för placeringen")
    return ctx.render(
        "waive.html",
        status=422 if form.failed else 200,
        placement=found,
        child=child,
        obligation=obligation,
        form=form,
        confirm=confirm,
        restored=restored,
    )


def _waiving(values: Any) -> dict[str, str]:
    return {"code": values.get("kod", ""), "item": values.get("punkt", ""), "due_on": values.get("datum", "")}


@page(WAIVERS)
async def waive_form(ctx: PageContext) -> web.StreamResponse:
    """Efterge: first the reason (one question on its own page)."""
    restored = await drafts.restore(ctx)
    if restored is not None and restored.values is not None:
        values = restored.values
        return await _waive_page(ctx, _waiving(values), FormState(values), confirm=False, restored=restored)
    return await _waive_page(ctx, _waiving(ctx.request.query), FormState(), confirm=False, restored=restored)


@page(WAIVERS)
async def waive(ctx: PageContext) -> web.StreamResponse:
    """Waive one obligation, in two steps: the reason, then a confirmation of what will happen.
    Done by the API's repository (FollowUpRepository.waive): who and why are kept."""
    placement_id = _placement_id(ctx)
    values = await ctx.form()
    waiving = _waiving(values)
    reason = values.get("reason", "").strip()
    errors: dict[str, str] = {}
    if len(reason) < 3:
        errors["reason"] = "Skriv varför skyldigheten efterges (minst tre tecken)"
        return await _waive_page(ctx, waiving, FormState(values, errors), confirm=False)
    if values.get("step") != "confirm":
        return await _waive_page(ctx, waiving, FormState(values), confirm=True)
    waiver = validated(WaiverIn, {**waiving, "reason": reason}, errors, {})
    if waiver is None:
        return await _waive_page(ctx, waiving, FormState(values, errors), confirm=False)
    await FollowUpRepository(ctx.conn, actor=ctx.principal.actor).waive(
        placement_id=placement_id, waiver=waiver
    )
    raise _back(ctx, placement_id, "eftergiven")


@page(UNIT_LEADS)
async def unit(ctx: PageContext) -> web.StreamResponse:
    """Enhetens läge: per social worker, overdue and due soon; what became overdue since a date."""
    actor = ctx.principal.actor
    load = await queries.unit_load(ctx.conn, actor, org_unit=ctx.principal.org_unit)
    errors: dict[str, str] = {}
    raw_since = ctx.request.query.get("sedan", "")
    today = today_in_sweden()
    since = today - dt.timedelta(days=7)
    if raw_since:
        parsed = parse_date({"sedan": raw_since}, "sedan", errors, label="datum")
        if parsed is not None:
            since = parsed
    items = await FollowUpRepository(ctx.conn, actor=actor).watch(
        responsible=None,
        states=[State.DUE_SOON, State.OVERDUE],
        since=dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC),
        limit=200,
    )
    names = await queries.child_names(ctx.conn, actor, {i.child_id for i in items})
    return ctx.render(
        "unit.html",
        status=422 if errors else 200,
        load=load,
        items=items,
        names=names,
        since=raw_since if errors else since.isoformat(),
        errors=errors,
        today=today,
    )
