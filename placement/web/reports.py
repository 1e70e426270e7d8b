"""Rapporter: the egenkontroll reports (EK02 onwards) for a year, one page per code with a chart
and the same figures as tables, the subjects behind a figure one click away (audited), and the
nämndrapport: every code's figures for the year beside the two years before. Each page's tables
are also CSV for Swedish Excel, XLSX and PDF, built from the same :class:`exports.Table`."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from checks.egenkontroll import (
    INDICATORS,
    EnforcementFacts,
    Figures,
    Indicator,
    age_band,
    ek11_enforced_in_time,
)
from checks.egenkontroll._indicator import DIMENSION_LABELS, SEX_LABELS, TOTAL, Cell, Dimension, Row
from placement import audit, egenkontroll, exports
from placement.audit import Access, AuditAction
from placement.core.clock import add_months, today_in_sweden
from placement.core.vocabulary import DecisionKind, Sex, StaffRole, label
from placement.errors import NotFound, ValidationFailed
from placement.exports import Table
from placement.repositories.egenkontroll import EgenkontrollRepository
from placement.web.base import PageContext, page

REPORT_READERS = frozenset({StaffRole.GRANSKARE, StaffRole.TEAMLEDARE})
CODE = "{kod:EK[0-9]{2}}"
YEARS_BACK = 2  # the nämndrapport's trend: the year and the two before it


def add_routes(app: web.Application) -> None:
    app.router.add_get("/rapporter", index, name="web_reports")
    app.router.add_get("/rapporter/namndrapport", board_report, name="web_board_report")
    app.router.add_get("/rapporter/namndrapport.{format:csv|xlsx|pdf}", board_export, name="web_board_export")
    app.router.add_get("/rapporter/ivo-kvartal", quarter, name="web_quarter")
    app.router.add_get("/rapporter/ivo-kvartal.{format:csv|xlsx}", quarter_export, name="web_quarter_export")
    app.router.add_get(f"/rapporter/{CODE}", report, name="web_report")
    app.router.add_get(f"/rapporter/{CODE}.{{format:csv|xlsx|pdf}}", report_export, name="web_report_export")
    app.router.add_get(f"/rapporter/{CODE}/underlag", behind, name="web_report_behind")


def _year(ctx: PageContext) -> int:
    """The year chosen (``ar``); last year by default."""
    given = ctx.request.query.get("ar", "")
    if not given:
        return today_in_sweden().year - 1
    if not given.isdigit() or not 2000 <= int(given) <= today_in_sweden().year:
        raise ValidationFailed.on(
            "query.ar", f"Välj ett år mellan 2000 och {today_in_sweden().year}", "year_out_of_range"
        )
    return int(given)


def _indicator(ctx: PageContext) -> Indicator:
    code = ctx.request.match_info["kod"]
    if code not in INDICATORS:
        raise NotFound(f"Det finns ingen rapport för {code}")
    return INDICATORS[code]


def _period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


async def _figures(ctx: PageContext, code: str, year: int) -> Figures:
    start, end = _period(year)
    return await egenkontroll.figures(ctx.conn, ctx.principal.municipality_id, code, start, end)


def share_words(cell: Cell) -> str:
    """'2 av 3 (66,7 %)': the number behind every share; 'inga räknade' when nothing was counted."""
    if cell.total == 0:
        return "0 av 0 (inga räknade)"
    return f"{cell.met} av {cell.total} ({percent(cell):.1f} %)".replace(".", ",")


def percent(cell: Cell) -> float | None:
    return None if cell.total == 0 else round(100 * cell.met / cell.total, 1)


def _sexes(made: Indicator) -> list[Sex]:
    return list(Sex) if made.split_by_sex else []


def figure_table(made: Indicator, figures: Figures, year: int) -> Table:
    """Every figure of the report, one row per group and sex, with the numbers behind each share."""
    rows: list[tuple[exports.Cell, ...]] = []
    parts: list[tuple[str, list[Row]]] = [("Hela kommunen", [figures.overall])]
    parts += [(DIMENSION_LABELS[d], figures.breakdowns[d]) for d in made.dimensions]
    for part, part_rows in parts:
        for row in part_rows:
            for sex in _sexes(made):
                cell = row.by_sex[sex]
                rows.append((part, row.group, SEX_LABELS[sex], cell.met, cell.total, percent(cell)))
            rows.append((part, row.group, TOTAL, row.total.met, row.total.total, percent(row.total)))
    return Table(
        f"{made.rule.code} {made.rule.title} {year}",
        (
            "Uppdelning",
            "Grupp",
            "Kön",
            made.met_word.capitalize(),
            f"Räknade {made.subject_word}",
            "Andel (%)",
        ),
        tuple(rows),
    )


@dataclass(frozen=True)
class Shown:
    words: str
    href: str | None


def _link(
    ctx: PageContext, made: Indicator, year: int, dimension: Dimension | None, group: str, sex: str
) -> str:
    query = {"ar": str(year), "grupp": group, "kon": sex}
    if dimension is not None:
        query["uppdelning"] = dimension.value
    base = ctx.request.app.router["web_report_behind"].url_for(kod=made.rule.code)
    return f"{base}?{urlencode(query)}"


def _shown_rows(
    ctx: PageContext, made: Indicator, year: int, dimension: Dimension | None, rows: list[Row]
) -> list[tuple[str, list[Shown]]]:
    shown = []
    for row in rows:
        figures = [(row.by_sex[s], s.value) for s in _sexes(made)] + [(row.total, "alla")]
        cells = [
            Shown(share_words(c), _link(ctx, made, year, dimension, row.group, sex) if c.total else None)
            for c, sex in figures
        ]
        shown.append((row.group, cells))
    return shown


def _chart(made: Indicator, figures: Figures) -> str:
    dimension = made.dimensions[0]
    rows = [figures.overall, *figures.breakdowns[dimension]]
    labels = [r.group for r in rows]
    series: dict[str, list[float | None]] = {"Totalt": [percent(r.total) for r in rows]}
    if made.split_by_sex:
        by_sex = {SEX_LABELS[s]: [percent(r.by_sex[s]) for r in rows] for s in (Sex.FEMALE, Sex.MALE)}
        series = by_sex | series
    return exports.bar_chart(labels, series, ylabel=f"Andel {made.met_word} (%)")


async def _report_context(ctx: PageContext, made: Indicator, year: int) -> dict[str, Any]:
    figures = await _figures(ctx, made.rule.code, year)
    sections = [("Hela kommunen", _shown_rows(ctx, made, year, None, [figures.overall]))]
    sections += [
        (DIMENSION_LABELS[d], _shown_rows(ctx, made, year, d, figures.breakdowns[d])) for d in made.dimensions
    ]
    return {
        "made": made,
        "year": year,
        "years": list(range(today_in_sweden().year, 2019, -1)),
        "sections": sections,
        "sex_headers": [SEX_LABELS[s] for s in _sexes(made)],
        "chart": _chart(made, figures),
        "chart_words": (
            f"Stapeldiagram: andel {made.subject_word} {made.met_word} per "
            f"{DIMENSION_LABELS[made.dimensions[0]].lower()} {year}. Samma siffror finns i tabellerna."
        ),
        "legal": made.rule.legal.current,
        "table": figure_table(made, figures, year),
    }


@page(REPORT_READERS)
async def index(ctx: PageContext) -> web.StreamResponse:
    """The reports, by code, and the nämndrapport."""
    year = _year(ctx)
    return ctx.render("reports.html", indicators=[INDICATORS[c] for c in sorted(INDICATORS)], year=year)


@page(REPORT_READERS)
async def report(ctx: PageContext) -> web.StreamResponse:
    made = _indicator(ctx)
    return ctx.render("report.html", **await _report_context(ctx, made, _year(ctx)))


async def _send(
    ctx: PageContext, tables: list[Table], name: str, html: str | None = None
) -> web.StreamResponse:
    kind = ctx.request.match_info["format"]
    if kind == "csv":
        body, content_type = exports.swedish_csv(tables), "text/csv"
    elif kind == "xlsx":
        body = exports.xlsx(tables)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        assert html is not None
        body = await asyncio.get_running_loop().run_in_executor(None, exports.pdf, html)
        content_type = "application/pdf"
    return web.Response(
        body=body,
        content_type=content_type,
        charset="utf-8" if kind == "csv" else None,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )


@page(REPORT_READERS)
async def report_export(ctx: PageContext) -> web.StreamResponse:
    made = _indicator(ctx)
    context = await _report_context(ctx, made, _year(ctx))
    html = None
    if ctx.request.match_info["format"] == "pdf":
        html = _print(ctx, "report_print.html", context)
    return await _send(ctx, [context["table"]], f"{made.rule.code}-{context['year']}", html)


def _print(ctx: PageContext, template: str, context: dict[str, Any]) -> str:
    from placement.web.base import WEB_TEMPLATES

    return ctx.request.app[WEB_TEMPLATES].get_template(template).render(**context)


def _trend(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return "Kan inte jämföras"
    change = round(now - before, 1)
    if change == 0:
        return "Oförändrat"
    word = "Upp" if change > 0 else "Ned"
    return f"{word} {abs(change):.1f} procentenheter".replace(".", ",")


async def _board_context(ctx: PageContext, year: int) -> dict[str, Any]:
    years = list(range(year - YEARS_BACK, year + 1))
    lines: list[dict[str, Any]] = []
    codes = sorted(INDICATORS)
    rows: list[tuple[exports.Cell, ...]] = []
    series: dict[str, list[float | None]] = {str(y): [] for y in years}
    for code in sorted(INDICATORS):
        made = INDICATORS[code]
        by_year = {y: await _figures(ctx, code, y) for y in years}
        now = by_year[year].overall
        shares = [percent(by_year[y].overall.total) for y in years]
        for y, share in zip(years, shares, strict=True):
            series[str(y)].append(share)
        girls, boys = now.by_sex[Sex.FEMALE], now.by_sex[Sex.MALE]
        trend = _trend(shares[-1], shares[-2])
        lines.append(
            {
                "made": made,
                "girls": share_words(girls) if made.split_by_sex else "–",
                "boys": share_words(boys) if made.split_by_sex else "–",
                "total": share_words(now.total),
                "before": [share_words(by_year[y].overall.total) for y in years[:-1]],
                "trend": trend,
            }
        )
        rows.append(
            (
                code,
                made.rule.title,
                made.subject_word,
                girls.met if made.split_by_sex else None,
                girls.total if made.split_by_sex else None,
                boys.met if made.split_by_sex else None,
                boys.total if made.split_by_sex else None,
                now.total.met,
                now.total.total,
                *shares[::-1],
                trend,
            )
        )
    headers = (
        "Kod",
        "Indikator",
        "Räknas",
        "Flickor uppfyllda",
        "Flickor räknade",
        "Pojkar uppfyllda",
        "Pojkar räknade",
        "Totalt uppfyllda",
        "Totalt räknade",
        *(f"Andel {y} (%)" for y in years[::-1]),
        f"Förändring mot {year - 1}",
    )
    table = Table(f"Nämndrapport egenkontroll {year}", headers, tuple(rows))
    chart = exports.bar_chart(
        codes,
        series,
        ylabel="Andel uppfyllda (%)",
    )
    return {
        "year": year,
        "years": years,
        "choices": list(range(today_in_sweden().year, 2019, -1)),
        "lines": lines,
        "table": table,
        "chart": chart,
        "chart_words": (
            f"Stapeldiagram: andel uppfyllda per indikator, {years[0]}–{year}. "
            "Samma siffror finns i tabellen."
        ),
    }


@page(REPORT_READERS)
async def board_report(ctx: PageContext) -> web.StreamResponse:
    """The nämndrapport: every indicator for the year, by sex, beside the two years before."""
    return ctx.render("board_report.html", **await _board_context(ctx, _year(ctx)))


@page(REPORT_READERS)
async def board_export(ctx: PageContext) -> web.StreamResponse:
    context = await _board_context(ctx, _year(ctx))
    wants_pdf = ctx.request.match_info["format"] == "pdf"
    html = _print(ctx, "board_report_print.html", context) if wants_pdf else None
    return await _send(ctx, [context["table"]], f"namndrapport-{context['year']}", html)


@page(REPORT_READERS)
async def behind(ctx: PageContext) -> web.StreamResponse:
    """The children (or staff) behind one figure: who met the routine and who did not, and why.
    Each child shown is a read in the audit log; children outside the person's reach are counted,
    not shown."""
    made = _indicator(ctx)
    year = _year(ctx)
    query = ctx.request.query
    dimension = next((d for d in Dimension if d.value == query.get("uppdelning")), None)
    sex = next((s for s in Sex if s.value == query.get("kon")), None)
    figures = await _figures(ctx, made.rule.code, year)
    row = figures.row(dimension, query.get("grupp", ""))
    if row is None:
        raise NotFound("Det finns ingen sådan siffra i rapporten")
    cell = row.by_sex[sex] if sex is not None else row.total
    ids = [*cell.short_ids, *cell.met_ids]
    subjects = [figures.subjects[i] for i in ids]
    people: list[dict[str, Any]] = []
    hidden = 0
    if made.split_by_sex:
        names = await EgenkontrollRepository(ctx.conn, ctx.principal.municipality_id).children_in_reach(
            list({s.child_id for s in subjects if s.child_id}), ctx.principal.actor.reads
        )
        for subject in subjects:
            child = names.get(subject.child_id) if subject.child_id else None
            if child is None:
                hidden += 1
                continue
            people.append(_person(figures, subject, child["name"], child["birth_date"]))
        await audit.record(
            ctx.conn, ctx.principal.actor, AuditAction.READ, [Access("child", c, c) for c in names]
        )
    else:
        staff = await EgenkontrollRepository(ctx.conn, ctx.principal.municipality_id).staff_names(
            [s.subject_id for s in subjects]
        )
        people = [_person(figures, s, staff[s.subject_id], None) for s in subjects]
    return ctx.render(
        "report_behind.html",
        made=made,
        year=year,
        group=row.group,
        dimension=DIMENSION_LABELS[dimension] if dimension else "Hela kommunen",
        sex=SEX_LABELS[sex] if sex else "Samtliga",
        cell=cell,
        words=share_words(cell),
        people=people,
        hidden=hidden,
    )


def _person(figures: Figures, subject: Any, name: str, birth: dt.date | None) -> dict[str, Any]:
    finding = figures.findings.get(subject.subject_id)
    return {
        "name": name,
        "birth": birth,
        "unit": subject.unit or "Uppgift saknas",
        "handlaggare": subject.handlaggare or "Uppgift saknas",
        "met": finding is None,
        "detail": finding.detail if finding else "Uppfyllt",
    }


def _quarter(ctx: PageContext) -> tuple[int, int]:
    """The quarter chosen (``ar``, ``kvartal``); the last whole quarter by default."""
    today = today_in_sweden()
    last = (today.month - 1) // 3  # 0 in January–March: the fourth quarter of last year
    default_year, default_quarter = (today.year, last) if last else (today.year - 1, 4)
    year = _year(ctx) if ctx.request.query.get("ar") else default_year
    given = ctx.request.query.get("kvartal", "")
    if not given:
        return year, default_quarter if year == default_year else 4
    if given not in ("1", "2", "3", "4"):
        raise ValidationFailed.on("query.kvartal", "Välj kvartal 1, 2, 3 eller 4", "quarter_out_of_range")
    return year, int(given)


async def _quarter_table(ctx: PageContext, year: int, number: int) -> Table:
    """The favourable decisions not enforced within three months, with the fields IVO's quarterly
    report asks for: no name, no personnummer; sex and age band only. Each is an audited read."""
    start = dt.date(year, 3 * number - 2, 1)
    end = add_months(start, 3) - dt.timedelta(days=1)
    rows = await EgenkontrollRepository(ctx.conn, ctx.principal.municipality_id).unenforced_candidates(
        start, end
    )
    reported = []
    for r in rows:
        facts = EnforcementFacts(decided_on=r["decided_on"], measured_on=end, enforced_on=r["enforced_on"])
        if ek11_enforced_in_time(facts) is None:
            continue
        reported.append(r)
    await audit.record(
        ctx.conn,
        ctx.principal.actor,
        AuditAction.READ,
        [Access("decision", r["decision_id"], r["child_id"]) for r in reported],
    )
    return Table(
        f"Ej verkställda gynnande beslut kvartal {number} {year}",
        (
            "Beslutsdatum",
            "Beslut",
            "Skäl till dröjsmålet",
            "Kön",
            "Åldersgrupp",
            "Verkställt",
            "Verkställt datum",
        ),
        tuple(
            (
                r["decided_on"],
                label(DecisionKind(r["kind"])),
                r["note"] or "Ej angivet",
                {"female": "Kvinna", "male": "Man"}.get(r["sex"], "Ej angivet"),
                age_band(r["birth_date"], r["decided_on"]),
                "Ja" if r["enforced_on"] else "Nej",
                r["enforced_on"],
            )
            for r in reported
        ),
    )


@page(REPORT_READERS)
async def quarter(ctx: PageContext) -> web.StreamResponse:
    """EK11's quarterly report to IVO and the auditors (SoL 34 kap. 1–3 §§)."""
    year, number = _quarter(ctx)
    table = await _quarter_table(ctx, year, number)
    return ctx.render(
        "quarter.html",
        year=year,
        number=number,
        table=table,
        years=list(range(today_in_sweden().year, 2019, -1)),
    )


@page(REPORT_READERS)
async def quarter_export(ctx: PageContext) -> web.StreamResponse:
    year, number = _quarter(ctx)
    return await _send(ctx, [await _quarter_table(ctx, year, number)], f"ivo-kvartal-{year}-{number}")
