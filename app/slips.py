"""Slips and forms people sign: a declarative description rendered to PDF with reportlab."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from app.errors import ValidationError
from app.pdf_fonts import PdfFont, get_font
from app.timeutil import fmt_local, to_local

PAGE_SIZES = {"A5": A5, "A4": A4}


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    wide: bool = False  # takes a whole row


@dataclass(frozen=True)
class TextBlock:
    label: str
    text: str
    min_lines: int = 2


@dataclass(frozen=True)
class ItemTable:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None  # fractions of the width


@dataclass(frozen=True)
class SlipSpec:
    """What a procedure says about its slip; the engine decides how it looks."""

    kind: str                       # stable code, e.g. "owner_register"; printer settings key
    title: str                      # e.g. 《钥匙借领确认单》
    serial: str                     # printed, and carried by the QR code
    fields: Sequence[Field] = ()
    blocks: Sequence[TextBlock | ItemTable] = ()
    signatures: Sequence[str] = ("签字", "经办人", "日期")
    columns: int = 2                # label/value pairs per row
    page: str = "A5"                # A5 or A4
    landscape: bool = False
    two_copies: bool = False        # counter copy and holder copy on one A4 with a cut line
    copy_labels: tuple[str, str] = ("客服中心留存联", "持有人联")
    footer: str = ""


@dataclass(frozen=True)
class SlipHeader:
    community: str = ""
    company: str = ""


@dataclass(frozen=True)
class RenderInfo:
    font: PdfFont
    printed_at: datetime
    reprint_at: datetime | None = None  # set for 补打
    printed_by: str = ""
    pages: int = 0


@dataclass
class _Styles:
    font: str
    base: float = 9.5
    body: ParagraphStyle = field(init=False)
    label: ParagraphStyle = field(init=False)
    small: ParagraphStyle = field(init=False)

    def __post_init__(self) -> None:
        common = {"fontName": self.font, "wordWrap": "CJK"}
        self.body = ParagraphStyle("body", fontSize=self.base, leading=self.base * 1.35, **common)
        self.label = ParagraphStyle("label", fontSize=self.base, leading=self.base * 1.35,
                                    textColor=colors.HexColor("#333333"), **common)
        self.small = ParagraphStyle("small", fontSize=self.base - 2, leading=(self.base - 2) * 1.3,
                                    textColor=colors.HexColor("#555555"), **common)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


GRID = colors.HexColor("#555555")


def _field_grid(spec: SlipSpec, st: _Styles, width: float) -> Table | None:
    if not spec.fields:
        return None
    cols = max(1, spec.columns)
    label_w = 22 * mm if width > 120 * mm else 18 * mm
    value_w = (width - cols * label_w) / cols
    rows: list[list[Flowable | str]] = []
    spans: list[tuple[int, int]] = []
    current: list[Flowable | str] = []
    for f in spec.fields:
        if f.wide:
            if current:
                rows.append(current + [""] * (2 * cols - len(current)))
                current = []
            rows.append([_p(f.label, st.label), _p(f.value, st.body)] + [""] * (2 * cols - 2))
            spans.append((len(rows) - 1, 2 * cols - 1))
            continue
        current += [_p(f.label, st.label), _p(f.value, st.body)]
        if len(current) == 2 * cols:
            rows.append(current)
            current = []
    if current:
        rows.append(current + [""] * (2 * cols - len(current)))
    t = Table(rows, colWidths=[label_w, value_w] * cols, splitInRow=1)
    style = [
        ("FONT", (0, 0), (-1, -1), st.font, st.base),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for c in range(cols):
        style.append(("BACKGROUND", (2 * c, 0), (2 * c, -1), colors.HexColor("#f2f2f2")))
    for r, last in spans:
        style.append(("SPAN", (1, r), (last, r)))
    t.setStyle(TableStyle(style))
    return t


def _block(b: TextBlock | ItemTable, st: _Styles, width: float) -> Table:
    if isinstance(b, TextBlock):
        min_h = b.min_lines * st.body.leading + 8
        t = Table([[_p(b.label, st.label)], [_p(b.text, st.body)]], colWidths=[width],
                  rowHeights=[None, None], splitInRow=1, repeatRows=1)
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), st.font, st.base),
            ("BOX", (0, 0), (-1, -1), 0.5, GRID),
            ("LINEBELOW", (0, 0), (-1, 0), 0.3, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
            ("VALIGN", (0, 1), (-1, 1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 1), (-1, 1), max(3.0, min_h - st.body.leading)),
        ]))
        return t
    fractions = list(b.widths) if b.widths else [1 / len(b.headers)] * len(b.headers)
    data = [[_p(h, st.label) for h in b.headers]] + [[_p(str(c), st.body) for c in r] for r in b.rows]
    t = Table(data, colWidths=[width * f for f in fractions], repeatRows=1, splitInRow=1)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), st.font, st.base),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return t


def _signatures(spec: SlipSpec, st: _Styles, width: float) -> Table | None:
    if not spec.signatures:
        return None
    n = len(spec.signatures)
    gap = 4 * mm
    label_w = max(st.label.fontSize * (len(s) + 1.2) for s in spec.signatures)
    line_w = (width - n * label_w - (n - 1) * gap) / n
    cells: list[Flowable | str] = []
    widths: list[float] = []
    style = [("FONT", (0, 0), (-1, -1), st.font, st.base), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    for i, s in enumerate(spec.signatures):
        if i:
            cells.append("")
            widths.append(gap)
        cells += [_p(f"{s}：", st.label), ""]
        widths += [label_w, line_w]
        style.append(("LINEBELOW", (len(cells) - 1, 0), (len(cells) - 1, 0), 0.6, colors.black))
    t = Table([cells], colWidths=widths, rowHeights=[10 * mm])
    t.setStyle(TableStyle(style))
    return t


def _body(spec: SlipSpec, st: _Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    grid = _field_grid(spec, st, width)
    if grid is not None:
        out += [grid, Spacer(1, 3 * mm)]
    for b in spec.blocks:
        out += [_block(b, st, width), Spacer(1, 3 * mm)]
    sig = _signatures(spec, st, width)
    if sig is not None:
        out += [Spacer(1, 2 * mm), sig]
    if spec.footer:
        out += [Spacer(1, 2 * mm), _p(spec.footer, st.small)]
    return out


@lru_cache(maxsize=256)
def qr_modules(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR matrix (level M), computed once per payload."""
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(payload)
    qr.make()
    return tuple(tuple(bool(m) for m in row) for row in qr.modules)


