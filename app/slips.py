"""Slips and forms people sign: a declarative description rendered to PDF with reportlab."""

from __future__ import annotations

import io
import itertools
import math
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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
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
    min_row_height: float = 0.0     # mm; field rows at least this tall (room to write by hand)
    signatures_per_row: int = 0     # 0: every signature line on one row
    shrink_to_page: float = 0.0     # e.g. 0.85: shrink down to that scale rather than spill a few
                                    # lines onto a second page (longer content still flows on)


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
    slips: int = 1      # slips in the document (render_slips)
    reprints: int = 0   # of which marked 补打


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


_BOX_CB = "fd_tick_box"  # canvas callback drawing a tick box where a □ or ■ is in the text


def _draw_tick_box(c: Canvas, _kind: str, label: str | None) -> None:
    info = getattr(c, "_curr_tx_info", None)
    if info is None or not label:
        return
    filled, slot, size = label.split("|")
    w, fs = float(slot), float(size)
    b = min(0.78 * fs, w - 0.1 * fs)
    c.saveState()
    c.setLineWidth(0.6)
    c.setStrokeColor(colors.black)
    c.setFillColor(colors.black)
    c.rect(info["cur_x"] + (w - b) / 2, info["cur_y"] - 0.1 * fs, b, b, stroke=1, fill=int(filled))
    c.restoreState()


