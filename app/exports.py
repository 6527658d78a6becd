"""Any table to Excel or PDF: exactly the rows and columns on screen, with a title block."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.errors import AppError, StorageError
from app.timeutil import fmt_local, to_local


class ColKind(StrEnum):
    TEXT = "text"
    CODE = "code"          # IDs, phones, room codes: always text, never a number
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    kind: ColKind = ColKind.TEXT


@dataclass
class TableExport:
    title: str
    columns: Sequence[ExportColumn]
    rows: Iterable[Sequence[Any]]
    filter_text: str = ""
    generated_by: str = ""
    generated_at: datetime | None = None
    total: int | None = None       # for progress, when known
    sheet_name: str = ""
    extra_lines: list[str] = field(default_factory=list)

    def subtitle_lines(self) -> list[str]:
        lines = []
        if self.filter_text:
            lines.append(f"筛选条件：{self.filter_text}")
        when = fmt_local(self.generated_at) if self.generated_at else ""
        by = f"  导出人：{self.generated_by}" if self.generated_by else ""
        lines.append(f"导出时间：{when}{by}")
        return lines + list(self.extra_lines)


class Cancelled(AppError):
    code = "cancelled"

    def __init__(self) -> None:
        super().__init__("已取消导出")


Progress = Callable[[int], bool]  # rows done → False to cancel
MONEY_FORMAT = '"¥"#,##0.00'
DANGEROUS_PREFIX = ("=", "+", "-", "@", "\t", "\r")


def display_text(value: Any, kind: ColKind) -> str:
    if value is None:
        return ""
    if kind == ColKind.MONEY and isinstance(value, Decimal):
        return f"¥{value:,.2f}"
    if isinstance(value, datetime):
        return fmt_local(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def text_width(s: str) -> int:
    """Display width in Excel character units: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _peek(rows: Iterable[Sequence[Any]], n: int) -> tuple[list[Sequence[Any]], Iterator[Sequence[Any]]]:
    it = iter(rows)
    head = list(itertools.islice(it, n))
    return head, itertools.chain(head, it)


def column_widths(spec: TableExport, sample: Sequence[Sequence[Any]], cap: int = 60) -> list[int]:
    widths = []
    for i, col in enumerate(spec.columns):
        w = text_width(col.header) + 2
        for row in sample:
            w = max(w, text_width(display_text(row[i], col.kind)) + 2)
        if col.kind == ColKind.DATETIME:
            w = max(w, 18)
        widths.append(min(max(w, 6), cap))
    return widths


def _safe_path(path: Path) -> Path:
    parent = path.parent
    if not parent.exists():
        raise StorageError(f"文件夹不存在：{parent}", code="no_folder")
    if not os.access(parent, os.W_OK):
        raise StorageError(f"没有权限写入：{parent}", code="readonly")
    return path


# ------------------------------------------------------------------------------------------- Excel