def draw_qr(c: Canvas, payload: str, x: float, y: float, size: float, border: int = 2) -> None:
    """Draw the code straight on the canvas, one rectangle per run of dark modules."""
    modules = qr_modules(payload)
    n = len(modules)
    box = size / (n + 2 * border)
    c.saveState()
    c.setFillColor(colors.black)
    path = c.beginPath()
    for r, row in enumerate(modules):
        col = 0
        for dark, run in itertools.groupby(row):
            count = len(list(run))
            if dark:
                path.rect(x + (col + border) * box, y + size - (r + border + 1) * box, count * box, box)
            col += count
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


HEADER_H = 24 * mm
MARGIN = 9 * mm


def _draw_header(c: Canvas, spec: SlipSpec, head: SlipHeader, info: RenderInfo, x: float, top: float,
                 width: float, copy_label: str, font: str) -> None:
    qr = 17 * mm
    draw_qr(c, spec.serial, x + width - qr, top - qr - 1 * mm, qr)
    c.setFont(font, 8)
    c.setFillColor(colors.HexColor("#444444"))
    who = "  ".join(t for t in (head.community, head.company) if t)
    c.drawString(x, top - 4 * mm, who)
    c.setFillColor(colors.black)
    title_size = 15 if width > 120 * mm else 13
    c.setFont(font, title_size)
    c.drawCentredString(x + (width - qr) / 2, top - 11 * mm, spec.title)
    c.setFont(font, 8.5)
    c.drawString(x, top - 19 * mm, f"编号：{spec.serial}")
    c.drawRightString(x + width - qr - 3 * mm, top - 19 * mm, f"打印：{fmt_local(info.printed_at)}")
    if copy_label:
        c.setFont(font, 8)
        c.drawCentredString(x + (width - qr) / 2, top - 15.5 * mm, f"（{copy_label}）")
    if info.reprint_at is not None:
        c.saveState()
        c.setFillColor(colors.HexColor("#c0392b"))
        c.setStrokeColor(colors.HexColor("#c0392b"))
        c.setFont(font, 10)
        label = f"补打 {to_local(info.reprint_at):%Y-%m-%d %H:%M}"
        tw = c.stringWidth(label, font, 10)
        c.rect(x - 1 * mm, top - 15 * mm, tw + 2 * mm, 5.5 * mm, stroke=1, fill=0)
        c.drawString(x, top - 13.5 * mm, label)
        c.restoreState()


