"""Mina påminnelser: how often the person is reminded by mail, and their calendar feed's address.

The same repository as the API (``/api/v1/me/reminders``, ``/api/v1/me/calendar``); a page for
the person's own settings, no child's data on it."""

from __future__ import annotations

from aiohttp import web

from followup.reminders import Frequency
from placement.api.reminders import new_calendar_address
from placement.core.vocabulary import StaffRole
from placement.repositories.reminders import ReminderRepository
from placement.web.base import PageContext, page
from placement.web.forms import FormState

REMINDED = frozenset({StaffRole.SOCIALSEKRETERARE, StaffRole.TEAMLEDARE, StaffRole.PLACERINGSSTOD})
FREQUENCIES = [
    (Frequency.WEEKLY.value, "En gång i veckan"),
    (Frequency.DAILY.value, "Varje dag"),
    (Frequency.OFF.value, "Inga påminnelser"),
]
NOTICES = {
    "sparad": "Ditt val är sparat.",
    "stangd": "Kalenderadressen är stängd. Kalendrar som hämtar den får inga fler uppdateringar.",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/mina-paminnelser", reminders, name="web_reminders")
    app.router.add_post("/mina-paminnelser", save_frequency, name="web_reminders_save")
    app.router.add_post("/mina-paminnelser/kalender", new_calendar, name="web_calendar_new")
    app.router.add_post("/mina-paminnelser/kalender/stang", close_calendar, name="web_calendar_close")


async def _page(
    ctx: PageContext, form: FormState | None = None, *, address: str | None = None
) -> web.Response:
    staff_id = ctx.principal.staff_id
    if staff_id is None:
        return ctx.render(
            "reminders.html", linked=False, form=FormState(), calendar=False, address=None, notice=None
        )
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    chosen = await repo.frequency(staff_id=staff_id)
    return ctx.render(
        "reminders.html",
        status=422 if form is not None and form.failed else 200,
        linked=True,
        form=form or FormState({"frequency": chosen.value}),
        options=FREQUENCIES,
        calendar=await repo.has_calendar(staff_id=staff_id),
        address=address,
        notice=NOTICES.get(ctx.request.query.get("klart", "")),
    )


@page(REMINDED)
async def reminders(ctx: PageContext) -> web.StreamResponse:
    """The person's choice and calendar address."""
    return await _page(ctx)


def _done(ctx: PageContext, notice: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(ctx.request.app.router["web_reminders"].url_for().with_query(klart=notice))


@page(REMINDED)
async def save_frequency(ctx: PageContext) -> web.StreamResponse:
    values = await ctx.form()
    staff_id = ctx.principal.staff_id
    if staff_id is None:
        return await _page(ctx)
    try:
        frequency = Frequency(values.get("frequency", ""))
    except ValueError:
        return await _page(ctx, FormState(values, {"frequency": "Välj hur ofta du vill bli påmind"}))
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    await repo.set_frequency(staff_id=staff_id, frequency=frequency)
    raise _done(ctx, "sparad")


@page(REMINDED)
async def new_calendar(ctx: PageContext) -> web.StreamResponse:
    """A new address, shown on this answer only (it is not stored, only its hash)."""
    staff_id = ctx.principal.staff_id
    if staff_id is None:
        return await _page(ctx)
    address = await new_calendar_address(ctx.request, ctx.conn, ctx.principal.municipality_id, staff_id)
    return await _page(ctx, address=address)


@page(REMINDED)
async def close_calendar(ctx: PageContext) -> web.StreamResponse:
    staff_id = ctx.principal.staff_id
    if staff_id is None:
        return await _page(ctx)
    repo = ReminderRepository(ctx.conn, municipality_id=ctx.principal.municipality_id)
    await repo.set_calendar_secret(staff_id=staff_id, secret_hash=None)
    raise _done(ctx, "stangd")
