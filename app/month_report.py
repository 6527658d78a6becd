"""Write a MonthReport as a workbook (汇总 first, a sheet per section, charts) and as an A4 PDF."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from app.errors import StorageError
from app.exports import MONEY_FORMAT, ColKind, display_text, numbered_canvas, text_width
from app.monthly import ChartSpec, KeyFigure, MonthReport, MonthSection, SectionTable
from app.timeutil import fmt_local

EMPTY_SECTION = "本月无数据"
EMPTY_MONTH = "本月没有任何业务记录，各板块均为空。"


def _write_atomic(path: Path, write: Any) -> None:
    if not path.parent.exists():
        raise StorageError(f"文件夹不存在：{path.parent}", code="no_folder")
    tmp = path.with_name(path.name + ".part")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StorageError(f"无法写入文件 {path}：{e.strerror or e}", code="write_failed") from e


def report_title(report: MonthReport) -> str:
    return f"{report.community or ''}客服中心月报 {report.month.label}".strip()


def all_empty(report: MonthReport) -> bool:
    return all(s.empty for s in report.sections)


# ------------------------------------------------------------------------------------------ Excel

def _decimal_format(value: Any) -> str:
    """As many places as the Decimal carries (hours to one decimal show "3.1", not "3.10")."""
    places = 2
    if isinstance(value, Decimal):
        exp = value.as_tuple().exponent
        places = -exp if isinstance(exp, int) and exp < 0 else 0
    return "0." + "0" * places if places else "0"


def _set(ws: Any, row: int, col: int, value: Any, kind: ColKind = ColKind.TEXT, **style: Any) -> Any:
    c = ws.cell(row=row, column=col)
    if isinstance(value, str) or kind in (ColKind.TEXT, ColKind.CODE):
        c.value = None if value is None else str(value)
        if c.value is not None:
            c.data_type = "s"  # text stays text, even "=..."
    else:
        c.value = value
        if kind == ColKind.MONEY:
            c.number_format = MONEY_FORMAT
        elif kind == ColKind.DATE:
            c.number_format = "yyyy-mm-dd"
        elif kind == ColKind.DECIMAL:
            c.number_format = _decimal_format(value)
        elif kind == ColKind.DATETIME:
            c.number_format = "yyyy-mm-dd hh:mm"
    for k, v in style.items():
        setattr(c, k, v)
    return c


def write_xlsx(report: MonthReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    bold = Font(bold=True)
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="2F5D8A")
    widths: dict[Any, dict[int, int]] = {}

    def note_width(sheet: Any, col: int, text: str) -> None:
        w = widths.setdefault(sheet, {})
        w[col] = max(w.get(col, 8), min(text_width(text) + 2, 60))

    def header(sheet: Any, row: int, labels: list[str]) -> None:
        for i, label in enumerate(labels, start=1):
            _set(sheet, row, i, label, font=head_font, fill=head_fill,
                 alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
            note_width(sheet, i, label)

    _set(ws, 1, 1, report_title(report), font=Font(bold=True, size=15))
    _set(ws, 2, 1, f"物业公司：{report.company}  生成时间：{fmt_local(report.generated_at)}"
                   f"  生成人：{report.generated_by}", font=Font(color="555555"))
    row = 4
    if all_empty(report):
        _set(ws, row, 1, EMPTY_MONTH, font=Font(bold=True, color="C0392B"))
        row += 2
    header(ws, row, ["板块", "指标", "数值", "说明"])
    ws.freeze_panes = f"A{row + 1}"
    first = row
    for sec in report.sections:
        figures = sec.figures or [KeyFigure(EMPTY_SECTION, None)]
        for f in figures:
            row += 1
            _set(ws, row, 1, sec.title)
            _set(ws, row, 2, f.label)
            if f.value is not None:
                _set(ws, row, 3, f.value, f.kind)
            _set(ws, row, 4, f.note or (EMPTY_SECTION if sec.empty else ""))
            note_width(ws, 1, sec.title)
            note_width(ws, 2, f.label)
            note_width(ws, 3, display_text(f.value, f.kind))
            note_width(ws, 4, f.note)
    ws.auto_filter.ref = f"A{first}:D{row}"

    for sec in report.sections:
        sh = wb.create_sheet(_sheet_name(sec.title))
        _set(sh, 1, 1, f"{sec.title}（{report.month.label}）", font=Font(bold=True, size=14))
        r = 2
        for n in sec.notes:
            _set(sh, r, 1, n, font=Font(color="555555"))
            r += 1
        if sec.empty:
            _set(sh, r, 1, EMPTY_SECTION, font=Font(bold=True, color="C0392B"))
            r += 1
        r += 1
        if sec.figures:
            header(sh, r, ["指标", "数值"])
            for f in sec.figures:
                r += 1
                _set(sh, r, 1, f.label)
                _set(sh, r, 2, f.value, f.kind)
                note_width(sh, 1, f.label)
            r += 2
        positions: list[tuple[int, int, int]] = []  # header row, first data row, last data row
        for t in sec.tables:
            _set(sh, r, 1, t.title, font=bold)
            r += 1
            header(sh, r, [c.header for c in t.columns])
            hdr = r
            for values in t.rows:
                r += 1
                for i, (v, c) in enumerate(zip(values, t.columns, strict=True), start=1):
                    _set(sh, r, i, v, c.kind)
                    note_width(sh, i, display_text(v, c.kind))
            if not t.rows:
                r += 1
                _set(sh, r, 1, "（无）", font=Font(color="777777"))
            positions.append((hdr, hdr + 1, hdr + len(t.rows)))
            if t.note:
                r += 1
                _set(sh, r, 1, t.note, font=Font(color="555555"))
            r += 2
        max_cols = max([len(t.columns) for t in sec.tables] + [2])
        anchor_col = get_column_letter(max_cols + 2)
        anchor_row = 3
        for ch in sec.charts:
            hdr, lo, hi = positions[ch.table]
            if hi < lo:
                continue
            sh.add_chart(_xlsx_chart(sh, ch, hdr, lo, hi), f"{anchor_col}{anchor_row}")
            anchor_row += 18
        sh.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sh.page_setup.fitToWidth, sh.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for sheet, cols in widths.items():
        for col, w in cols.items():
            sheet.column_dimensions[get_column_letter(col)].width = w
    _write_atomic(path, lambda p: wb.save(p))


def _xlsx_chart(ws: Any, ch: ChartSpec, hdr: int, lo: int, hi: int) -> Any:
    from openpyxl.chart import BarChart, LineChart, PieChart, Reference

    chart: Any = {"bar": BarChart, "line": LineChart, "pie": PieChart}[ch.kind]()
    chart.title = ch.title
    if ch.kind != "pie":
        chart.y_axis.title = ch.y_title
        chart.y_axis.delete = False
        chart.x_axis.delete = False
    for s in ch.series:
        data = Reference(ws, min_col=s + 1, min_row=hdr, max_row=hi)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=ch.categories + 1, min_row=lo, max_row=hi))
    chart.width, chart.height = 16, 8
    return chart


def _sheet_name(title: str) -> str:
    return "".join(ch for ch in title if ch not in '[]:*?/\\《》')[:31] or "Sheet"


# -------------------------------------------------------------------------------------------- PDF

def write_pdf(report: MonthReport, path: Path | None, font_path: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from app.pdf_fonts import get_font

    font = get_font(font_path)
    fn = font.name
    h1 = ParagraphStyle("h1", fontName=fn, fontSize=17, leading=22, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=fn, fontSize=13, leading=17, spaceBefore=8, spaceAfter=4,
                        textColor=colors.HexColor("#2F5D8A"))
    h3 = ParagraphStyle("h3", fontName=fn, fontSize=10.5, leading=14, spaceBefore=4, spaceAfter=2)
    body = ParagraphStyle("b", fontName=fn, fontSize=9, leading=12, wordWrap="CJK")
    muted = ParagraphStyle("m", parent=body, textColor=colors.HexColor("#555555"))
    red = ParagraphStyle("r", parent=body, textColor=colors.HexColor("#C0392B"))
    width = A4[0] - 24 * mm

    def table(headers: list[str], rows: list[list[str]], widths: list[float] | None = None) -> LongTable:
        data = [[Paragraph(escape(h), body) for h in headers]]
        data += [[Paragraph(escape(c), body) for c in r] for r in rows] or [["（无）"] + [""] * (len(headers) - 1)]
        n = len(headers)
        t = LongTable(data, colWidths=widths or [width / n] * n, repeatRows=1)
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), fn, 9),
            ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6ef")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        return t

    story: list[Any] = [Paragraph(escape(report_title(report)), h1),
                        Paragraph(escape(f"物业公司：{report.company}  生成时间：{fmt_local(report.generated_at)}"
                                         f"  生成人：{report.generated_by}"), muted),
                        Spacer(1, 5 * mm), Paragraph("汇总", h2)]
    if all_empty(report):
        story.append(Paragraph(EMPTY_MONTH, red))
    rows = []
    for sec in report.sections:
        for f in sec.figures or [KeyFigure(EMPTY_SECTION, None)]:
            rows.append([sec.title, f.label, display_text(f.value, f.kind), f.note])
    story.append(table(["板块", "指标", "数值", "说明"], rows, [width * x for x in (.22, .33, .17, .28)]))
    for sec in report.sections:
        story += [CondPageBreak(60 * mm), Paragraph(escape(sec.title), h2)]
        for n in sec.notes:
            story.append(Paragraph(escape(n), muted))
        if sec.empty:
            story.append(Paragraph(EMPTY_SECTION, red))
        for i, t in enumerate(sec.tables):
            story.append(Paragraph(escape(t.title), h3))
            story.append(table([c.header for c in t.columns],
                               [[display_text(v, c.kind) for v, c in zip(r, t.columns, strict=True)]
                                for r in t.rows]))
            for ch in sec.charts:
                if ch.table == i and t.rows:
                    story += [Spacer(1, 3 * mm), _pdf_chart(ch, t, fn, width)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=14 * mm, title=report_title(report), author=report.company,
                            initialFontName=fn,
                            creator="FrontDesk")
    doc.build(story, canvasmaker=numbered_canvas(fn, report_title(report), A4))
    data = buf.getvalue()
    if path is not None:
        _write_atomic(path, lambda p: p.write_bytes(data))
    return data


def _pdf_chart(ch: ChartSpec, t: SectionTable, font: str, width: float) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    palette = [colors.HexColor(c) for c in ("#2F5D8A", "#E67E22", "#27AE60", "#8E44AD", "#C0392B")]
    height = 190
    d = Drawing(width, height)
    chart: Any = HorizontalLineChart() if ch.kind == "line" else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 150, height - 70
    chart.data = [[float(r[s] or 0) for r in t.rows] for s in ch.series]
    chart.categoryAxis.categoryNames = [str(r[ch.categories]) for r in t.rows]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for i in range(len(ch.series)):
        if ch.kind == "line":
            chart.lines[i].strokeColor = palette[i % len(palette)]
        else:
            chart.bars[i].fillColor = palette[i % len(palette)]
    d.add(chart)
    d.add(String(width / 2 - 40, height - 14, ch.title, fontName=font, fontSize=10))
    legend = Legend()
    legend.x, legend.y = width - 100, height - 40
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [(palette[i % len(palette)], t.columns[s].header) for i, s in enumerate(ch.series)]
    d.add(legend)
    return d


def summary_line(report: MonthReport, xlsx: Path | None, pdf: Path | None) -> str:
    figures = sum(len(s.figures) for s in report.sections)
    where = "、".join(str(p) for p in (xlsx, pdf) if p)
    state = "（本月无数据）" if all_empty(report) else ""
    return f"已生成 {report.month.label} 月报{state}：{len(report.sections)} 个板块，{figures} 项指标 → {where}"


def section_by_key(report: MonthReport, key: str) -> MonthSection:
    return next(s for s in report.sections if s.key == key)