def render_slip(spec: SlipSpec, head: SlipHeader, *, out: BinaryIO | Path | None = None,
                printed_at: datetime, reprint_at: datetime | None = None, printed_by: str = "",
                font_path: str = "") -> tuple[bytes, RenderInfo]:
    """Render to PDF bytes (and `out` when given). Content never leaves its box."""
    font = get_font(font_path)
    info = RenderInfo(font=font, printed_at=printed_at, reprint_at=reprint_at, printed_by=printed_by)
    st = _Styles(font.name)
    buf = io.BytesIO()
    if spec.two_copies:
        pagesize = A4
        half = A4[1] / 2
        width = A4[0] - 2 * MARGIN
        frame_h = half - HEADER_H - 2 * MARGIN
        frames = [Frame(MARGIN, half + MARGIN, width, frame_h, id="top", showBoundary=0,
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0),
                  Frame(MARGIN, MARGIN, width, frame_h, id="bottom", showBoundary=0,
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)]

        def on_page(c: Canvas, _doc: object) -> None:
            for i, top in enumerate((A4[1] - MARGIN, half - MARGIN)):
                _draw_header(c, spec, head, info, MARGIN, top, width, spec.copy_labels[i], font.name)
            c.saveState()
            c.setDash(4, 3)
            c.setStrokeColor(colors.HexColor("#888888"))
            c.line(5 * mm, half, A4[0] - 5 * mm, half)
            c.setFont(font.name, 7)
            c.drawCentredString(A4[0] / 2, half + 1.2 * mm, "沿此线裁开")
            c.restoreState()

        story: list[Flowable] = []
        for i in range(2):
            story.append(KeepInFrame(width, frame_h, _body(spec, st, width), mode="shrink"))
            if i == 0:
                story.append(FrameBreak())
    else:
        pagesize = PAGE_SIZES[spec.page]
        if spec.landscape:
            pagesize = landscape(pagesize)
        width = pagesize[0] - 2 * MARGIN
        frame_h = pagesize[1] - HEADER_H - 2 * MARGIN - 5 * mm
        frames = [Frame(MARGIN, MARGIN + 5 * mm, width, frame_h, id="body", showBoundary=0,
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)]

        def on_page(c: Canvas, doc: object) -> None:
            _draw_header(c, spec, head, info, MARGIN, pagesize[1] - MARGIN, width, "", font.name)
            c.setFont(font.name, 7.5)
            c.setFillColor(colors.HexColor("#666666"))
            c.drawRightString(pagesize[0] - MARGIN, MARGIN, f"第 {c.getPageNumber()} 页")

        story = _body(spec, st, width)
    doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN, title=spec.title,
                          author=head.company or "FrontDesk", subject=spec.serial,
                          creator="FrontDesk", initialFontName=font.name)
    doc.addPageTemplates([PageTemplate(id="slip", frames=frames, onPage=on_page)])
    try:
        doc.build(story)
    except LayoutError as e:
        raise ValidationError(f"单据内容过长，无法排版：{spec.title} {spec.serial}。请缩短备注等长文字后再打印。",
                              code="slip_too_long") from e
    data = buf.getvalue()
    info = RenderInfo(font, printed_at, reprint_at, printed_by, pages=doc.page)
    if isinstance(out, Path):
        out.write_bytes(data)
    elif out is not None:
        out.write(data)
    return data, info
