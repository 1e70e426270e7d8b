"""Tables as a Swedish office opens them: CSV for Swedish Excel (UTF-8 with BOM, semicolons, decimal
comma), XLSX (Swedish headers, dates as dates, numbers as numbers), PDF (WeasyPrint), and charts
as server-side SVG (matplotlib). One :class:`Table` feeds the page and every export, so what a
file says is what the page says."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # A cell that Excel would read as a formula stays text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def swedish_csv(tables: Sequence[Table]) -> bytes:
    """The tables one after another, each with its title and headers, as Swedish Excel reads them."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table: bold Swedish headers, numbers as numbers, shares as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.title, book.sheetnames))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(list(table.headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
            for header, cell in zip(table.headers, sheet[sheet.max_row], strict=False):
                if isinstance(cell.value, float) and "%" in header:
                    cell.number_format = "0.0"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for column, header in zip(sheet.columns, table.headers, strict=False):
            width = max([len(header), *(len(str(c.value or "")) for c in column[2:])])
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Blad"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name[:25]} {n}", n + 1
    return candidate


def pdf(html: str) -> bytes:
    """The page's printable HTML typeset as PDF (charts are inline SVG data)."""
    from weasyprint import HTML

    result: bytes = HTML(string=html).write_pdf()
    return result


def bar_chart(labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, ylabel: str) -> str:
    """Grouped bars of shares (0–100) as an SVG ``data:`` URI; ``None`` (nothing counted) draws none.
    The same figures are always in a table beside it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.2))
    axes = figure.subplots()
    width = 0.8 / max(len(series), 1)
    colours = ["#1b5e9a", "#c75b12", "#4a7f2c", "#6b3fa0"]
    for n, (name, values) in enumerate(series.items()):
        xs = [i + n * width for i in range(len(labels))]
        axes.bar(xs, [v if v is not None else 0 for v in values], width, label=name, color=colours[n % 4])
    axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(labels))], list(labels))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_ylim(0, 100)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue().encode("utf-8")).decode("ascii")