def export_xlsx(spec: TableExport, path: Path, progress: Progress | None = None,
                every: int = 2000) -> int:
    """Stream rows into a styled sheet (write-only, lxml); returns the number of data rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    path = _safe_path(path)
    head, rows = _peek(spec.rows, 300)
    widths = column_widths(spec, head)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_sheet_title(spec.sheet_name or spec.title))
    n_cols = len(spec.columns)
    title_rows = 1 + len(spec.subtitle_lines())
    header_row = title_rows + 1
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = f"A{header_row + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = False
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"

    title = WriteOnlyCell(ws, value=spec.title)
    title.font = Font(bold=True, size=14)
    title.data_type = "s"
    ws.append([title])
    for line in spec.subtitle_lines():
        c = WriteOnlyCell(ws, value=line)
        c.font = Font(color="555555", size=10)
        c.data_type = "s"
        ws.append([c])
    thin = Side(style="thin", color="999999")
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="2F5D8A")
    header_cells = []
    for col in spec.columns:
        c = WriteOnlyCell(ws, value=col.header)
        c.font, c.fill = header_font, header_fill
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = Border(bottom=thin)
        c.data_type = "s"
        header_cells.append(c)
    ws.append(header_cells)

    converters = [_xlsx_converter(ws, WriteOnlyCell, col.kind) for col in spec.columns]
    count = 0
    for row in rows:
        ws.append([conv(v) for conv, v in zip(converters, row, strict=True)])
        count += 1
        if progress is not None and count % every == 0 and not progress(count):
            # Finish the streamed sheet properly, then throw it away.
            tmp = path.with_name(path.name + ".part")
            wb.save(tmp)
            tmp.unlink(missing_ok=True)
            raise Cancelled()
    last = header_row + max(count, 1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(n_cols)}{last}"
    tmp = path.with_name(path.name + ".part")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"无法写入文件 {path}：{e.strerror or e}", code="write_failed") from e
    if progress is not None:
        progress(count)
    return count


def _xlsx_converter(ws: Any, cell_cls: Any, kind: ColKind) -> Callable[[Any], Any]:
    """Per column: plain values where Excel needs nothing more (fast), styled cells otherwise."""
    from copy import copy

    def styled(fmt: str) -> Callable[[Any], Any]:
        proto = cell_cls(ws, value=0)
        proto.number_format = fmt
        style = proto._style

        def make(value: Any) -> Any:
            c = cell_cls(ws, value=value)
            c._style = copy(style)
            return c
        return make

    def text(value: Any) -> Any:
        if value is None:
            return None
        s = str(value)
        if s.startswith(DANGEROUS_PREFIX):
            c = cell_cls(ws, value=None)
            c.value = s
            c.data_type = "s"  # text, never a formula
            return c
        return s

    if kind in (ColKind.TEXT, ColKind.CODE):
        return text
    if kind == ColKind.MONEY:
        money = styled(MONEY_FORMAT)
        return lambda v: None if v is None else money(v) if isinstance(v, (Decimal, int)) else text(v)
    if kind == ColKind.DECIMAL:
        dec = styled("0.00")
        return lambda v: None if v is None else dec(v) if isinstance(v, Decimal) else v
    if kind == ColKind.DATE:
        day = styled("yyyy-mm-dd")
        return lambda v: None if v is None else day(v) if isinstance(v, date) else text(v)
    if kind == ColKind.DATETIME:
        moment = styled("yyyy-mm-dd hh:mm")

        def dt(v: Any) -> Any:
            if v is None:
                return None
            if isinstance(v, datetime):
                local = to_local(v)
                return moment(local.replace(tzinfo=None) if local else None)
            return text(v)
        return dt
    return lambda v: v


def _sheet_title(title: str) -> str:
    bad = '[]:*?/\\《》'
    t = "".join(ch for ch in title if ch not in bad).strip() or "Sheet1"
    return t[:31]


# --------------------------------------------------------------------------------------------- PDF

def export_pdf(spec: TableExport, path: Path | None, progress: Progress | None = None,
               font_path: str = "", chunk: int = 400) -> tuple[int, bytes]:
    """A4, landscape when wide, header row repeated on every page, 第 x / y 页."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from app.pdf_fonts import get_font

    font = get_font(font_path)
    head, rows = _peek(spec.rows, 300)
    widths = column_widths(spec, head, cap=40)
    char_w = 4.6  # points per Excel width unit at 8.5 pt
    natural = sum(widths) * char_w
    pagesize = landscape(A4) if natural > A4[0] - 24 * mm else A4
    avail = pagesize[0] - 20 * mm
    scale = avail / natural if natural > 0 else 1
    col_w = [w * char_w * scale for w in widths]
    cell = ParagraphStyle("cell", fontName=font.name, fontSize=8.5, leading=10.5, wordWrap="CJK")
    title_style = ParagraphStyle("t", fontName=font.name, fontSize=14, leading=18)
    sub_style = ParagraphStyle("s", fontName=font.name, fontSize=8.5, leading=11,
                               textColor=colors.HexColor("#555555"))
    from xml.sax.saxutils import escape

    header = [Paragraph(escape(c.header), cell) for c in spec.columns]
    style = TableStyle([
        ("FONT", (0, 0), (-1, -1), font.name, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ef")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ])
    right = [i for i, c in enumerate(spec.columns)
             if c.kind in (ColKind.INT, ColKind.DECIMAL, ColKind.MONEY)]
    for i in right:
        style.add("ALIGN", (i, 1), (i, -1), "RIGHT")
    story: list[Any] = [Paragraph(escape(spec.title), title_style)]
    for line in spec.subtitle_lines():
        story.append(Paragraph(escape(line), sub_style))
    story.append(Spacer(1, 4 * mm))
    count = 0
    batch: list[list[Any]] = []
    limits = [max(4, int(w / 4.3)) for w in col_w]  # characters that fit on one line, roughly

    def flush() -> None:
        if batch:
            t = LongTable([header] + batch, colWidths=col_w, repeatRows=1)
            t.setStyle(style)
            story.append(t)
            batch.clear()

    for row in rows:
        out = []
        for i, (value, col) in enumerate(zip(row, spec.columns, strict=True)):
            s = display_text(value, col.kind)
            out.append(Paragraph(escape(s), cell) if text_width(s) > limits[i] * 2 else s)
        batch.append(out)
        count += 1
        if len(batch) >= chunk:
            flush()
        if progress is not None and count % 2000 == 0 and not progress(count):
            raise Cancelled()
    if count == 0:
        batch.append(["（没有数据）"] + [""] * (len(spec.columns) - 1))
    flush()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=13 * mm, title=spec.title,
                            author=spec.generated_by, creator="FrontDesk", initialFontName=font.name)
    doc.build(story, canvasmaker=numbered_canvas(font.name, spec.title, pagesize))
    data = buf.getvalue()
    if path is not None:
        _safe_path(path)
        try:
            path.write_bytes(data)
        except OSError as e:
            raise StorageError(f"无法写入文件 {path}：{e.strerror or e}", code="write_failed") from e
    if progress is not None:
        progress(count)
    return count, data


def numbered_canvas(font_name: str, footer: str, pagesize: tuple[float, float]) -> type:
    """A canvas class that writes 第 x / y 页 (and `footer`) once the page count is known."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font_name, 8)
                self.setFillColor(colors.HexColor("#666666"))
                self.drawRightString(pagesize[0] - 10 * mm, 7 * mm, f"第 {self._pageNumber} / {total} 页")
                self.drawString(10 * mm, 7 * mm, footer)
                super().showPage()
            super().save()

    return NumberedCanvas
