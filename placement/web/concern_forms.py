"""The forms of reports of concern: register a report (the child found by personnummer) and each
step after it. Each form is validated by the API's own models (placement/repositories/concerns.py)
and written by the same repository, so the same rules, reach and audit rows hold; errors come back
one Swedish message per field, the person's values kept.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter, ValidationError

from placement.core.clock import SWEDEN, today_in_sweden
from placement.core.concern_vocabulary import (
    InvestigationOutcome,
    PreliminaryOutcome,
    ReporterKind,
    ReportKind,
    TransferAnswer,
    label,
)
from placement.core.identifiers import Personnummer
from placement.core.validation_messages import field_errors
from placement.errors import Conflict, NotFound, ValidationFailed
from placement.principal import CHILD_WRITERS
from placement.repositories.concerns import STEPS, ConcernIn, ConcernRepository
from placement.web.base import PageContext, page
from placement.web.concerns import STEP_WORDS
from placement.web.forms import FormState, validated


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, time, textarea, radio
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True


def _options(*values: Any) -> tuple[tuple[str, str], ...]:
    return tuple((v.value, label(v).capitalize()) for v in values)


DATE_HINT = "Skriv som ÅÅÅÅ-MM-DD"
DECISION_NOTE = "Beslutet registreras som fattat av dig; delegationsordningen avgör om du är behörig."
STEP_FORMS: dict[str, tuple[str, tuple[Field, ...]]] = {
    "protection": (
        "Registrera skyddsbedömningen",
        (
            Field("made_on", "Datum för bedömningen", "date", DATE_HINT),
            Field("made_time", "Klockslag", "time", "Skriv som TT:MM, till exempel 14:30"),
            Field("made_by_name", "Vem gjorde bedömningen (namn)"),
            Field("made_by_role", "Befattning", hint="Till exempel socialsekreterare"),
            Field("circumstances", "Faktiska omständigheter som bedömningen bygger på", "textarea"),
            Field("conclusion", "Ställningstagande", "textarea"),
        ),
    ),
    "preliminary": (
        "Registrera förhandsbedömningens beslut",
        (
            Field("decided_on", "Beslutsdatum", "date", DATE_HINT),
            Field("outcome", "Beslut", "radio", options=_options(*PreliminaryOutcome)),
            Field("prior_knowledge", "Tidigare kännedom och hur den har beaktats", "textarea"),
            Field("child_view", "Barnets inställning", "textarea", required=False),
            Field(
                "child_view_missing_reason",
                "Om barnets inställning inte har inhämtats: varför",
                "textarea",
                required=False,
            ),
        ),
    ),
    "preliminary_extension": (
        "Förläng förhandsbedömningen",
        (
            Field("decided_on", "Beslutsdatum", "date", DATE_HINT),
            Field("until", "Förlängd till", "date", DATE_HINT),
            Field("reason", "Synnerliga skäl", "textarea"),
        ),
    ),
    "investigation_start": (
        "Registrera att utredningen har inletts",
        (
            Field("started_on", "Datum då utredningen inleddes", "date", DATE_HINT),
            Field("org_unit", "Utredningsenhet som tar över", required=False),
        ),
    ),
    "investigation_progress": (
        "Registrera steg i utredningen",
        (
            Field("concerned_told_on", "De berörda underrättade", "date", DATE_HINT, required=False),
            Field(
                "family_invited_on",
                "Familjen inbjuden att planera utredningen",
                "date",
                DATE_HINT,
                required=False,
            ),
            Field("child_heard_on", "Barnet har kommit till tals", "date", DATE_HINT, required=False),
            Field("child_not_heard_reason", "Om barnet inte har hörts: varför", "textarea", required=False),
            Field("communicated_on", "Kommunicering", "date", DATE_HINT, required=False),
        ),
    ),
    "investigation_extension": (
        "Förläng utredningstiden",
        (
            Field("decided_on", "Beslutsdatum", "date", DATE_HINT),
            Field("until", "Förlängd till", "date", DATE_HINT),
            Field("reason", "Särskilda skäl", "textarea"),
        ),
    ),
    "investigation_end": (
        "Avsluta utredningen med beslut",
        (
            Field("ended_on", "Beslutsdatum", "date", DATE_HINT),
            Field("outcome", "Beslut", "radio", options=_options(*InvestigationOutcome)),
            Field("outcome_reason", "Nämndens bedömning och skäl", "textarea"),
        ),
    ),
    "moved": (
        "Registrera att barnet har flyttat",
        (
            Field("moved_on", "Flyttdatum", "date", DATE_HINT),
            Field("to_kommunkod", "Ny vistelsekommun (kommunkod)", hint="Fyra siffror", required=False),
        ),
    ),
    "transfer": (
        "Begäran om överflyttning",
        (
            Field("requested_on", "Begäran skickad", "date", DATE_HINT),
            Field("to_kommunkod", "Till kommun (kommunkod)", hint="Fyra siffror"),
            Field("answered_on", "Svar mottaget", "date", DATE_HINT, required=False),
            Field("answer", "Svar", "radio", options=_options(*TransferAnswer), required=False),
            Field("ivo_applied_on", "Ansökan till IVO", "date", DATE_HINT, required=False),
        ),
    ),
    "feedback": ("Registrera återkoppling till anmälaren", (Field("given_on", "Datum", "date", DATE_HINT),)),
    "risk_assessment": (
        "Registrera bedömning av risk för ytterligare våld",
        (Field("assessed_on", "Datum", "date", DATE_HINT), Field("summary", "Bedömning", "textarea")),
    ),
    "police_report": (
        "Registrera ställningstagande till polisanmälan",
        (
            Field("decided_on", "Datum", "date", DATE_HINT),
            Field("reported", "Polisanmälan gjord", "radio", options=(("ja", "Ja"), ("nej", "Nej"))),
            Field("reason", "Skäl", "textarea"),
        ),
    ),
}
REPORT_FIELDS = (
    Field("personnummer", "Barnets personnummer", hint="ÅÅÅÅMMDD-NNNN"),
    Field("received_on", "Datum då anmälan kom in", "date", DATE_HINT),
    Field("received_time", "Klockslag", "time", "Skriv som TT:MM"),
    Field("kind", "Slag", "radio", options=_options(*ReportKind)),
    Field("reporter_kind", "Anmälare", "radio", options=_options(*ReporterKind)),
    Field(
        "feedback_requested",
        "Vill anmälaren ha återkoppling?",
        "radio",
        options=(("ja", "Ja"), ("nej", "Nej")),
    ),
    Field("reason", "Anledning till anmälan", "textarea"),
    Field("concerns_violence", "Gäller anmälan våld?", "radio", options=(("ja", "Ja"), ("nej", "Nej"))),
    Field(
        "concerns_crime",
        "Gäller den misstänkt brott mot barnet?",
        "radio",
        options=(("ja", "Ja"), ("nej", "Nej")),
    ),
    Field("org_unit", "Enhet", hint="Till exempel Mottagningen", required=False),
)
DECISIONS = frozenset(kind for kind, (_, decision, _) in STEPS.items() if decision is not None)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/anmalningar-ny", report_form, name="web_concern_new")
    app.router.add_post("/anmalningar-ny", register_report, name="web_concern_register")
    app.router.add_get("/anmalningar/{concern_id}/{step}", step_form, name="web_concern_step")
    app.router.add_post("/anmalningar/{concern_id}/{step}", record_step, name="web_concern_record")


def _moment(day: str, time: str, errors: dict[str, str], day_field: str, time_field: str) -> str | None:
    try:
        on = dt.date.fromisoformat(day.strip())
    except ValueError:
        errors[day_field] = "Ange datum som ÅÅÅÅ-MM-DD, till exempel 2026-11-29"
        return None
    try:
        at = dt.time.fromisoformat(time.strip())
    except ValueError:
        errors[time_field] = "Ange klockslag som TT:MM, till exempel 14:30"
        return None
    return dt.datetime.combine(on, at, tzinfo=SWEDEN).isoformat()


def _data(fields: tuple[Field, ...], values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """The form's values as the model's input: empty optional fields left out, yes/no as booleans;
    a required field left empty is an error of its own."""
    data: dict[str, Any] = {}
    for f in fields:
        raw = values.get(f.name, "").strip()
        if not raw:
            if f.required:
                errors[f.name] = (
                    f"Ange {f.label[0].lower()}{f.label[1:]}"
                    if f.kind != "radio"
                    else f"Välj: {f.label.lower()}"
                )
            continue
        data[f.name] = (
            {"ja": True, "nej": False}.get(raw, raw) if f.options == (("ja", "Ja"), ("nej", "Nej")) else raw
        )
    return data


def _errors_from(
    error: ValidationFailed | Conflict, fields: tuple[Field, ...], errors: dict[str, str]
) -> None:
    first = fields[0].name
    names = {f.name for f in fields}
    if isinstance(error, Conflict):
        errors[first] = error.detail
        return
    for problem in error.errors:
        name = problem["field"].removeprefix("body.").split(".")[0]
        errors.setdefault(name if name in names else first, problem["message"])


def _concern_id(ctx: PageContext) -> uuid.UUID:
    try:
        return uuid.UUID(ctx.request.match_info["concern_id"])
    except ValueError:
        raise NotFound("Anmälan finns inte") from None


def _step(ctx: PageContext) -> str:
    step = ctx.request.match_info["step"]
    if step not in STEP_FORMS:
        raise NotFound("Det finns inget sådant steg att registrera")
    return step


async def _step_page(ctx: PageContext, concern_id: uuid.UUID, step: str, form: FormState) -> web.Response:
    found = await ConcernRepository(ctx.conn, actor=ctx.principal.actor).get(concern_id=concern_id)
    heading, fields = STEP_FORMS[step]
    return ctx.render(
        "concern_form.html",
        status=422 if form.failed else 200,
        heading=heading,
        fields=fields,
        form=form,
        action=ctx.request.app.router["web_concern_record"].url_for(concern_id=str(concern_id), step=step),
        back=ctx.request.app.router["web_concern"].url_for(concern_id=str(concern_id)),
        back_text="Tillbaka till anmälan",
        intro=f"Anmälan som kom in {found.received_on.isoformat()}. "
        + (DECISION_NOTE if step in DECISIONS else ""),
        button=heading,
        today=today_in_sweden(),
    )


@page(CHILD_WRITERS)
async def step_form(ctx: PageContext) -> web.StreamResponse:
    return await _step_page(ctx, _concern_id(ctx), _step(ctx), FormState())


@page(CHILD_WRITERS)
async def record_step(ctx: PageContext) -> web.StreamResponse:
    """One step, as the API records it; back to the report, or the form again with its errors."""
    concern_id, step = _concern_id(ctx), _step(ctx)
    values = await ctx.form()
    errors: dict[str, str] = {}
    _, fields = STEP_FORMS[step]
    data = _data(fields, values, errors)
    if step == "protection":
        data.pop("made_on", None)
        data.pop("made_time", None)
        if "made_on" not in errors and "made_time" not in errors:
            data["made_at"] = _moment(values["made_on"], values["made_time"], errors, "made_on", "made_time")
    if step in DECISIONS:
        if ctx.principal.staff_id is None:
            errors[fields[0].name] = (
                "Ditt konto är inte kopplat till någon medarbetare; "
                "be administratören lägga in din e-postadress"
            )
        data["decided_by"] = str(ctx.principal.staff_id)
    model = STEPS[step][0]
    names = {f.name: f.name for f in fields} | {
        "made_at": "made_on",
        "body": fields[0].name,
        "decided_by": fields[0].name,
    }
    checked = validated(model, data, errors, names)
    if checked is None or errors:
        return await _step_page(ctx, concern_id, step, FormState(values, errors))
    try:
        await ConcernRepository(ctx.conn, actor=ctx.principal.actor).record_step(
            concern_id=concern_id, kind=step, step=checked
        )
    except (ValidationFailed, Conflict) as error:
        _errors_from(error, fields, errors)
        return await _step_page(ctx, concern_id, step, FormState(values, errors))
    url = ctx.request.app.router["web_concern"].url_for(concern_id=str(concern_id))
    raise web.HTTPSeeOther(url.with_query({"registrerat": step}))


def _report_page(ctx: PageContext, form: FormState) -> web.Response:
    return ctx.render(
        "concern_form.html",
        status=422 if form.failed else 200,
        heading="Registrera en anmälan",
        fields=REPORT_FIELDS,
        form=form,
        action=ctx.request.app.router["web_concern_register"].url_for(),
        back=ctx.request.app.router["web_concerns"].url_for(),
        back_text="Tillbaka till Anmälningar",
        intro="En anmälan om oro för ett barn, eller information som har kommit in på annat sätt.",
        button="Registrera anmälan",
        today=today_in_sweden(),
    )


@page(CHILD_WRITERS)
async def report_form(ctx: PageContext) -> web.StreamResponse:
    return _report_page(ctx, FormState())


_PERSONNUMMER: TypeAdapter[str] = TypeAdapter(Personnummer)


@page(CHILD_WRITERS)
async def register_report(ctx: PageContext) -> web.StreamResponse:
    """The child is found by personnummer within the person's reach (a lookup in the audit log);
    the report is registered as the API does it."""
    values = await ctx.form()
    errors: dict[str, str] = {}
    data = _data(REPORT_FIELDS, values, errors)
    for name in ("received_on", "received_time", "personnummer"):
        data.pop(name, None)
    if "received_on" not in errors and "received_time" not in errors:
        data["received_at"] = _moment(
            values["received_on"], values["received_time"], errors, "received_on", "received_time"
        )
    child_id = None
    if "personnummer" not in errors:
        try:
            personnummer = _PERSONNUMMER.validate_python(values["personnummer"])
        except ValidationError as error:
            errors["personnummer"] = field_errors(error, "personnummer")[0]["message"]
        else:
            child_id = await ConcernRepository(ctx.conn, actor=ctx.principal.actor).child_by_personnummer(
                personnummer=personnummer
            )
            if child_id is None:
                errors["personnummer"] = "Inget barn med det personnumret finns inom din behörighet"
    data["child_id"] = str(child_id) if child_id else None
    names = {f.name: f.name for f in REPORT_FIELDS} | {
        "received_at": "received_on",
        "child_id": "personnummer",
        "body": "received_on",
    }
    concern = validated(ConcernIn, data, errors, names)
    if concern is None or errors:
        return _report_page(ctx, FormState(values, errors))
    created = await ConcernRepository(ctx.conn, actor=ctx.principal.actor).create(concern=concern)
    raise web.HTTPSeeOther(ctx.request.app.router["web_concern"].url_for(concern_id=str(created.id)))


__all__ = ["STEP_WORDS", "add_routes"]
