"""Enhet: a unit as the register describes it (today, or on a date), its history, the IVO
interventions, the signals across municipalities (counts only) and the municipality's contracts
with its provider. National register data and the municipality's own contracts: no child's data."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from placement.core.clock import SWEDEN, today_in_sweden
from placement.core.supplier_vocabulary import Need, OperationKind
from placement.core.vocabulary import PlacementForm, Sex
from placement.errors import NotFound
from placement.principal import STAFF_READERS
from placement.repositories import placement_support
from placement.repositories.contracts import ContractQuery, ContractRepository
from placement.repositories.integrity import policy_value
from placement.web import filters
from placement.web.base import PageContext, page
from placement.web.check_pages import CHECKERS
from placement.web.forms import FormState, parse_date
from suppliers.register import unit_view


def add_routes(app: web.Application) -> None:
    app.router.add_get("/enheter/{unit_code}", unit_page, name="web_register_unit")
    app.router.add_get("/hitta-hem", find_home, name="web_find_home")


@page(STAFF_READERS)
async def unit_page(ctx: PageContext) -> web.StreamResponse:
    """Enhet: what the register says (``?datum=``: said at the end of that day)."""
    code = ctx.request.match_info["unit_code"]
    today = today_in_sweden()
    errors: dict[str, str] = {}
    raw = ctx.request.query.get("datum", "").strip()
    on = today
    if raw:
        parsed = parse_date({"datum": raw}, "datum", errors, label="datum")
        if parsed is not None and parsed > today:
            errors["datum"] = "Välj ett datum i dag eller tidigare"
        elif parsed is not None:
            on = parsed
    at = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), SWEDEN)
    view = await unit_view(ctx.conn, code, at, today)
    history = await placement_support.unit_history(ctx.conn, code)
    if view.unit is None and not history:
        raise NotFound(f"Enheten {code} finns inte i IVO-registret")
    contracts = []
    provider_orgnr = view.unit.unit.provider_orgnr if view.unit else None
    if provider_orgnr:
        contracts = (
            await ContractRepository(ctx.conn, municipality_id=ctx.principal.municipality_id).list_page(
                query=ContractQuery(provider_orgnr=provider_orgnr, limit=200)
            )
        ).items
    return ctx.render(
        "register_unit.html",
        status=422 if errors else 200,
        code=code,
        view=view,
        history=history,
        contracts=contracts,
        on=on,
        raw_date=raw if errors else ("" if on == today else on.isoformat()),
        errors=errors,
        today=today,
        checker=ctx.principal.may(CHECKERS),
    )


# Placement forms and the register's kinds of operation that may take them.
FORM_KINDS = {
    PlacementForm.HVB: OperationKind.HVB_CHILDREN,
    PlacementForm.STODBOENDE: OperationKind.STODBOENDE,
    PlacementForm.LSS_BOENDE: OperationKind.LSS_CHILDREN,
    PlacementForm.SIS: OperationKind.SIS,
}
FOSTER_FORMS = (PlacementForm.FAMILJEHEM, PlacementForm.JOURHEM)
SEXES = [("", "Alla"), (Sex.FEMALE.value, "Flicka"), (Sex.MALE.value, "Pojke")]


@page(CHECKERS)
async def find_home(ctx: PageContext) -> web.StreamResponse:
    """Hitta hem: the register's units that may take this child (form, age on the start date,
    sex, needs, free places, municipality), with permit state and signals; and the municipality's
    foster homes with their investigation and register extracts. Each with a way to check it."""
    query = ctx.request.query
    today = today_in_sweden()
    values = {k: v for k, v in query.items() if k != "behov"}
    needs = [n for n in query.getall("behov", []) if n in {x.value for x in Need}]
    errors: dict[str, str] = {}
    searched = bool(query)
    form = next((f for f in PlacementForm if f.value == query.get("form")), None)
    start = today
    if query.get("start"):
        start = parse_date(values, "start", errors, label="startdatum") or today
    age: int | None = None
    if query.get("fodd"):
        born = parse_date(values, "fodd", errors, label="barnets födelsedatum")
        if born is not None and born > start:
            errors["fodd"] = "Födelsedatumet ligger efter startdatumet"
        elif born is not None:
            age = filters.age(born, start)
    kommun = query.get("kommun", "").strip() or None
    if kommun is not None and not (len(kommun) == 4 and kommun.isdigit()):
        errors["kommun"] = "Ange kommunkoden med fyra siffror, till exempel 0180"
    sex = query.get("kon") if query.get("kon") in {s.value for s in Sex} else None
    units: list[placement_support.UnitHit] = []
    homes: list[placement_support.FosterHomeRow] = []
    free_only = query.get("lediga") == "ja"
    if searched and not errors:
        if form not in FOSTER_FORMS:
            units = await placement_support.find_units(
                ctx.conn,
                operation_kind=FORM_KINDS[form].value if form in FORM_KINDS else None,
                age=age,
                sex=sex,
                needs=needs,
                kommunkod=kommun,
                valid_only=query.get("alla_tillstand") != "ja",
                on=today,
            )
            if free_only:
                units = [u for u in units if u.free is None or u.free > 0]
        if form is None or form in FOSTER_FORMS:
            homes = await placement_support.foster_homes(
                ctx.conn, ctx.principal.actor, kind=form.value if form else None, on=today
            )
    policy = await policy_value(ctx.conn, ctx.principal.municipality_id, "checks")
    max_age_months = int(policy.get("register_check_max_age_months", 12))
    return ctx.render(
        "find_home.html",
        status=422 if errors else 200,
        form=FormState({**values, "behov": ",".join(needs)}, errors),
        searched=searched and not errors,
        units=units,
        homes=homes,
        forms=[(f.value, filters.term(f)) for f in PlacementForm],
        sexes=SEXES,
        needs=[(n.value, filters.term(n)) for n in Need],
        chosen_form=form.value if form else "",
        age=age,
        start=start,
        today=today,
        stale_before=_months_before(today, max_age_months),
        max_age_months=max_age_months,
        total=len(units),
        limit=placement_support.UNIT_HITS,
    )


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))
