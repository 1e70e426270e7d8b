"""A person's reminders: their choice (weekly, daily, off) and their calendar feed.

The calendar feed is an iCalendar file (icalendar) at a personal secret address that calendar
programs fetch without signing in: the secret is shown once, only its hash is stored, a new one
replaces the old, and the person can revoke it. Its events are the due dates of the obligations
towards the person's caseload, titled by the obligation only: no child's name or personnummer.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
import uuid

import icalendar
from aiohttp import web
from pydantic import BaseModel, Field

from followup.reminders import Frequency
from placement import audit
from placement.api.routing import Context, EndpointRegistry
from placement.api.state import DATABASE, SETTINGS
from placement.audit import Access, Actor, AuditAction
from placement.core.clock import today_in_sweden
from placement.database.pool import Connection
from placement.errors import Forbidden, NotFound
from placement.models import Input
from placement.principal import STAFF_READERS
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.reminders import ReminderRepository

routes = EndpointRegistry()
API = "/api/v1"
CALENDAR_PATH = "/calendar/{secret}.ics"
_SECRET = re.compile(r"^kal_(\d{4})_([A-Za-z0-9_-]{43})$")


class ReminderChoice(BaseModel):
    frequency: Frequency = Field(description="weekly, daily or off: how often reminders are mailed.")
    calendar_feed: bool = Field(description="Whether a calendar feed address is in force.")


class ReminderChoiceIn(Input):
    frequency: Frequency


class CalendarFeed(BaseModel):
    url: str = Field(description="The personal address of the feed; shown only now. Keep it secret.")


def _staff_id(ctx: Context) -> uuid.UUID:
    if ctx.principal.staff_id is None:
        raise Forbidden("Påminnelser gäller en medarbetare; den här inloggningen är inte kopplad till någon")
    return ctx.principal.staff_id


def secret_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


@routes.route(
    "GET",
    f"{API}/me/reminders",
    name="get_reminder_choice",
    summary="Mina påminnelser",
    tag="påminnelser",
    response=ReminderChoice,
    roles=STAFF_READERS,
)
async def get_reminder_choice(ctx: Context) -> BaseModel:
    """How often the signed-in person is reminded by mail, and whether their calendar feed is on."""
    staff_id = _staff_id(ctx)
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    return ReminderChoice(
        frequency=await repo.frequency(staff_id=staff_id),
        calendar_feed=await repo.has_calendar(staff_id=staff_id),
    )


@routes.route(
    "PUT",
    f"{API}/me/reminders",
    name="set_reminder_choice",
    summary="Välj hur ofta jag påminns",
    tag="påminnelser",
    body=ReminderChoiceIn,
    response=ReminderChoice,
    roles=STAFF_READERS,
)
async def set_reminder_choice(ctx: Context, *, body: ReminderChoiceIn) -> BaseModel:
    """Weekly (the default), daily, or off."""
    staff_id = _staff_id(ctx)
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    await repo.set_frequency(staff_id=staff_id, frequency=body.frequency)
    return ReminderChoice(frequency=body.frequency, calendar_feed=await repo.has_calendar(staff_id=staff_id))


@routes.route(
    "POST",
    f"{API}/me/calendar",
    name="create_calendar_feed",
    summary="Skapa en ny adress till min kalender",
    tag="påminnelser",
    response=CalendarFeed,
    status=201,
    roles=STAFF_READERS,
)
async def create_calendar_feed(ctx: Context) -> BaseModel:
    """A new secret address for the person's calendar feed; the previous one stops working."""
    return CalendarFeed(
        url=await new_calendar_address(ctx.request, ctx.conn, ctx.principal.municipality_id, _staff_id(ctx))
    )


async def new_calendar_address(
    request: web.Request, conn: Connection, municipality_id: uuid.UUID, staff_id: uuid.UUID
) -> str:
    """A new secret address of the person's calendar feed (its hash stored, the old one void)."""
    repo = ReminderRepository(conn, municipality_id=municipality_id)
    secret = f"kal_{await repo.kommunkod()}_{secrets.token_urlsafe(32)}"
    await repo.set_calendar_secret(staff_id=staff_id, secret_hash=secret_hash(secret))
    return _origin(request) + CALENDAR_PATH.format(secret=secret)


@routes.route(
    "DELETE",
    f"{API}/me/calendar",
    name="revoke_calendar_feed",
    summary="Stäng adressen till min kalender",
    tag="påminnelser",
    status=204,
    roles=STAFF_READERS,
)
async def revoke_calendar_feed(ctx: Context) -> None:
    """The feed's address stops working at once."""
    staff_id = _staff_id(ctx)
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    await repo.set_calendar_secret(staff_id=staff_id, secret_hash=None)


def _origin(request: web.Request) -> str:
    """Where people reach the service: ``public_url`` behind a proxy, else as this request came."""
    public = request.app[SETTINGS].public_url
    if public is not None:
        return str(public).rstrip("/")
    return str(request.url.origin())


_NOT_FOUND = "Kalendern finns inte, eller så har adressen stängts"


async def calendar_feed(request: web.Request) -> web.StreamResponse:
    """The feed itself, opened by its secret address (no other sign-in). Showing it is a read of
    the children's obligations, in the audit log as ``calendar:<staff id>``."""
    match = _SECRET.match(request.match_info["secret"])
    if match is None:
        raise NotFound(_NOT_FOUND)
    database = request.app[DATABASE]
    async with database.transaction() as conn:
        municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=match[1])
    if municipality is None:
        raise NotFound(_NOT_FOUND)
    today = today_in_sweden()
    async with database.transaction(municipality.id) as conn:
        repo = ReminderRepository(conn, municipality_id=municipality.id)
        staff_id = await repo.staff_by_calendar_secret(secret_hash=secret_hash(match[0]))
        if staff_id is None:
            raise NotFound(_NOT_FOUND)
        due = await repo.due_dates(staff_id=staff_id, today=today)
        placements = dict.fromkeys((d.placement_id, d.child_id) for d in due)
        await audit.record(
            conn,
            Actor(municipality.id, f"calendar:{staff_id}"),
            AuditAction.READ,
            [Access("obligation_state", p, c) for p, c in placements],
        )
    base = _origin(request)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Placeringskontroll//påminnelser//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Uppföljning av placerade barn")
    stamp = dt.datetime.now(dt.UTC)
    for d in due:
        event = icalendar.Event()
        # Stable per obligation and due date, so a calendar updates an event rather than adding one;
        # base32 of a hash, so no id in it can read as a run of digits (a personnummer's shape).
        key = f"{d.placement_id} {d.code} {d.item} {d.due_on}".encode()
        uid = base64.b32encode(hashlib.sha256(key).digest()[:20]).decode().lower()
        event.add("uid", f"{uid}@placeringskontroll")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.due_on)
        event.add("dtend", d.due_on + dt.timedelta(days=1))
        late = " (försenad)" if d.state == "overdue" else ""
        event.add("summary", f"{d.code} {d.title}{late}")
        event.add("description", f"Se vilket barn det gäller i Placeringskontroll: {base}/mina-barn")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return web.Response(
        body=cal.to_ical(),
        headers={"Content-Type": "text/calendar; charset=utf-8"},
    )
