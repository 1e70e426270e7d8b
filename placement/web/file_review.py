"""Aktgranskning (EK12): a granskare draws a stratified sample of case files from a stored seed,
opens each file's review form and records what the sampling routine checks; the results are
EK12's report. Each child shown is an audited read; each review one write."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from aiohttp import web

from checks.egenkontroll import CHECKS, draw
from placement import audit
from placement.audit import Access, AuditAction
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import StaffRole
from placement.errors import NotFound
from placement.repositories.egenkontroll import EgenkontrollRepository
from placement.repositories.file_review import FileReviewRepository
from placement.web.base import PageContext, page
from placement.web.forms import FormState

REVIEWERS = frozenset({StaffRole.GRANSKARE})
DEFAULT_PER_UNIT = 20


def add_routes(app: web.Application) -> None:
    app.router.add_get("/rapporter/aktgranskning", samples, name="web_samples")
    app.router.add_post("/rapporter/aktgranskning", draw_sample, name="web_draw_sample")
    app.router.add_get("/rapporter/aktgranskning/{sample_id}", sample, name="web_sample")
    app.router.add_get(
        "/rapporter/aktgranskning/{sample_id}/{placement_id}", review_form, name="web_review_form"
    )
    app.router.add_post(
        "/rapporter/aktgranskning/{sample_id}/{placement_id}", record_review, name="web_review"
    )


def _id(ctx: PageContext, key: str) -> uuid.UUID:
    try:
        return uuid.UUID(ctx.request.match_info[key])
    except ValueError:
        raise NotFound("Urvalet eller akten finns inte") from None


async def _samples_page(ctx: PageContext, form: FormState, status: int = 200) -> web.Response:
    rows = await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).samples()
    years = list(range(today_in_sweden().year, 2019, -1))
    return ctx.render("samples.html", samples=rows, form=form, years=years, status=status)


@page(REVIEWERS)
async def samples(ctx: PageContext) -> web.StreamResponse:
    default = {"ar": str(today_in_sweden().year - 1), "per_enhet": str(DEFAULT_PER_UNIT)}
    return await _samples_page(ctx, FormState(values=default))


@page(REVIEWERS)
async def draw_sample(ctx: PageContext) -> web.StreamResponse:
    """Draw a new sample for a year: a fresh seed, stored with the sample, and the files drawn."""
    posted = await ctx.form()
    form = FormState(values=posted)
    year = posted.get("ar", "")
    if not year.isdigit() or not 2000 <= int(year) <= today_in_sweden().year:
        form.errors["ar"] = f"Välj ett år mellan 2000 och {today_in_sweden().year}"
    size = posted.get("per_enhet", "")
    if not size.isdigit() or not 1 <= int(size) <= 500:
        form.errors["per_enhet"] = "Ange antal akter per enhet som ett heltal mellan 1 och 500"
    if form.failed:
        return await _samples_page(ctx, form, status=422)
    start, end = dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    seed = secrets.randbits(62)
    files = await EgenkontrollRepository(ctx.conn, ctx.principal.municipality_id).case_files(start, end)
    drawn = draw(files, int(size), seed, end)
    sample_id = await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).create(
        start=start, end=end, per_unit=int(size), seed=seed, drawn_by=ctx.session.display_name, drawn=drawn
    )
    raise web.HTTPSeeOther(ctx.request.app.router["web_sample"].url_for(sample_id=str(sample_id)))


async def _sample_row(ctx: PageContext, sample_id: uuid.UUID) -> Any:
    row = await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).sample(sample_id)
    if row is None:
        raise NotFound("Urvalet finns inte")
    return row


@page(REVIEWERS)
async def sample(ctx: PageContext) -> web.StreamResponse:
    """The sample's files, each with its child (an audited read), and the review's results so far."""
    sample_id = _id(ctx, "sample_id")
    drawn = await _sample_row(ctx, sample_id)
    files = await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).files(sample_id)
    await audit.record(
        ctx.conn,
        ctx.principal.actor,
        AuditAction.READ,
        [Access("placement", f["placement_id"], f["child_id"]) for f in files],
    )
    reviewed = [f for f in files if f["reviewed_at"] is not None]
    results = [(words, sum(1 for f in reviewed if f[key]), len(reviewed)) for key, words in CHECKS.items()]
    clean = sum(1 for f in reviewed if all(f[key] for key in CHECKS))
    return ctx.render(
        "sample.html", drawn=drawn, files=files, results=results, reviewed=len(reviewed), clean=clean
    )


def _review_context(drawn: Any, file: Any, form: FormState) -> dict[str, Any]:
    return {"drawn": drawn, "file": file, "form": form, "checks": CHECKS}


async def _file(ctx: PageContext, sample_id: uuid.UUID, placement_id: uuid.UUID) -> Any:
    file = await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).file(sample_id, placement_id)
    if file is None:
        raise NotFound("Akten finns inte i urvalet")
    await audit.record(
        ctx.conn, ctx.principal.actor, AuditAction.READ, [Access("placement", placement_id, file["child_id"])]
    )
    return file


@page(REVIEWERS)
async def review_form(ctx: PageContext) -> web.StreamResponse:
    sample_id, placement_id = _id(ctx, "sample_id"), _id(ctx, "placement_id")
    drawn = await _sample_row(ctx, sample_id)
    file = await _file(ctx, sample_id, placement_id)
    values = {k: ("ja" if file[k] else "nej") for k in CHECKS if file[k] is not None}
    values["note"] = file["note"] or ""
    return ctx.render("review_form.html", **_review_context(drawn, file, FormState(values=values)))


@page(REVIEWERS)
async def record_review(ctx: PageContext) -> web.StreamResponse:
    """Record what the reviewer found in the file; every question must be answered."""
    sample_id, placement_id = _id(ctx, "sample_id"), _id(ctx, "placement_id")
    drawn = await _sample_row(ctx, sample_id)
    file = await _file(ctx, sample_id, placement_id)
    posted = await ctx.form()
    form = FormState(values=posted)
    for key, words in CHECKS.items():
        if posted.get(key) not in ("ja", "nej"):
            form.errors[key] = f"Svara ja eller nej: {words.lower()}"
    if len(posted.get("note", "")) > 2000:
        form.errors["note"] = "Anteckningen får vara högst 2 000 tecken"
    if form.failed:
        return ctx.render("review_form.html", status=422, **_review_context(drawn, file, form))
    await FileReviewRepository(ctx.conn, ctx.principal.municipality_id).record(
        sample_id,
        placement_id,
        [posted[key] == "ja" for key in CHECKS],
        posted.get("note") or None,
        ctx.session.display_name,
    )
    await audit.record(
        ctx.conn,
        ctx.principal.actor,
        AuditAction.UPDATE,
        [Access("placement", placement_id, file["child_id"])],
    )
    raise web.HTTPSeeOther(ctx.request.app.router["web_sample"].url_for(sample_id=str(sample_id)))
