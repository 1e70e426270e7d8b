"""Jäv: the screening queue for procurement, highest score first, with both people's names and how
they match; confirming or dismissing a match with a reason (the API's review, the same rules)."""

from __future__ import annotations

import uuid

from aiohttp import web

from placement.core.vocabulary import StaffRole
from placement.errors import NotFound
from placement.repositories.integrity import match_queue, review
from placement.web.base import PageContext, page
from placement.web.forms import FormState

QUEUE_READERS = frozenset({StaffRole.UPPHANDLARE, StaffRole.GRANSKARE})
REVIEWERS = frozenset({StaffRole.UPPHANDLARE})
BASIS_WORDS = {
    "personnummer": "Samma personnummer",
    "orgnr": "Samma organisationsnummer",
    "name": "Liknande namn och födelsedatum",
}
ROLE_WORDS = {
    "board_member": "styrelseledamot",
    "owner": "ägare",
    "ceo": "verkställande direktör",
    "signatory": "firmatecknare",
    "manager": "verksamhetschef",
    "foster_parent": "familjehemsförälder",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/jav", queue, name="web_conflicts")
    app.router.add_get("/jav/{match_id}", match_form, name="web_conflict")
    app.router.add_post("/jav/{match_id}", record, name="web_conflict_review")


@page(QUEUE_READERS)
async def queue(ctx: PageContext) -> web.StreamResponse:
    """Open matches, highest score first; the reviewed ones below with their reasons."""
    rows = await match_queue(ctx.conn, ctx.principal.municipality_id)
    open_rows = [r for r in rows if r["status"] == "open"]
    done = [r for r in rows if r["status"] != "open"]
    return ctx.render(
        "conflicts.html",
        open_rows=open_rows,
        done=done,
        basis=BASIS_WORDS,
        roles=ROLE_WORDS,
        may_review=bool(ctx.principal.roles & REVIEWERS),
        done_word=ctx.request.query.get("klart"),
    )


async def _match(ctx: PageContext) -> object:
    try:
        match_id = uuid.UUID(ctx.request.match_info["match_id"])
    except ValueError:
        raise NotFound("Träffen finns inte") from None
    rows = await match_queue(ctx.conn, ctx.principal.municipality_id, match_id)
    if not rows:
        raise NotFound("Träffen finns inte")
    return rows[0]


@page(REVIEWERS)
async def match_form(ctx: PageContext) -> web.StreamResponse:
    row = await _match(ctx)
    return ctx.render("conflict_form.html", m=row, form=FormState(), basis=BASIS_WORDS, roles=ROLE_WORDS)


@page(REVIEWERS)
async def record(ctx: PageContext) -> web.StreamResponse:
    """Confirm (a link: SV06 flags it) or dismiss (not raised again until the data changes), with a
    reason that is kept with the reviewer's name."""
    row = await _match(ctx)
    posted = await ctx.form()
    form = FormState(values=posted)
    if posted.get("decision") not in ("confirm", "dismiss"):
        form.errors["decision"] = "Välj om träffen är ett jäv eller inte"
    reason = posted.get("reason", "").strip()
    if len(reason) < 3:
        form.errors["reason"] = "Skriv skälet till bedömningen"
    elif len(reason) > 2000:
        form.errors["reason"] = "Skälet får vara högst 2 000 tecken"
    if form.failed:
        return ctx.render(
            "conflict_form.html", status=422, m=row, form=form, basis=BASIS_WORDS, roles=ROLE_WORDS
        )
    await review(
        ctx.conn,
        ctx.principal.municipality_id,
        row["id"],  # type: ignore[index]
        confirm=posted["decision"] == "confirm",
        reason=reason,
        reviewer=ctx.principal.staff_id,
    )
    word = "bekraftad" if posted["decision"] == "confirm" else "avfardad"
    raise web.HTTPSeeOther(ctx.request.app.router["web_conflicts"].url_for().with_query(klart=word))
