"""Enhet: a unit as the register describes it (today, or on a date), its history, the IVO
interventions, the signals across municipalities (counts only) and the municipality's contracts
with its provider. National register data and the municipality's own contracts: no child's data."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from placement.core.clock import SWEDEN, today_in_sweden
from placement.errors import NotFound
from placement.principal import STAFF_READERS
from placement.repositories.contracts import ContractQuery, ContractRepository
from placement.web import check_queries
from placement.web.base import PageContext, page
from placement.web.check_pages import CHECKERS
from placement.web.forms import parse_date
from suppliers.register import unit_view


def add_routes(app: web.Application) -> None:
    app.router.add_get("/enheter/{unit_code}", unit_page, name="web_register_unit")


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
    history = await check_queries.unit_history(ctx.conn, code)
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
