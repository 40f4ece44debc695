"""A report's rows written as a file: CSV, Excel (typed cells, frozen header) or PDF (a bar chart
drawn here as SVG, then the table). Reads nothing: reports.py gives the rows.

- CSV: UTF-8 with a byte-order mark (Excel then reads accents right), a header of the columns'
  names, numbers written plainly ("1234.50"), dates as ISO 8601: a file for machines as much as people.
- Excel: numbers are numbers with a number format (money in the currency's digits), dates are
  dates, the header row bold and frozen.
- PDF: the company, the report's range and currency, a bar chart of its first CHART_BARS rows,
  then at most PDF_ROWS rows in the reader's locale (a longer report says so and points to CSV
  or Excel, which hold every row: a PDF of 100,000 rows would be thousands of pages).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from weasyprint import HTML

from modules.core.l10n import date_text, number_text
from modules.core.money import format_money, minor_units

from .reports import Column, Kind, ReportType

PDF_ROWS = 1000
CHART_BARS = 15


@dataclass(frozen=True)
class ReportContent:
    report_type: ReportType
    rows: list[tuple]
    currency: str
    start: date
    end: date
    company: str


def _plain(value, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if kind == Kind.MONEY:
        return str(Decimal(value).quantize(Decimal(1).scaleb(-minor_units(currency))))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def csv_bytes(content: ReportContent) -> bytes:
    columns = content.report_type.columns
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in columns])
    writer.writerows(
        [_plain(value, column.kind, content.currency) for value, column in zip(row, columns, strict=True)]
        for row in content.rows
    )
    return out.getvalue().encode("utf-8-sig")


def _excel_format(kind: str, currency: str) -> str | None:
    digits = minor_units(currency)
    return {
        Kind.MONEY: "#,##0" + ("." + "0" * digits if digits else ""),
        Kind.INTEGER: "0",
        Kind.NUMBER: "#,##0.00",
        Kind.PERCENT: "0.0",
        Kind.DATE: "yyyy-mm-dd",
    }.get(kind)


def excel_bytes(content: ReportContent) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(content.report_type.title)[:31])
    sheet.freeze_panes = "A2"
    columns = content.report_type.columns
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [_excel_format(column.kind, content.currency) for column in columns]
    for row in content.rows:
        cells = []
        for value, column, number_format in zip(row, columns, formats, strict=True):
            cell = WriteOnlyCell(sheet, value=_excel_value(value, column))
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _excel_value(value, column: Column):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if column.kind == Kind.MONEY and value is not None:
        return Decimal(value)
    return value


def _local(value, kind: str, currency: str) -> str:
    if value is None:
        return ""
    if kind == Kind.MONEY:
        return format_money(Decimal(value), currency)
    if kind == Kind.DATE:
        return date_text(value, "SHORT_DATE_FORMAT")
    if kind == Kind.INTEGER:
        return number_text(value, "0g")
    if kind in (Kind.NUMBER, Kind.PERCENT):
        return number_text(value, "-2g" if kind == Kind.NUMBER else "1g")
    return str(value)


def bar_chart_svg(labels: list[str], values: list[Decimal], texts: list[str]) -> str:
    """Horizontal bars, one a row, scaled to the largest value; negative values draw no bar."""
    bar, gap, label_width, chart_width = 16, 6, 200, 330
    top = max((value for value in values if value > 0), default=Decimal(0))
    height = len(labels) * (bar + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 {label_width + chart_width + 130} '
        f'{height}" role="img">'
    ]
    for index, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = gap + index * (bar + gap)
        width = float(value / top * chart_width) if top and value > 0 else 0
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" font-size="10">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{bar}" fill="#2563eb"/>'
            f'<text x="{label_width + width + 4:.1f}" y="{y + 12}" font-size="10">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def pdf_bytes(content: ReportContent) -> bytes:
    report_type, currency = content.report_type, content.currency
    columns = report_type.columns
    label_at, value_at = report_type.chart
    charted = content.rows[:CHART_BARS]
    chart = bar_chart_svg(
        [_local(row[label_at], columns[label_at].kind, currency) for row in charted],
        [Decimal(row[value_at] or 0) for row in charted],
        [_local(row[value_at], columns[value_at].kind, currency) for row in charted],
    ) if charted else ""
    html = render_to_string("analytics/report_pdf.html", {
        "title": report_type.title, "company": content.company, "currency": currency,
        "start": content.start, "end": content.end, "snapshot": report_type.snapshot,
        "made_at": timezone.localtime(), "chart": chart, "chart_column": columns[value_at].label,
        "columns": columns,
        "numeric_at": [at for at, column in enumerate(columns) if column.kind not in (Kind.TEXT, Kind.DATE)],
        "rows": [
            [_local(value, column.kind, currency) for value, column in zip(row, columns, strict=True)]
            for row in content.rows[:PDF_ROWS]
        ],
        "count": len(content.rows), "shown": min(len(content.rows), PDF_ROWS),
    })
    return HTML(string=html).write_pdf()


WRITERS = {"csv": (csv_bytes, "csv"), "excel": (excel_bytes, "xlsx"), "pdf": (pdf_bytes, "pdf")}
