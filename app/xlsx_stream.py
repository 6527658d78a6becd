"""A small streaming xlsx writer for big table exports: rows go straight into the zip as XML.

openpyxl builds an object per cell, which made a 50,000-row export take twice as long as the
target allows; this writes the same workbook parts (one sheet, styles, print set-up) directly.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

# Cell styles (indexes into cellXfs below).
DEFAULT, TITLE, SUBTITLE, HEADER, DATE, DATETIME, MONEY, DECIMAL = range(8)

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="4"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="166" formatCode="&quot;¥&quot;#,##0.00"/><numFmt numFmtId="167" formatCode="0.00"/></numFmts>
<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font><font><sz val="10"/><color rgb="FF555555"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FF2F5D8A"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color rgb="FF999999"/></bottom><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="8">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="3" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""

_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"""

_WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>FrontDesk</Application></Properties>"""

EPOCH = datetime(1899, 12, 30)
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def col_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(value: str) -> str:
    return escape(value.translate(_ILLEGAL))


@dataclass(frozen=True)
class Cell:
    """A value with an explicit style; plain str/int/Decimal/date values pick their own."""

    value: Any
    style: int = DEFAULT


def _cell_xml(ref: str, value: Any, style: int) -> str:
    if value is None:
        return ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        # Inline string: text is text, whatever it starts with ("=", "+", "-", "@").
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        naive = value.replace(tzinfo=None)
        delta = naive - EPOCH
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return f'<c r="{ref}"{s}><v>{serial:.10f}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s}><v>{(value - EPOCH.date()).days}</v></c>'
    if isinstance(value, (int, Decimal, float)):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return _cell_xml(ref, str(value), style)


class SheetWriter:
    """Write one sheet: call `row()` for each row, then `close()`."""

    def __init__(self, target: Path | BinaryIO, *, title: str, widths: Sequence[float],
                 freeze_row: int = 0, landscape: bool = True, print_title_row: int = 0,
                 footer: str = "", author: str = "") -> None:
        self.zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self.title = title
        self.ncols = len(widths)
        self.print_title_row = print_title_row
        self.author = author
        self.autofilter: str = ""
        self.rows = 0
        self._sheet = self.zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._buf: list[str] = []
        cols = "".join(f'<col min="{i}" max="{i}" width="{w:.2f}" customWidth="1"/>'
                       for i, w in enumerate(widths, start=1))
        pane = ""
        if freeze_row:
            pane = (f'<pane ySplit="{freeze_row}" topLeftCell="A{freeze_row + 1}" activePane="bottomLeft" '
                    f'state="frozen"/><selection pane="bottomLeft"/>')
        self._tail = (f'<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                      f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}" '
                      f'fitToWidth="1" fitToHeight="0"/>'
                      + (f'<headerFooter><oddFooter>&amp;C{_text(footer)}</oddFooter></headerFooter>' if footer else ""))
        self._write(
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{cols}</cols><sheetData>')

    def _write(self, s: str) -> None:
        self._buf.append(s)
        if len(self._buf) >= 500:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._sheet.write("".join(self._buf).encode("utf-8"))
            self._buf.clear()

    def row(self, values: Iterable[Any], styles: Sequence[int] | None = None) -> None:
        self.rows += 1
        r = self.rows
        parts = [f'<row r="{r}">']
        for i, v in enumerate(values):
            style = styles[i] if styles is not None else DEFAULT
            if isinstance(v, Cell):
                v, style = v.value, v.style
            parts.append(_cell_xml(f"{col_letter(i + 1)}{r}", v, style))
        parts.append("</row>")
        self._write("".join(parts))

    def close(self) -> None:
        af = f'<autoFilter ref="{self.autofilter}"/>' if self.autofilter else ""
        self._write(f"</sheetData>{af}{self._tail}</worksheet>")
        self._flush()
        self._sheet.close()
        name = _text(self.title[:31])
        defined = ""
        if self.print_title_row:
            defined = (f'<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
                       f"'{name}'!${self.print_title_row}:${self.print_title_row}</definedName></definedNames>")
        z = self.zip
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                   f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>')
        z.writestr("xl/styles.xml", _STYLES)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr("docProps/core.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                   'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                   'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                   f"<dc:title>{name}</dc:title><dc:creator>{_text(self.author)}</dc:creator>"
                   f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created></cp:coreProperties>')
        z.writestr("docProps/app.xml", _APP)
        z.close()

    def abort(self) -> None:
        try:
            self._sheet.close()
        finally:
            self.zip.close()
