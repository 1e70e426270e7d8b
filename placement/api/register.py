"""The provider register as the municipality sees it: units as of a date, signals across
municipalities (counts only), and findings from register changes."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from pydantic import BaseModel, Field

from placement.api.routing import Context, EndpointRegistry
from placement.api.state import REGISTER_DATABASE
from placement.core.clock import SWEDEN, today_in_sweden
from placement.errors import NotFound, ServiceUnavailable, UnsupportedMediaType, ValidationFailed
from placement.models import Input, PageQuery
from placement.principal import CHILD_READERS, STAFF_READERS
from placement.repositories.operator_tokens import REGISTER_IMPORT, OperatorToken
from placement.repositories.register_findings import RegisterFindingPage, RegisterFindingRepository
from suppliers.fetch import Fetched
from suppliers.formats import Feed, FileRejected, parse_feed
from suppliers.importer import apply_feed
from suppliers.records import Unit
from suppliers.register import UnitSignals, unit_as_of, unit_signals

routes = EndpointRegistry()
API = "/api/v1"


class AsOfQuery(Input):
    on: dt.date | None = Field(default=None, description="What the register said at the end of this day.")


class UnitView(BaseModel):
    unit: Unit
    snapshot_id: int = Field(description="The register snapshot this comes from; a check run cites it.")
    imported_at: dt.datetime


@routes.route(
    "GET",
    f"{API}/units/{{unit_code}}",
    name="get_unit",
    summary="Enhet och tillstånd enligt registret",
    tag="register",
    query=AsOfQuery,
    response=UnitView,
    roles=STAFF_READERS,
)
async def get_unit(ctx: Context, *, unit_code: str, query: AsOfQuery) -> BaseModel:
    """Today's register entry, or what the register said at the end of the day ``on``."""
    on = query.on or today_in_sweden()
    at = dt.datetime.combine(on + dt.timedelta(days=1), dt.time(), SWEDEN)
    found = await unit_as_of(ctx.conn, unit_code, at)
    if found is None:
        raise NotFound(f"Enheten {unit_code} fanns inte i registret {on.isoformat()}")
    return UnitView(unit=found.unit, snapshot_id=found.snapshot_id, imported_at=found.imported_at)


@routes.route(
    "GET",
    f"{API}/units/{{unit_code}}/signals",
    name="get_unit_signals",
    summary="Beläggning och avbrott på enheten, över alla kommuner",
    tag="register",
    response=UnitSignals,
    roles=STAFF_READERS,
)
async def get_unit_signals(ctx: Context, *, unit_code: str) -> BaseModel:
    """Active placements, moves and unplanned endings in the last 12 months, over all municipalities,
    beside the occupancy the provider reported: counts only."""
    signals = await unit_signals(ctx.conn, unit_code, today_in_sweden())
    if not signals.in_register and signals.active_placements == 0:  # a unit gone with children there is shown
        raise NotFound(f"Enheten {unit_code} finns inte i registret")
    return signals


@routes.route(
    "GET",
    f"{API}/register-findings",
    name="list_register_findings",
    summary="Avvikelser från registerändringar för kommunens placeringar",
    tag="register",
    query=PageQuery,
    response=RegisterFindingPage,
    roles=CHILD_READERS,
)
async def list_register_findings(ctx: Context, *, query: PageQuery) -> BaseModel:
    """Findings (SV01–SV03, SV08, SV09) for placements within your reach, oldest first."""
    return await RegisterFindingRepository(ctx.conn, actor=ctx.actor).page(query=query)


class ImportedChange(BaseModel):
    kind: str
    finding_code: str | None
    summary: str


class ImportSummary(BaseModel):
    feed: str
    snapshot_id: int | None = Field(description="The new snapshot; null when nothing changed.")
    unchanged: bool
    records: int
    changes: list[ImportedChange]
    findings: int = Field(
        description="Findings filed with municipalities that have children at affected units."
    )


_FILE_TYPES = {"application/json": "upload.json", "text/csv": "upload.csv"}


@routes.route(
    "POST",
    f"{API}/register/{{feed}}/imports",
    name="import_register",
    summary="Läs in ett register (IVO eller bolag)",
    tag="register",
    response=ImportSummary,
    tenant=False,
    operator_scope=REGISTER_IMPORT,
    raw_body=tuple(_FILE_TYPES),
)
async def import_register(request: web.Request, *, operator: OperatorToken, feed: str) -> BaseModel:
    """For the operator's integration: the body is the register file itself (CSV or JSON, as for
    ``placement import-ivo`` / ``import-companies``), validated whole and applied as one snapshot.
    Needs an operator token; a municipality's credentials never write the national register."""
    try:
        which = Feed(feed)
    except ValueError:
        raise NotFound(f"Det finns inget register som heter {feed}; använd ivo eller companies") from None
    name = _FILE_TYPES.get(request.content_type)
    if name is None:
        raise UnsupportedMediaType("Skicka filen som text/csv eller application/json")
    database = request.app.get(REGISTER_DATABASE)
    if database is None:
        raise ServiceUnavailable("Registerimport via API är inte påslagen (PLACEMENT_REGISTER_DATABASE_URL)")
    content = await request.read()
    try:
        parsed = parse_feed(which, content, name=name)
    except FileRejected as rejected:
        errors = [
            {"field": f"{e.row}.{e.field}", "message": e.message, "code": "register_row"}
            for e in rejected.errors
        ]
        raise ValidationFailed(f"Filen avvisades: {rejected.total} fel; inget ändrades", errors) from None
    fetched = Fetched(origin=f"api:{operator.name}", content=content)
    async with database.pool.acquire() as conn:
        result = await apply_feed(conn, parsed, fetched, today=today_in_sweden())
    return ImportSummary(
        feed=which.value,
        snapshot_id=result.snapshot_id,
        unchanged=result.unchanged,
        records=result.records,
        changes=[
            ImportedChange(kind=c.kind.value, finding_code=c.finding_code, summary=c.summary)
            for c in result.changes
        ],
        findings=result.findings,
    )