def _box_markup(box: str, style: ParagraphStyle) -> str:
    """A tick box big enough to tick with a pen, drawn as a square whatever the font's □ looks like.
    The character stays in the text, invisible (twice where the font's □ is narrow, to make room),
    so the PDF still reads "□满意" / "■满意"."""
    fs = style.fontSize
    adv = stringWidth(box, style.fontName, fs) or fs
    n = max(1, math.ceil(0.95 * fs / adv - 0.05))
    label = f"{int(box == '■')}|{n * adv:.2f}|{fs:.2f}"
    return f'<onDraw name="{_BOX_CB}" label="{label}"/><font color="rgba(0,0,0,0)">{box * n}</font>'


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    markup = escape(text or "").replace("\n", "<br/>")
    for box in ("□", "■"):
        if box in markup:
            markup = markup.replace(box, _box_markup(box, style))
    return Paragraph(markup, style)


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
    pad = 3.0
    if spec.min_row_height > 0:  # at least this tall; longer text still grows the row
        pad = max(pad, (spec.min_row_height * mm - st.body.leading) / 2)
    style = [
        ("FONT", (0, 0), (-1, -1), st.font, st.base),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    wide_rows = {r for r, _last in spans}
    shade = colors.HexColor("#f2f2f2")
    for r in range(len(rows)):  # label cells only: not under a wide value
        for c in range(1 if r in wide_rows else cols):
            style.append(("BACKGROUND", (2 * c, r), (2 * c, r), shade))
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
    per_row = min(n, spec.signatures_per_row) if spec.signatures_per_row > 0 else n
    gap = 4 * mm
    label_w = max(st.label.fontSize * (len(s) + 1.2) for s in spec.signatures)
    line_w = (width - per_row * label_w - (per_row - 1) * gap) / per_row
    widths: list[float] = []
    for i in range(per_row):
        if i:
            widths.append(gap)
        widths += [label_w, line_w]
    style = [("FONT", (0, 0), (-1, -1), st.font, st.base), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
             ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    rows: list[list[Flowable | str]] = []
    for start in range(0, n, per_row):
        cells: list[Flowable | str] = []
        for i, s in enumerate(spec.signatures[start:start + per_row]):
            if i:
                cells.append("")
            cells += [_p(f"{s}：", st.label), ""]
            style.append(("LINEBELOW", (len(cells) - 1, len(rows)), (len(cells) - 1, len(rows)), 0.6, colors.black))
        rows.append(cells + [""] * (len(widths) - len(cells)))
    t = Table(rows, colWidths=widths, rowHeights=[10 * mm] * len(rows))
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


def _slip_template(tid: str, spec: SlipSpec, head: SlipHeader, info: RenderInfo, font: PdfFont,
                   st: _Styles) -> tuple[PageTemplate, list[Flowable]]:
    """One slip's page template (its own header, QR code and 补打 stamp) and its story."""
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
            c.setNamedCB(_BOX_CB, _draw_tick_box)
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
        first_page: list[int] = []  # the slip's own page numbers, also inside a batch

        def on_page(c: Canvas, _doc: object) -> None:
            c.setNamedCB(_BOX_CB, _draw_tick_box)
            if not first_page:
                first_page.append(c.getPageNumber())
            _draw_header(c, spec, head, info, MARGIN, pagesize[1] - MARGIN, width, "", font.name)
            c.setFont(font.name, 7.5)
            c.setFillColor(colors.HexColor("#666666"))
            c.drawRightString(pagesize[0] - MARGIN, MARGIN, f"第 {c.getPageNumber() - first_page[0] + 1} 页")

        story = _body(spec, st, width)
        if spec.shrink_to_page > 0:
            height = sum(f.wrap(width, frame_h)[1] for f in story)
            if frame_h < height <= frame_h / spec.shrink_to_page:
                story = [KeepInFrame(width, frame_h, story, mode="shrink")]
    return PageTemplate(id=tid, frames=frames, onPage=on_page, pagesize=pagesize), story


def _build(items: Sequence[tuple[SlipSpec, datetime | None]], head: SlipHeader, *, printed_at: datetime,
           printed_by: str, font_path: str, title: str, subject: str) -> tuple[bytes, RenderInfo]:
    font = get_font(font_path)
    st = _Styles(font.name)
    templates: list[PageTemplate] = []
    story: list[Flowable] = []
    for i, (spec, reprint_at) in enumerate(items):
        info = RenderInfo(font=font, printed_at=printed_at, reprint_at=reprint_at, printed_by=printed_by)
        tpl, flow = _slip_template("slip" if len(items) == 1 else f"slip{i}", spec, head, info, font, st)
        templates.append(tpl)
        if i:  # each slip starts on a page of its own template
            story += [NextPageTemplate(tpl.id), PageBreak()]
        story += flow
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=templates[0].pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=MARGIN, bottomMargin=MARGIN, title=title,
                          author=head.company or "FrontDesk", subject=subject,
                          creator="FrontDesk", initialFontName=font.name)
    doc.addPageTemplates(templates)
    doc.build(story)  # LayoutError: the caller says which slip
    reprints = [r for _s, r in items if r is not None]
    info = RenderInfo(font, printed_at, reprints[0] if reprints else None, printed_by, pages=doc.page,
                      slips=len(items), reprints=len(reprints))
    return buf.getvalue(), info


def _too_long(spec: SlipSpec) -> ValidationError:
    return ValidationError(f"单据内容过长，无法排版：{spec.title} {spec.serial}。请缩短备注等长文字后再打印。",
                           code="slip_too_long")


def _write(data: bytes, out: BinaryIO | Path | None) -> None:
    if isinstance(out, Path):
        out.write_bytes(data)
    elif out is not None:
        out.write(data)


def render_slip(spec: SlipSpec, head: SlipHeader, *, out: BinaryIO | Path | None = None,
                printed_at: datetime, reprint_at: datetime | None = None, printed_by: str = "",
                font_path: str = "") -> tuple[bytes, RenderInfo]:
    """Render to PDF bytes (and `out` when given). Content never leaves its box."""
    try:
        data, info = _build([(spec, reprint_at)], head, printed_at=printed_at, printed_by=printed_by,
                            font_path=font_path, title=spec.title, subject=spec.serial)
    except LayoutError as e:
        raise _too_long(spec) from e
    _write(data, out)
    return data, info


def render_slips(items: Sequence[tuple[SlipSpec, datetime | None]], head: SlipHeader, *,
                 printed_at: datetime, printed_by: str = "", font_path: str = "",
                 out: BinaryIO | Path | None = None) -> tuple[bytes, RenderInfo]:
    """Several slips in one PDF (a batch print): each `(spec, reprint_at)` starts on a page of its
    own, with its own header, QR code and 补打 stamp (when its reprint_at is set); a two-copies spec
    takes one A4 page. `info.pages` counts every page, `info.reprints` the slips marked 补打."""
    items = list(items)
    if not items:
        raise ValidationError("没有要打印的单据", code="nothing_to_print")
    if len(items) == 1:
        spec, reprint_at = items[0]
        return render_slip(spec, head, out=out, printed_at=printed_at, reprint_at=reprint_at,
                           printed_by=printed_by, font_path=font_path)
    titles = list(dict.fromkeys(spec.title for spec, _r in items))
    title = titles[0] if len(titles) == 1 else "、".join(titles)
    subject = " ".join(spec.serial for spec, _r in items)
    try:
        data, info = _build(items, head, printed_at=printed_at, printed_by=printed_by,
                            font_path=font_path, title=title, subject=subject)
    except LayoutError as e:
        for spec, reprint_at in items:  # say which one does not fit
            render_slip(spec, head, printed_at=printed_at, reprint_at=reprint_at, font_path=font_path)
        raise ValidationError(f"单据内容过长，无法排版：{title}", code="slip_too_long") from e
    _write(data, out)
    return data, info
