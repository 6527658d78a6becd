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
    """Stream rows into a styled sheet; returns the number of data rows. Memory stays flat."""
    from app import xlsx_stream as xs

    path = _safe_path(path)
    head, rows = _peek(spec.rows, 300)
    widths = column_widths(spec, head)
    subtitles = spec.subtitle_lines()
    header_row = 2 + len(subtitles)
    tmp = path.with_name(path.name + ".part")
    try:
        w = xs.SheetWriter(tmp, title=_sheet_title(spec.sheet_name or spec.title), widths=widths,
                           freeze_row=header_row, landscape=True, print_title_row=header_row,
                           footer="第 &P 页 / 共 &N 页", author=spec.generated_by)
    except OSError as e:
        raise StorageError(f"无法写入文件 {path}：{e.strerror or e}", code="write_failed") from e
    try:
        w.row([xs.Cell(spec.title, xs.TITLE)])
        for line in subtitles:
            w.row([xs.Cell(line, xs.SUBTITLE)])
        w.row([xs.Cell(c.header, xs.HEADER) for c in spec.columns])
        styles = [_XLSX_STYLE.get(c.kind, xs.DEFAULT) for c in spec.columns]
        convert = [_xlsx_value(c.kind) for c in spec.columns]
        count = 0
        for row in rows:
            w.row([f(v) for f, v in zip(convert, row, strict=True)], styles)
            count += 1
            if progress is not None and count % every == 0 and not progress(count):
                raise Cancelled()
        w.autofilter = f"A{header_row}:{xs.col_letter(len(spec.columns))}{header_row + max(count, 1)}"
        w.close()
        os.replace(tmp, path)
    except BaseException as e:
        w.abort()
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise StorageError(f"无法写入文件 {path}：{e.strerror or e}", code="write_failed") from e
        raise
    if progress is not None:
        progress(count)
    return count


def _xlsx_value(kind: ColKind) -> Callable[[Any], Any]:
    """Per column: what goes into the cell. Text and codes stay text; times become local."""
    if kind in (ColKind.TEXT, ColKind.CODE):
        return lambda v: None if v is None else str(v)
    if kind == ColKind.DATETIME:
        def dt(v: Any) -> Any:
            if isinstance(v, datetime):
                return to_local(v)
            return None if v is None else str(v)
        return dt
    if kind == ColKind.DATE:
        return lambda v: v if v is None or isinstance(v, date) else str(v)
    return lambda v: v if v is None or isinstance(v, (int, Decimal, float)) else str(v)


def _xlsx_styles() -> dict[ColKind, int]:
    from app import xlsx_stream as xs

    return {ColKind.DATE: xs.DATE, ColKind.DATETIME: xs.DATETIME, ColKind.MONEY: xs.MONEY,
            ColKind.DECIMAL: xs.DECIMAL}


_XLSX_STYLE = _xlsx_styles()


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
